# Apply benchmark (issue 6): 200 mixed manifests in one directory, Invoke-KubeApply -Path dir against
# kubectl apply --server-side -f dir, both against the same local cluster with 10 ms injected latency per request.
. (Join-Path $PSScriptRoot 'BenchHelpers.ps1')

# The bench runner starts this file's cluster with these flags (the local cluster's fault injection).
$BenchClusterArguments = @('--latency-ms', '10')

function New-ApplyBenchManifests {
    # Writes 200 documents in one directory: 2 namespaces and 198 objects of 6 kinds living in them (ConfigMap, Secret, ServiceAccount, Service, Deployment, Ingress).
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string] $Prefix)
    $null = New-Item -ItemType Directory -Path $Directory -Force
    $ns = "$Prefix-a", "$Prefix-b"
    [IO.File]::WriteAllText((Join-Path $Directory '00-namespaces.yaml'), (($ns | ForEach-Object { "apiVersion: v1`nkind: Namespace`nmetadata:`n  name: $_`n" }) -join "---`n"))
    for ($i = 0; $i -lt 33; $i++) {
        $n = $ns[$i % 2]
        $docs = @(
            "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: cfg-$i`n  namespace: $n`ndata:`n  mode: bench`n  index: `"$i`"`n"
            "apiVersion: v1`nkind: Secret`nmetadata:`n  name: sec-$i`n  namespace: $n`ntype: Opaque`nstringData:`n  password: p$i`n"
            "apiVersion: v1`nkind: ServiceAccount`nmetadata:`n  name: sa-$i`n  namespace: $n`n"
            "apiVersion: v1`nkind: Service`nmetadata:`n  name: svc-$i`n  namespace: $n`nspec:`n  selector:`n    app: app-$i`n  ports:`n  - port: 80`n    targetPort: 8080`n"
            "apiVersion: apps/v1`nkind: Deployment`nmetadata:`n  name: app-$i`n  namespace: $n`nspec:`n  replicas: 1`n  selector:`n    matchLabels:`n      app: app-$i`n  template:`n    metadata:`n      labels:`n        app: app-$i`n    spec:`n      serviceAccountName: sa-$i`n      containers:`n      - name: app`n        image: registry.example.com/app:1.0`n        ports:`n        - containerPort: 8080`n"
            "apiVersion: networking.k8s.io/v1`nkind: Ingress`nmetadata:`n  name: ing-$i`n  namespace: $n`nspec:`n  rules:`n  - host: app-$i.example.com`n    http:`n      paths:`n      - path: /`n        pathType: Prefix`n        backend:`n          service:`n            name: svc-$i`n            port:`n              number: 80`n"
        )
        [IO.File]::WriteAllText((Join-Path $Directory ('{0:D2}-app-{1}.yaml' -f ($i + 10), $i)), ($docs -join "---`n"))
    }
}

