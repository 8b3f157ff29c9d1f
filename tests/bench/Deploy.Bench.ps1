# Deploy benchmark (issue 8): a 200-resource application with a 4-level graph (namespace; config and services;
# database StatefulSets; app Deployments gated on their database's readiness), Invoke-KubeDeploy against what
# scripts do today with kubectl: apply each level with `kubectl apply -f`, then `kubectl rollout status` for each of
# its workloads before the next level. Also the critical-path floor: the sum, over the longest path of the graph,
# of each node's apply latency plus its readiness time (from the deploy's own per-node timings).
. (Join-Path $PSScriptRoot 'BenchHelpers.ps1')

# 10 ms injected latency per request, pods Ready 2 s after they are scheduled.
$BenchClusterArguments = @('--latency-ms', '10', '--pod-start-delay', '2000')

function New-DeployBenchApp {
    # Writes the application in four directories (one per level, for the kubectl script) and returns the workloads per level.
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string] $Namespace)
    $dirs = 0..3 | ForEach-Object { $d = Join-Path $Directory "level$_"; $null = New-Item -ItemType Directory -Path $d -Force; $d }
    [IO.File]::WriteAllText((Join-Path $dirs[0] 'namespace.yaml'), "apiVersion: v1`nkind: Namespace`nmetadata:`n  name: $Namespace`n")
    $l1 = [Collections.Generic.List[string]]::new()
    for ($i = 0; $i -lt 45; $i++) {
        $l1.Add("apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: cfg-$i`n  namespace: $Namespace`ndata:`n  index: `"$i`"`n")
        $l1.Add("apiVersion: v1`nkind: Service`nmetadata:`n  name: app-$i`n  namespace: $Namespace`nspec:`n  selector: {app: app-$i}`n  ports: [{port: 80, targetPort: 8080}]`n")
    }
    for ($i = 0; $i -lt 44; $i++) { $l1.Add("apiVersion: v1`nkind: Secret`nmetadata:`n  name: sec-$i`n  namespace: $Namespace`ntype: Opaque`nstringData:`n  password: p$i`n") }
    for ($k = 0; $k -lt 10; $k++) { $l1.Add("apiVersion: v1`nkind: Service`nmetadata:`n  name: db-$k`n  namespace: $Namespace`nspec:`n  clusterIP: None`n  selector: {app: db-$k}`n  ports: [{port: 5432}]`n") }
    [IO.File]::WriteAllText((Join-Path $dirs[1] 'config.yaml'), ($l1 -join "---`n"))
    $dbs = for ($k = 0; $k -lt 10; $k++) {
        "apiVersion: apps/v1`nkind: StatefulSet`nmetadata:`n  name: db-$k`n  namespace: $Namespace`nspec:`n  serviceName: db-$k`n  replicas: 1`n  selector:`n    matchLabels: {app: db-$k}`n  template:`n    metadata:`n      labels: {app: db-$k}`n    spec:`n      containers:`n      - name: db`n        image: postgres:16.4`n        envFrom: [{secretRef: {name: sec-$k}}]`n"
    }
    [IO.File]::WriteAllText((Join-Path $dirs[2] 'db.yaml'), ($dbs -join "---`n"))
    $apps = for ($i = 0; $i -lt 45; $i++) {
        "apiVersion: apps/v1`nkind: Deployment`nmetadata:`n  name: app-$i`n  namespace: $Namespace`n  annotations:`n    kubeps.io/depends-on: StatefulSet/db-$($i % 10)`nspec:`n  replicas: 1`n  selector:`n    matchLabels: {app: app-$i}`n  template:`n    metadata:`n      labels: {app: app-$i}`n    spec:`n      containers:`n      - name: app`n        image: registry.example.com/app:1.0`n        envFrom: [{configMapRef: {name: cfg-$i}}]`n"
    }
    [IO.File]::WriteAllText((Join-Path $dirs[3] 'apps.yaml'), ($apps -join "---`n"))
}

