# KubePS root module: the cmdlets live in KubePS.dll (a nested module, loaded first). Keep this file tiny:
# aliases and argument-completer registration only. KubePS.psd1 lists exactly what is exported.

Set-Alias -Name kctx -Value Set-KubeContext

Export-ModuleMember -Cmdlet '*' -Alias 'kctx'
