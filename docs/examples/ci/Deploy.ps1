<#
.SYNOPSIS
The deploy step of the CI example (docs/ci.md): deploy and wait until everything is ready.
.DESCRIPTION
Invoke-KubeDeploy plans the dependency graph, validates every object first, applies each as soon as what it depends on
is ready, and waits. In CI it writes one line per step with timings (no progress bars), annotates each failure on the
manifest's file and line, and appends a summary table (resource, action, status, time) to the job's summary.
-ErrorAction Stop turns the first failure into a terminating error: the script stops and pwsh exits with code 1, so
the job fails.
#>
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $Namespace,
    [string] $Name = 'hello',
    [int] $TimeoutSeconds = 300
)
$ErrorActionPreference = 'Stop'
Import-Module KubePS

Invoke-KubeDeploy -Path $Path -Name $Name -Namespace $Namespace -Timeout $TimeoutSeconds -ErrorAction Stop |
    Format-Table Level, Resource, State, Action, Applied, Ready -AutoSize | Out-String -Width 200 | Write-Host
