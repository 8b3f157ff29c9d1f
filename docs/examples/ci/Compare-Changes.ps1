<#
.SYNOPSIS
The pull-request step of the CI example (docs/ci.md): what a deploy would change, as a diff.
.DESCRIPTION
Compares the manifests with the live objects (a server-side dry-run apply; nothing is written) and writes the diff to
the log. In GitHub Actions the diff is also appended to the step summary; in Azure Pipelines it is uploaded as a
summary (##vso[task.uploadsummary]). Reviewers see the change before it is merged.
#>
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $Namespace
)
$ErrorActionPreference = 'Stop'
Import-Module KubePS

$diff = (Compare-KubeResource -Path $Path -Namespace $Namespace -Recurse | Format-KubeDiff) -join "`n"
if (-not $diff) { $diff = '(no changes)' }
Write-Host $diff

$markdown = "### Changes to namespace $Namespace`n`n``````diff`n$diff`n```````n"
if ($env:GITHUB_ACTIONS -eq 'true' -and $env:GITHUB_STEP_SUMMARY) {
    Add-Content -Path $env:GITHUB_STEP_SUMMARY -Value $markdown -Encoding utf8
}
elseif ($env:TF_BUILD -eq 'True') {
    $dir = if ($env:AGENT_TEMPDIRECTORY) { $env:AGENT_TEMPDIRECTORY } else { [IO.Path]::GetTempPath() }
    $file = Join-Path $dir "kubeps-diff-$([guid]::NewGuid().ToString('n')).md"
    Set-Content -Path $file -Value $markdown -Encoding utf8
    Write-Host "##vso[task.uploadsummary]$file"
}
