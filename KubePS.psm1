# KubePS root module: the cmdlets live in KubePS.dll (a nested module, loaded first). Keep this file tiny:
# aliases and argument-completer registration only. KubePS.psd1 lists exactly what is exported.

Set-Alias -Name kctx -Value Set-KubeContext
Set-Alias -Name kget -Value Get-KubeResource
Set-Alias -Name kpod -Value Get-KubePod
Set-Alias -Name kdeploy -Value Get-KubeDeployment
Set-Alias -Name ksvc -Value Get-KubeService
Set-Alias -Name kns -Value Get-KubeNamespace
Set-Alias -Name kevent -Value Get-KubeEvent
Set-Alias -Name kyaml -Value ConvertTo-KubeYaml
Set-Alias -Name kapply -Value Invoke-KubeApply

Export-ModuleMember -Cmdlet '*' -Alias 'kctx', 'kget', 'kpod', 'kdeploy', 'ksvc', 'kns', 'kevent', 'kyaml', 'kapply'
