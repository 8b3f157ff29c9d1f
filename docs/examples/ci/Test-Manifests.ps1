<#
.SYNOPSIS
The policy check of the CI example (docs/ci.md): every manifest against the policy, offline.
.DESCRIPTION
Writes the verdicts that are not Pass as a table. In GitHub Actions and Azure Pipelines, Test-KubePolicy also writes
each Deny as an error annotation and each Warn as a warning annotation on the manifest's file and line. Exits 1 when
anything is denied, so the job fails.
#>
param(
    [Parameter(Mandatory)] [string[]] $Path,
    [Parameter(Mandatory)] [string] $PolicyPath
)
$ErrorActionPreference = 'Stop'
Import-Module KubePS

$results = @(Test-KubePolicy -Path $Path -Recurse -PolicyPath $PolicyPath -Failed)
if ($results.Count -gt 0) {
    $results | Format-Table Verdict, Rule, Kind, Name, Message -AutoSize -Wrap | Out-String -Width 200 | Write-Host
}
$denied = @($results | Where-Object Verdict -EQ 'Deny')
Write-Host "Policy: $($denied.Count) denied, $(@($results | Where-Object Verdict -EQ 'Warn').Count) warnings."
if ($denied.Count -gt 0) { exit 1 }
