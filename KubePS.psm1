# KubePS root module: the cmdlets live in KubePS.dll (a nested module, loaded first). Keep this file tiny:
# aliases and argument-completer registration only. KubePS.psd1 lists exactly what is exported.
# Aliases are set through the alias: drive rather than Set-Alias: calling Set-Alias here would autoload
# Microsoft.PowerShell.Utility and add about 50 ms to every Import-Module KubePS.

${alias:kctx} = 'Set-KubeContext'
${alias:kget} = 'Get-KubeResource'
${alias:kpod} = 'Get-KubePod'
${alias:kdeploy} = 'Get-KubeDeployment'
${alias:ksvc} = 'Get-KubeService'
${alias:kns} = 'Get-KubeNamespace'
${alias:kevent} = 'Get-KubeEvent'
${alias:kyaml} = 'ConvertTo-KubeYaml'
${alias:kapply} = 'Invoke-KubeApply'

Export-ModuleMember -Cmdlet '*' -Alias 'kctx', 'kget', 'kpod', 'kdeploy', 'ksvc', 'kns', 'kevent', 'kyaml', 'kapply'
