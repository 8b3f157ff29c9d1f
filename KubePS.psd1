@{
    RootModule           = 'KubePS.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0d1c2e-7b7e-4f5c-9f3e-2d8a4b1c5e90'
    Author               = 'KubePS contributors'
    CompanyName          = 'KubePS contributors'
    Copyright            = '(c) KubePS contributors. MIT License.'
    Description          = 'Kubernetes for PowerShell: binary cmdlets over the official Kubernetes C# client, returning objects instead of text.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    NestedModules        = @('KubePS.dll')
    FormatsToProcess     = @('KubePS.Connection.Format.ps1xml', 'KubePS.Resources.Format.ps1xml', 'KubePS.Logs.Format.ps1xml')
    TypesToProcess       = @('KubePS.Types.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Get-KubeContext'
        'Set-KubeContext'
        'Get-KubeVersion'
        'Get-KubeResource'
        'Get-KubeApiResource'
        'Get-KubePod'
        'Get-KubeDeployment'
        'Get-KubeReplicaSet'
        'Get-KubeStatefulSet'
        'Get-KubeDaemonSet'
        'Get-KubeJob'
        'Get-KubeCronJob'
        'Get-KubeService'
        'Get-KubeIngress'
        'Get-KubeConfigMap'
        'Get-KubeSecret'
        'Get-KubeNamespace'
        'Get-KubeNode'
        'Get-KubePersistentVolumeClaim'
        'Get-KubeEvent'
        'Wait-KubeResource'
        'Show-KubeResource'
        'ConvertTo-KubeYaml'
        'ConvertFrom-KubeYaml'
        'ConvertTo-KubeJson'
        'Invoke-KubeApply'
        'Compare-KubeResource'
        'Format-KubeDiff'
        'Remove-KubeResource'
        'Set-KubeScale'
        'Restart-KubeWorkload'
        'Set-KubeLabel'
        'Set-KubeAnnotation'
        'New-KubeNamespace'
        'Set-KubeImage'
        'Get-KubeLog'
        'Watch-KubeResource'
        'Watch-KubeEvent'
        'Test-KubePolicy'
        'Get-KubeAuditLog'
        'Test-KubeAuditLog'
        'Invoke-KubeDeploy'
        'Get-KubeDeployPlan'
        'Remove-KubeDeploy'
        'Expand-KubeTemplate'
    )
    VariablesToExport    = @()
    AliasesToExport      = @(
        'kctx'
        'kget'
        'kpod'
        'kdeploy'
        'ksvc'
        'kns'
        'kevent'
        'kyaml'
        'kapply'
    )
    PrivateData          = @{
        PSData = @{
            Tags       = @('Kubernetes', 'kubectl', 'k8s', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            ProjectUri   = 'https://github.com/kubeps/kubeps'
            LicenseUri   = 'https://github.com/kubeps/kubeps/blob/main/LICENSE'
            ReleaseNotes = 'First preview: connection and contexts (kubectl rules), exploring any kind with kubectl-style tables, completion, YAML/JSON conversion, describe. See docs/ for the rest.'
        }
    }
}
