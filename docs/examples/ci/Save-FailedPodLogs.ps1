<#
.SYNOPSIS
The on-failure step of the CI example (docs/ci.md): the logs of the pods that are not healthy, as files to attach.
.DESCRIPTION
Writes <pod>.log (the last lines of every container, and of the previous instance of a restarted one) for each pod
of the namespace that is not Ready, has restarted, or failed, into -OutputDirectory. The workflow attaches the
directory (actions/upload-artifact, or PublishPipelineArtifact); in Azure Pipelines each file is also attached to the
run's log (##vso[task.uploadfile]). Never fails the step: it runs when the job has already failed.
#>
param(
    [Parameter(Mandatory)] [string] $Namespace,
    [Parameter(Mandatory)] [string] $OutputDirectory,
    [int] $Tail = 200
)
$ErrorActionPreference = 'Continue'
Import-Module KubePS

$null = New-Item -ItemType Directory -Path $OutputDirectory -Force
$pods = @(Get-KubePod -Namespace $Namespace | Where-Object { $_.Status.Phase -eq 'Failed' -or $_.Restarts -gt 0 -or -not ($_.Status.Conditions | Where-Object { $_.Type -eq 'Ready' -and $_.Status -eq 'True' }) })
foreach ($pod in $pods) {
    $file = Join-Path $OutputDirectory "$($pod.Metadata.Name).log"
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add("# pod $Namespace/$($pod.Metadata.Name): phase $($pod.Status.Phase), restarts $($pod.Restarts)")
    foreach ($c in $pod.Status.ContainerStatuses) {
        $lines.Add("# container $($c.Name): $(if ($c.State.Waiting) { $c.State.Waiting.Reason } elseif ($c.State.Terminated) { 'Terminated ' + $c.State.Terminated.Reason } else { 'Running' })")
    }
    $current = Get-KubeLog -Name $pod.Metadata.Name -Namespace $Namespace -Tail $Tail -Raw -ErrorAction SilentlyContinue -ErrorVariable logErrors
    $lines.AddRange([string[]]@($current))
    if ($pod.Restarts -gt 0) {
        $lines.Add('# previous instance')
        $lines.AddRange([string[]]@(Get-KubeLog -Name $pod.Metadata.Name -Namespace $Namespace -Tail $Tail -Raw -Previous -ErrorAction SilentlyContinue))
    }
    foreach ($e in $logErrors) { $lines.Add("# no log: $($e.Exception.Message)") }
    [IO.File]::WriteAllLines($file, $lines)
    Write-Host "Saved $file"
    if ($env:TF_BUILD -eq 'True') { Write-Host "##vso[task.uploadfile]$((Resolve-Path $file).Path)" }
}
if ($pods.Count -eq 0) { Write-Host "No unhealthy pods in $Namespace." }