function Invoke-ApplyBenchmark {
    param([Parameter(Mandatory)] [string] $Kubeconfig, [Parameter(Mandatory)] [string] $Module, [int] $Runs = 3)
    $root = Join-Path ([IO.Path]::GetTempPath()) ("kubeps-apply-bench-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
    try {
        # Fresh namespaces for every run of each side, so every run creates all 200 objects.
        $ourDirs = foreach ($r in 1..$Runs) { $d = Join-Path $root "kubeps-$r"; New-ApplyBenchManifests -Directory $d -Prefix "bkp$r"; $d }
        $kubectlDirs = foreach ($r in 1..$Runs) { $d = Join-Path $root "kubectl-$r"; New-ApplyBenchManifests -Directory $d -Prefix "bkc$r"; $d }
        $docCount = (Get-ChildItem $ourDirs[0] -Filter *.yaml | Get-Content -Raw | ForEach-Object { ($_ -split "(?m)^---\s*$").Count } | Measure-Object -Sum).Sum
        $child = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:BENCH_MODULE
$sw = [Diagnostics.Stopwatch]::StartNew()
$create = foreach ($d in $env:BENCH_OURS -split ';') {
    $sw.Restart()
    $res = @(Invoke-KubeApply -Path $d -Kubeconfig $env:BENCH_KUBECONFIG)
    $sw.Elapsed.TotalMilliseconds
    if (@($res | Where-Object Action -eq 'Created').Count -ne [int]$env:BENCH_DOCS) { throw "created $(@($res | Where-Object Action -eq 'Created').Count) of $env:BENCH_DOCS" }
}
$unchanged = foreach ($d in $env:BENCH_OURS -split ';') {
    $sw.Restart()
    $res = @(Invoke-KubeApply -Path $d -Kubeconfig $env:BENCH_KUBECONFIG)
    $sw.Elapsed.TotalMilliseconds
    if (@($res | Where-Object Action -eq 'Unchanged').Count -ne [int]$env:BENCH_DOCS) { throw "unchanged: $(@($res | Where-Object Action -eq 'Unchanged').Count) of $env:BENCH_DOCS" }
}
$kcreate = foreach ($d in $env:BENCH_KUBECTL -split ';') {
    $sw.Restart()
    $out = kubectl --kubeconfig $env:BENCH_KUBECONFIG apply --server-side -f $d 2>&1
    $sw.Elapsed.TotalMilliseconds
    if ($LASTEXITCODE -ne 0) { throw "kubectl apply failed: $out" }
    if (@($out | Where-Object { "$_" -match 'serverside-applied' }).Count -ne [int]$env:BENCH_DOCS) { throw "kubectl applied $(@($out).Count) of $env:BENCH_DOCS: $($out | Select-Object -First 3)" }
}
$kunchanged = foreach ($d in $env:BENCH_KUBECTL -split ';') {
    $sw.Restart()
    $out = kubectl --kubeconfig $env:BENCH_KUBECONFIG apply --server-side -f $d 2>&1
    $sw.Elapsed.TotalMilliseconds
    if ($LASTEXITCODE -ne 0) { throw "kubectl apply failed: $out" }
}
function Median($v) { $s = @($v | Sort-Object); if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count/2)] } else { ($s[$s.Count/2-1] + $s[$s.Count/2]) / 2 } }
[pscustomobject]@{ Create = Median $create; Unchanged = Median $unchanged; KCreate = Median $kcreate; KUnchanged = Median $kunchanged } | ConvertTo-Json -Compress
'@
        $r = Invoke-BenchChild -Script $child -Environment @{
            BENCH_MODULE = $Module; BENCH_KUBECONFIG = $Kubeconfig; BENCH_DOCS = "$docCount"
            BENCH_OURS = ($ourDirs -join ';'); BENCH_KUBECTL = ($kubectlDirs -join ';')
        }
        $latency = if ((Get-Content -Raw $Kubeconfig) -match 'kubeps-local') { '10 ms injected latency per request (--latency-ms 10)' } else { 'a real cluster (no injected latency)' }
        [pscustomobject]@{ Benchmark = "Apply $docCount mixed manifests from one directory, creating (Invoke-KubeApply -Path dir vs kubectl apply --server-side -f dir)"; KubePS = Format-BenchMs $r.Create; Kubectl = Format-BenchMs $r.KCreate; Ratio = '{0:N1}x' -f ($r.KCreate / $r.Create); Notes = "$latency; KubePS validates every document with a server dry run first, then applies in waves (namespaces, then config, then the rest) with 16 requests in flight; goal >= 4x; median of $Runs runs, fresh namespaces each run; KubePS time excludes Import-Module, includes connection and discovery" }
        [pscustomobject]@{ Benchmark = "Re-apply the same $docCount manifests, nothing changes"; KubePS = Format-BenchMs $r.Unchanged; Kubectl = Format-BenchMs $r.KUnchanged; Ratio = '{0:N1}x' -f ($r.KUnchanged / $r.Unchanged); Notes = "$latency; every result is Unchanged; the dry run proves each apply a no-op (the field manager's managedFields entry is older than the server's Date), so only the 200 validation requests are sent" }
    }
    finally {
        Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
    }
}
