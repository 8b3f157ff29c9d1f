<#
.SYNOPSIS
Runs the Pester suites in a fresh pwsh and writes one summary record per suite (test file).
.DESCRIPTION
Called by build.ps1 -Task Test. Pester comes from NuGet ($env:KUBEPS_PESTER_PATH), the module under
test from $env:KUBEPS_TEST_MODULE and the cluster from $env:KUBEPS_TEST_KUBECONFIG.
#>
param(
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [string[]] $Tag = @()
)
$ErrorActionPreference = 'Stop'
Import-Module $env:KUBEPS_PESTER_PATH -Force
$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = [IO.Path]::ChangeExtension($SummaryPath, '.xml')
if ($Tag.Count -gt 0) { $config.Filter.Tag = @($Tag -split ',') }
$result = Invoke-Pester -Configuration $config
$suites = foreach ($c in $result.Containers) {
    $name = if ($c.Item -is [IO.FileInfo]) { $c.Item.Name } else { "$($c.Item)" }
    $note = ''
    if ($c.Result -eq 'Failed' -and $c.FailedCount -eq 0) { $note = 'container failed: ' + (($c.ErrorRecord | ForEach-Object { "$_" }) -join '; ') }
    [pscustomobject]@{
        Name    = $name
        Passed  = $c.PassedCount
        Failed  = $c.FailedCount + $(if ($note) { 1 } else { 0 }) + $c.FailedBlocksCount
        Skipped = $c.SkippedCount + $c.NotRunCount
        Note    = $note
    }
}
ConvertTo-Json -InputObject @($suites) -Depth 3 | Set-Content -Path $SummaryPath -Encoding utf8
