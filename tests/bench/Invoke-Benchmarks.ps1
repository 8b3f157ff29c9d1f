<#
.SYNOPSIS
Runs every tests/bench/*.Bench.ps1 against a fresh local cluster, side by side with kubectl, and writes docs/benchmarks.md.
.DESCRIPTION
Each bench file, when dot-sourced, defines one or more functions that take -Kubeconfig (and may take -Module,
-Root and -ClusterArguments) and return objects with Benchmark, KubePS, Kubectl, Ratio and Notes. A bench
that needs the cluster started with particular flags (injected latency, say) declares
$BenchClusterArguments in its file; it then gets a cluster of its own.
Timings are medians of several runs, measured in one run of this script on this machine; they are never
asserted by a test.
#>
param([string] $Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path, [string] $Configuration = 'Release', [string[]] $Only = @())
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $Root 'tools/LocalCluster.psm1') -Force
$module = Join-Path $Root 'out/KubePS/KubePS.psd1'
# The module's disk cache (discovery) of the throw-away bench clusters stays under out/, not in ~/.kube/cache.
$env:KUBEPS_CACHE_DIR = Join-Path $Root 'out/bench-cache'
$results = [System.Collections.Generic.List[object]]::new()
foreach ($file in Get-ChildItem (Join-Path $Root 'tests/bench') -Filter '*.Bench.ps1' | Sort-Object Name) {
    if ($Only.Count -gt 0 -and $file.BaseName -replace '\.Bench$' -notin $Only) { continue }
    Write-Host "==> $($file.Name)"
    $before = @(Get-Command -CommandType Function | ForEach-Object Name)
    $BenchClusterArguments = @()
    . $file.FullName
    $functions = @(Get-Command -CommandType Function | Where-Object { $_.Name -notin $before -and $_.Parameters.ContainsKey('Kubeconfig') })
    $cluster = Start-KubeLocalCluster -Configuration $Configuration -ArgumentList $BenchClusterArguments
    try {
        foreach ($fn in $functions) {
            $fnArgs = @{ Kubeconfig = $cluster.Kubeconfig }
            if ($fn.Parameters.ContainsKey("Module")) { $fnArgs.Module = $module }
            if ($fn.Parameters.ContainsKey("Root")) { $fnArgs.Root = $Root }
            try {
                foreach ($r in & $fn.Name @fnArgs | Where-Object { $_ -and $_.PSObject.Properties['Benchmark'] }) {
                    $results.Add($r)
                    Write-Host ('    {0}: KubePS {1} | kubectl {2} | ratio {3} {4}' -f $r.Benchmark, $r.KubePS, $r.Kubectl, $r.Ratio, $r.Notes)
                }
            }
            catch {
                Write-Warning "$($fn.Name) failed: $_"
                $results.Add([pscustomobject]@{ Benchmark = $fn.Name; KubePS = 'failed'; Kubectl = ''; Ratio = ''; Notes = "$_" })
            }
        }
    }
    finally { $cluster | Stop-KubeLocalCluster }
}
$cpu = (Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^model name\s*:\s*', ''
$lines = @(
    '# Benchmarks'
    ''
    "Written by ``build.ps1 -Task Bench`` on $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC: $([Environment]::ProcessorCount) cores ($cpu), .NET $([Environment]::Version), pwsh $($PSVersionTable.PSVersion), $(& kubectl version --client 2>$null | Select-Object -First 1)."
    'Both sides run in one run against the same local cluster (a simulated control plane on 127.0.0.1). Ratio = kubectl time / KubePS time (higher is better for KubePS) unless the row says otherwise. Times are medians.'
    ''
    '| Benchmark | KubePS | kubectl | Ratio | Notes |'
    '|---|---|---|---|---|'
)
function ConvertTo-Cell([object] $Value) { "$Value" -replace '\|', '\|' -replace "`r?`n", ' ' }
foreach ($r in $results) { $lines += "| $(ConvertTo-Cell $r.Benchmark) | $(ConvertTo-Cell $r.KubePS) | $(ConvertTo-Cell $r.Kubectl) | $(ConvertTo-Cell $r.Ratio) | $(ConvertTo-Cell $r.Notes) |" }
# Numbers measured by the test suites rather than by a side-by-side run (the local cluster's own capacity, policy cost).
$extra = Join-Path $PSScriptRoot 'measured-elsewhere.md'
if (Test-Path $extra) { $lines += ''; $lines += Get-Content $extra }
$out = Join-Path $Root 'docs/benchmarks.md'
if ($Only.Count -gt 0 -and (Test-Path $out)) { $out = Join-Path $Root 'out/benchmarks.partial.md' }
Set-Content -Path $out -Value $lines -Encoding utf8
Write-Host "wrote $out"
