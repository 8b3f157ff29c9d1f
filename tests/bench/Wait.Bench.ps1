# Wait benchmarks (issue 7): latency from the moment readiness is written (a status patch by the bench itself) to
# the waiter returning: Wait-KubeResource vs kubectl wait vs polling every 2 s, for one pod (condition Ready) and for
# 100 deployments waited on at once (condition Available; Wait-KubeResource's rollout rule). The cluster runs without controllers, so nothing but the bench
# changes the objects' status. Timestamps are Stopwatch (CLOCK_MONOTONIC) readings, comparable across processes.
. (Join-Path $PSScriptRoot 'BenchHelpers.ps1')
$BenchClusterArguments = @('--no-controllers')

function Invoke-WaitBenchmark {
    param([Parameter(Mandatory)] [string] $Kubeconfig, [Parameter(Mandatory)] [string] $Module, [int] $Runs = 5, [int] $ManyRuns = 3)
    $child = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:BENCH_MODULE
$kc = $env:BENCH_KUBECONFIG
function Median($v) { $s = @($v | Sort-Object); if ($s.Count -eq 0) { return [double]::NaN }; if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count/2)] } else { ($s[$s.Count/2-1] + $s[$s.Count/2]) / 2 } }
function Ms([long] $from, [long] $to) { ($to - $from) * 1000.0 / [Diagnostics.Stopwatch]::Frequency }
$text = Get-Content -Raw $kc
$server = [regex]::Match($text, 'server:\s*(\S+)').Groups[1].Value
$token = [regex]::Match($text, 'token:\s*(\S+)').Groups[1].Value
$ca = [regex]::Match($text, 'certificate-authority-data:\s*(\S+)').Groups[1].Value
$policy = [System.Security.Cryptography.X509Certificates.X509ChainPolicy]::new(); $policy.TrustMode = 'CustomRootTrust'; $policy.RevocationMode = 'NoCheck'
$null = $policy.CustomTrustStore.Add([System.Security.Cryptography.X509Certificates.X509Certificate2]::new([Convert]::FromBase64String($ca)))
$h = [System.Net.Http.SocketsHttpHandler]::new(); $h.SslOptions.CertificateChainPolicy = $policy; $h.MaxConnectionsPerServer = 64
$hc = [System.Net.Http.HttpClient]::new($h); $hc.BaseAddress = [Uri]$server
$hc.DefaultRequestHeaders.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $token)

function Send-All([string] $method, [string[]] $paths, [string[]] $bodies, [string] $type) {
    $tasks = for ($i = 0; $i -lt $paths.Count; $i++) {
        $req = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::new($method), $paths[$i])
        $req.Content = [System.Net.Http.StringContent]::new($bodies[$i], [Text.Encoding]::UTF8, $type)
        $hc.SendAsync($req)
    }
    [System.Threading.Tasks.Task]::WaitAll([System.Threading.Tasks.Task[]]@($tasks))
    $bad = @($tasks | Where-Object { -not $_.Result.IsSuccessStatusCode })
    if ($bad.Count) { throw "$($bad.Count) requests failed: $($bad[0].Result.StatusCode) $($bad[0].Result.Content.ReadAsStringAsync().Result)" }
}
function Get-Paths([string] $kind, [string] $ns, [string[]] $names, [string] $suffix = '') {
    $base = if ($kind -eq 'Pod') { "/api/v1/namespaces/$ns/pods" } else { "/apis/apps/v1/namespaces/$ns/deployments" }
    $names | ForEach-Object { if ($suffix -eq 'create') { $base } else { "$base/$_$suffix" } }
}
function New-Objects([string] $kind, [string] $ns, [string[]] $names, [string] $run) {
    Send-All POST @(Get-Paths $kind $ns $names 'create') @($names | ForEach-Object {
        if ($kind -eq 'Pod') {
            "{""apiVersion"":""v1"",""kind"":""Pod"",""metadata"":{""name"":""$_"",""namespace"":""$ns"",""labels"":{""run"":""$run""}},""spec"":{""containers"":[{""name"":""app"",""image"":""registry.k8s.io/pause:3.9""}]}}"
        }
        else {
            "{""apiVersion"":""apps/v1"",""kind"":""Deployment"",""metadata"":{""name"":""$_"",""namespace"":""$ns"",""labels"":{""run"":""$run""}},""spec"":{""replicas"":1,""selector"":{""matchLabels"":{""app"":""$_""}},""template"":{""metadata"":{""labels"":{""app"":""$_""}},""spec"":{""containers"":[{""name"":""app"",""image"":""registry.k8s.io/pause:3.9""}]}}}}"
        } }) 'application/json'
}
function Set-Ready([string] $kind, [string] $ns, [string[]] $names) {
    # Writes what the kubelet / deployment controller would: returns the timestamp at which the writes were sent
    # (so every measure includes the write's own round trip, on both sides, and can never come out negative).
    $sent = [Diagnostics.Stopwatch]::GetTimestamp()
    $body = if ($kind -eq 'Pod') { '{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}' }
            else { '{"status":{"observedGeneration":1,"replicas":1,"updatedReplicas":1,"readyReplicas":1,"availableReplicas":1,"conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"},{"type":"Progressing","status":"True","reason":"NewReplicaSetAvailable"}]}}' }
    Send-All PATCH @(Get-Paths $kind $ns $names '/status') @($names | ForEach-Object { $body }) 'application/merge-patch+json'
    $sent
}

