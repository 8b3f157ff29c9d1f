# Templates benchmark (issue 9): Expand-KubeTemplate renders 200 templates (each a ConfigMap with a checksum
# annotation and a loop over 20 values) with a values tree of 1,000 keys (50 groups of 20), merged from values.yaml,
# an environment file and -Set. No cluster side: there is no kubectl equivalent (helm template is not installed
# here), so the kubectl column stays empty. Goal: well under a second.
. (Join-Path $PSScriptRoot 'BenchHelpers.ps1')

function New-ConfigBenchApp {
    param([Parameter(Mandatory)] [string] $Directory)
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $Directory 'templates')
    $values = [Text.StringBuilder]::new()
    foreach ($g in 0..49) {
        $null = $values.Append("group$g`:`n")
        foreach ($k in 0..19) { $null = $values.Append("  key$k`: value-$g-$k`n") }
    }
    [IO.File]::WriteAllText((Join-Path $Directory 'values.yaml'), $values.ToString())
    [IO.File]::WriteAllText((Join-Path $Directory 'values.bench.yaml'), "group0:`n  key0: from-env`n")
    foreach ($i in 0..199) {
        $g = $i % 50
        $t = "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: cm-$i`n  namespace: {{ namespace }}`n  annotations:`n    checksum/config: {{ values.group$g | sha256 }}`n" +
            "data:`n  environment: {{ environment }}`n{{ for kv in values.group$g }}  {{ kv.key }}: {{ kv.value | quote }}`n{{ end }}"
        [IO.File]::WriteAllText((Join-Path $Directory ('templates/t{0:000}.yaml' -f $i)), $t)
    }
}

function Invoke-ConfigBenchmark {
    param([Parameter(Mandatory)] [string] $Kubeconfig, [Parameter(Mandatory)] [string] $Module, [int] $Runs = 5)
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("kubeps-config-bench-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
    try {
        New-ConfigBenchApp -Directory $dir
        $child = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:BENCH_MODULE
$sw = [Diagnostics.Stopwatch]::StartNew()
$null = Expand-KubeTemplate -Path $env:BENCH_APP -Environment bench -Set 'group1.key1=from-set'
$first = $sw.Elapsed.TotalMilliseconds
$ms = foreach ($r in 1..[int]$env:BENCH_RUNS) {
    $sw.Restart()
    $objs = @(Expand-KubeTemplate -Path $env:BENCH_APP -Environment bench -Set 'group1.key1=from-set' -NoTypedModels)
    $t = $sw.Elapsed.TotalMilliseconds
    if ($objs.Count -ne 200) { throw "rendered $($objs.Count) objects" }
    $t
}
$s = @($ms | Sort-Object)
[pscustomobject]@{ Median = $s[[int][Math]::Floor($s.Count / 2)]; First = $first } | ConvertTo-Json -Compress
'@
        $r = Invoke-BenchChild -Script $child -Environment @{ BENCH_MODULE = $Module; BENCH_APP = $dir; BENCH_RUNS = "$Runs" }
        [pscustomobject]@{
            Benchmark = 'Render 200 templates with a 1,000-key values tree (Expand-KubeTemplate)'
            KubePS = Format-BenchMs $r.Median; Kubectl = ''; Ratio = ''
            Notes = "no kubectl equivalent (helm template is not installed); values.yaml + an environment file + -Set merged, 200 ConfigMaps each with a sha256 checksum of 20 values and a loop over them, read back as YAML, written as objects; median of $Runs runs in one warm session (the first call, with loading and JIT, took $(Format-BenchMs $r.First)); goal well under 1 s"
        }
    }
    finally {
        Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
    }
}