function Invoke-DeployBenchmark {
    param([Parameter(Mandatory)] [string] $Kubeconfig, [Parameter(Mandatory)] [string] $Module, [int] $Runs = 3)
    $root = Join-Path ([IO.Path]::GetTempPath()) ("kubeps-deploy-bench-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
    try {
        $ours = foreach ($r in 1..$Runs) { $d = Join-Path $root "kubeps-$r"; New-DeployBenchApp -Directory $d -Namespace "bdk$r"; $d }
        $theirs = foreach ($r in 1..$Runs) { $d = Join-Path $root "kubectl-$r"; New-DeployBenchApp -Directory $d -Namespace "bdc$r"; $d }
        $child = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:BENCH_MODULE
$sw = [Diagnostics.Stopwatch]::StartNew()
$k = $env:BENCH_KUBECONFIG
$i = 0
$ours = foreach ($d in $env:BENCH_OURS -split ';') {
    $i++
    $info = $null
    $sw.Restart()
    $res = @(Invoke-KubeDeploy -Path $d -Name "bench$i" -Kubeconfig $k -Timeout 300 -InformationVariable info 6>$null)
    $ms = $sw.Elapsed.TotalMilliseconds
    $s = ($info | Where-Object { $_.Tags -contains 'KubePS.DeploySummary' }).MessageData
    if ($res.Count -ne 200 -or -not $s.Succeeded) { throw "deploy: $($res.Count) nodes, succeeded $($s.Succeeded)" }
    $floor = ($res | Where-Object Critical | ForEach-Object { [double]$(if ($_.Ready) { $_.Ready } else { $_.Applied }) - [double]$_.Started } | Measure-Object -Sum).Sum * 1000
    [pscustomobject]@{ Ms = $ms; Floor = $floor; Levels = $s.Levels; Path = ($s.CriticalPath -join ' -> ') }
}
$theirs = foreach ($d in $env:BENCH_KUBECTL -split ';') {
    $sw.Restart()
    foreach ($level in 0..3) {
        $dir = Join-Path $d "level$level"
        $out = kubectl --kubeconfig $k apply -f $dir 2>&1
        if ($LASTEXITCODE -ne 0) { throw "kubectl apply failed: $out" }
        $ns = (Get-Content -Raw (Join-Path $d 'level0/namespace.yaml')) -replace '(?s).*name:\s*(\S+).*', '$1'
        foreach ($line in $out) {
            if ("$line" -match '^(statefulset|deployment)\.apps/(\S+)') {
                $o = kubectl --kubeconfig $k rollout status "$($Matches[1])/$($Matches[2])" -n $ns --timeout=300s 2>&1
                if ($LASTEXITCODE -ne 0) { throw "rollout status failed: $o" }
            }
        }
    }
    $sw.Elapsed.TotalMilliseconds
}
function Median($v) { $s = @($v | Sort-Object); if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count/2)] } else { ($s[$s.Count/2-1] + $s[$s.Count/2]) / 2 } }
[pscustomobject]@{ Ours = Median ($ours.Ms); Floor = Median ($ours.Floor); Theirs = Median $theirs; Levels = $ours[0].Levels; Path = $ours[0].Path } | ConvertTo-Json -Compress
'@
        $r = Invoke-BenchChild -Script $child -Environment @{ BENCH_MODULE = $Module; BENCH_KUBECONFIG = $Kubeconfig; BENCH_OURS = ($ours -join ';'); BENCH_KUBECTL = ($theirs -join ';') }
        $setting = if ((Get-Content -Raw $Kubeconfig) -match 'kubeps-local') { '10 ms injected latency per request, pods Ready 2 s after scheduling' } else { 'a real cluster' }
        [pscustomobject]@{
            Benchmark = "Deploy a 200-resource application, $($r.Levels) levels (Invoke-KubeDeploy vs kubectl apply -f per level + kubectl rollout status per workload)"
            KubePS = Format-BenchMs $r.Ours; Kubectl = Format-BenchMs $r.Theirs; Ratio = '{0:N1}x' -f ($r.Theirs / $r.Ours)
            Notes = "$setting; 10 StatefulSets, 45 Deployments each gated on its database's readiness (kubeps.io/depends-on), 145 config objects and Services; goal >= 3x; median of $Runs runs in fresh namespaces; KubePS time includes reading and planning the 200 documents, validation (kinds, references, cycles; the namespace is created by the deploy, so the objects in it cannot be dry-run before it), the inventory and waiting for all 55 workloads; the kubectl script orders by hand what the graph finds"
        }
        [pscustomobject]@{
            Benchmark = 'Same deploy against its critical-path floor'
            KubePS = Format-BenchMs $r.Ours; Kubectl = Format-BenchMs $r.Floor; Ratio = '{0:N2}x of floor' -f ($r.Ours / $r.Floor)
            Notes = "the 'kubectl' column is the floor: the sum over the critical path ($($r.Path)) of each node's apply latency plus readiness time, from the deploy's own timings; goal <= 1.5x; the rest is planning and validation before the first write"
        }
    }
    finally {
        Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
    }
}