$null = Send-All POST @('/api/v1/namespaces') @('{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bench-wait"}}') 'application/json'
$ns = 'bench-wait'
$iss = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
$iss.ImportPSModule($env:BENCH_MODULE)
$rs = [runspacefactory]::CreateRunspace($iss); $rs.Open()
$seq = 0

function Measure-KubePS([string] $kind, [int] $count) {
    $script:seq++
    $names = 1..$count | ForEach-Object { "k$($script:seq)-$_" }
    New-Objects $kind $ns $names "k$($script:seq)"
    $ps = [powershell]::Create(); $ps.Runspace = $rs
    $null = $ps.AddScript({ param($kc, $ns, $names, $kind)
        $r = Wait-KubeResource -Kind $kind -Name $names -Namespace $ns -Kubeconfig $kc -Timeout 60
        $t = [Diagnostics.Stopwatch]::GetTimestamp()
        [pscustomobject]@{ T = $t; Ok = @($r | Where-Object Outcome -eq 'Satisfied').Count; Requests = $r[0].Requests; Watches = $r[0].WatchesOpened }
    }).AddArgument($kc).AddArgument($ns).AddArgument($names).AddArgument($kind)
    $handle = $ps.BeginInvoke()
    Start-Sleep -Milliseconds 1000
    if ($handle.IsCompleted) { throw "the wait returned before the objects were ready: $($ps.Streams.Error)" }
    $t0 = Set-Ready $kind $ns $names
    $out = $ps.EndInvoke($handle)[0]
    if ($out.Ok -ne $count) { throw "KubePS: $($out.Ok) of $count satisfied: $($ps.Streams.Error | Select-Object -First 1)" }
    $ps.Dispose()
    [pscustomobject]@{ Ms = (Ms $t0 $out.T); Requests = $out.Requests; Watches = $out.Watches }
}

function Measure-Kubectl([string] $kind, [int] $count) {
    $script:seq++
    $names = 1..$count | ForEach-Object { "c$($script:seq)-$_" }
    New-Objects $kind $ns $names "c$($script:seq)"
    $condition = if ($kind -eq 'Pod') { 'Ready' } else { 'Available' }
    $psi = [Diagnostics.ProcessStartInfo]::new('kubectl')
    foreach ($a in @('--kubeconfig', $kc, '-n', $ns, 'wait', "--for=condition=$condition", '--timeout=60s', '-v=6') + @($names | ForEach-Object { "$($kind.ToLowerInvariant())/$_" })) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
    $p = [Diagnostics.Process]::Start($psi)
    $errTask = $p.StandardError.ReadToEndAsync(); $outTask = $p.StandardOutput.ReadToEndAsync()
    Start-Sleep -Milliseconds 1500
    if ($p.HasExited) { throw "kubectl wait returned before the objects were ready: $($errTask.Result)" }
    $t0 = Set-Ready $kind $ns $names
    $p.WaitForExit()
    $t1 = [Diagnostics.Stopwatch]::GetTimestamp()
    if ($p.ExitCode -ne 0) { throw "kubectl wait failed: $($errTask.Result)" }
    $log = $errTask.Result -split "`n"
    # Only requests about the objects (discovery, cached on disk by kubectl, is left out as it is for KubePS).
    $requests = @($log | Where-Object { $_ -match "\b(GET|POST|PUT|PATCH|DELETE) https?://\S*/namespaces/$ns/" }).Count
    $watches = @($log | Where-Object { $_ -match '\bGET https?://\S*watch=true' }).Count
    [pscustomobject]@{ Ms = (Ms $t0 $t1); Requests = $requests; Watches = $watches }
}

