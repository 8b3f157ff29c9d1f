<#
.SYNOPSIS
The demo: starts the local cluster, imports the built module and deploys the sample application.
#>
param([string] $Root = (Split-Path -Parent $PSScriptRoot), [string] $Configuration = 'Release')
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $Root 'tools/LocalCluster.psm1') -Force
$cluster = Start-KubeLocalCluster -Configuration $Configuration
$savedKubeconfig = $env:KUBECONFIG
try {
    Write-Host "Local cluster (a simulated control plane: no container runs): $($cluster.Server)"
    $sample = Join-Path $Root 'docs/examples/sample-app'
    Import-Module (Join-Path $Root 'out/KubePS/KubePS.psd1') -Force
    $env:KUBECONFIG = $cluster.Kubeconfig
    Get-KubeVersion | Format-List | Out-Host
    Get-KubeContext | Format-Table | Out-Host
    if (Get-Command Invoke-KubeDeploy -ErrorAction SilentlyContinue) {
        Invoke-KubeDeploy -Path $sample | Format-Table | Out-Host
    }
    elseif (Get-Command Invoke-KubeApply -ErrorAction SilentlyContinue) {
        Invoke-KubeApply -Path $sample -Recurse | Format-Table | Out-Host
    }
    else {
        & kubectl --kubeconfig $cluster.Kubeconfig apply -f $sample | Out-Host
        if ($LASTEXITCODE -ne 0) { throw 'kubectl apply failed' }
    }
    if (Get-Command Get-KubePod -ErrorAction SilentlyContinue) { Get-KubePod -Namespace demo | Format-Table | Out-Host }
    else { & kubectl --kubeconfig $cluster.Kubeconfig get all -n demo | Out-Host }
}
finally {
    $env:KUBECONFIG = $savedKubeconfig
    $cluster | Stop-KubeLocalCluster
}