function Measure-Polling([string] $kind, [int] $count) {
    $script:seq++
    $run = "p$($script:seq)"
    $names = 1..$count | ForEach-Object { "$run-$_" }
    New-Objects $kind $ns $names $run
    $ps = [powershell]::Create(); $ps.Runspace = $rs
    $null = $ps.AddScript({ param($kc, $ns, $run, $count, $kind)
        $polls = 0
        $type = if ($kind -eq 'Pod') { 'Ready' } else { 'Available' }
        while ($true) {
            $polls++
            $ready = @(Get-KubeResource -Kind $kind -Namespace $ns -Selector "run=$run" -Kubeconfig $kc | Where-Object { ($_.Status.Conditions | Where-Object Type -eq $type).Status -eq 'True' }).Count
            if ($ready -eq $count) { break }
            Start-Sleep -Seconds 2
        }
        [pscustomobject]@{ T = [Diagnostics.Stopwatch]::GetTimestamp(); Polls = $polls }
    }).AddArgument($kc).AddArgument($ns).AddArgument($run).AddArgument($count).AddArgument($kind)
    $handle = $ps.BeginInvoke()
    # Write Ready at a random point of the 2 s polling period, as happens in real life.
    Start-Sleep -Milliseconds (1000 + (Get-Random -Maximum 2000))
    $t0 = Set-Ready $kind $ns $names
    $out = $ps.EndInvoke($handle)[0]
    $ps.Dispose()
    [pscustomobject]@{ Ms = (Ms $t0 $out.T); Requests = $out.Polls; Watches = 0 }
}

$null = Measure-KubePS Pod 1   # warm-up: discovery and the connection, as in any session that has already run a cmdlet
$result = @{}
foreach ($case in @(@{ Name = 'One'; Kind = 'Pod'; Count = 1; Runs = [int]$env:BENCH_RUNS }, @{ Name = 'Many'; Kind = 'Deployment'; Count = 100; Runs = [int]$env:BENCH_MANY_RUNS })) {
    $k = @(); $c = @(); $p = @()
    foreach ($i in 1..$case.Runs) { $k += Measure-KubePS $case.Kind $case.Count; $c += Measure-Kubectl $case.Kind $case.Count }
    foreach ($i in 1..([Math]::Min(3, $case.Runs))) { $p += Measure-Polling $case.Kind $case.Count }
    $result[$case.Name] = [pscustomobject]@{
        KubePS = (Median $k.Ms); Kubectl = (Median $c.Ms); Polling = (Median $p.Ms)
        KubePSAll = ($k.Ms | ForEach-Object { '{0:N1}' -f $_ }) -join ' '; KubectlAll = ($c.Ms | ForEach-Object { '{0:N1}' -f $_ }) -join ' '
        KRequests = $k[0].Requests; KWatches = $k[0].Watches; CRequests = $c[0].Requests; CWatches = $c[0].Watches; PRequests = (Median $p.Requests)
    }
}
$rs.Close()
$result | ConvertTo-Json -Compress -Depth 4
'@
    $r = Invoke-BenchChild -Script $child -Environment @{ BENCH_MODULE = $Module; BENCH_KUBECONFIG = $Kubeconfig; BENCH_RUNS = "$Runs"; BENCH_MANY_RUNS = "$ManyRuns" }
    foreach ($case in @(@{ Key = 'One'; Label = 'Wait for one pod to be Ready: from sending its Ready status write to the waiter returning (Wait-KubeResource vs kubectl wait --for=condition=Ready)'; Runs = $Runs },
                        @{ Key = 'Many'; Label = 'Wait for 100 deployments at once: from sending their rolled-out status writes to the waiter returning (Wait-KubeResource vs kubectl wait --for=condition=Available)'; Runs = $ManyRuns })) {
        $x = $r.($case.Key)
        [pscustomobject]@{
            Benchmark = $case.Label
            KubePS    = Format-BenchMs $x.KubePS
            Kubectl   = Format-BenchMs $x.Kubectl
            Ratio     = '{0:N1}x' -f ($x.Kubectl / $x.KubePS)
            Notes     = "medians of $($case.Runs) runs (KubePS: $($x.KubePSAll) ms; kubectl: $($x.KubectlAll) ms); polling every 2 s (one list per poll): $(Format-BenchMs $x.Polling), $('{0:N0}' -f ($x.Polling / $x.KubePS))x slower than KubePS, $($x.PRequests) requests; API requests / watches opened: KubePS $($x.KRequests) / $($x.KWatches), kubectl $($x.CRequests) / $($x.CWatches) (kubectl counted from its -v=6 log; discovery excluded on both sides). Times run from sending the status write(s) to the waiter returning, so they include the write's own round trip. Local simulated API server on 127.0.0.1, so network latency is ~0; kubectl wait checks its targets one after another under client-go's default rate limit (5 QPS, burst 10), which is what dominates its 100-pod time"
        }
    }
}
