# Explore benchmarks (issue 5): listing 10,000 pods into objects, a warm single GET, module import and first call.
. (Join-Path $PSScriptRoot 'BenchHelpers.ps1')

function Invoke-ExploreBenchmark {
    param([Parameter(Mandatory)] [string] $Kubeconfig, [Parameter(Mandatory)] [string] $Module)
    $client = New-BenchHttpClient -Kubeconfig $Kubeconfig
    # Import, first call and warm single GETs are measured first, on a quiet cluster with one pod: the
    # 10,000 pods below keep the simulated kubelet busy for a while, which would be measured too.
    $null = Invoke-BenchCreate -Client $client -Path '/api/v1/namespaces' -Bodies @('{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bench-q"}}')
    $null = Invoke-BenchCreate -Client $client -Path '/api/v1/namespaces/bench-q/pods' -Bodies @('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"pod-42","namespace":"bench-q"},"spec":{"containers":[{"name":"app","image":"registry.example.com/bench/app:1.0"}]}}')
    Start-Sleep -Seconds 2
    $quickChild = @'
$ErrorActionPreference = 'Stop'
$sw = [Diagnostics.Stopwatch]::StartNew()
Import-Module $env:BENCH_MODULE
$import = $sw.Elapsed.TotalMilliseconds
$sw.Restart()
$null = Get-KubePod -Namespace bench-q -Name pod-42 -Kubeconfig $env:BENCH_KUBECONFIG
$first = $sw.Elapsed.TotalMilliseconds
function Median($v) { $s = @($v | Sort-Object); if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count/2)] } else { ($s[$s.Count/2-1] + $s[$s.Count/2]) / 2 } }
$warm = foreach ($i in 1..21) { $sw.Restart(); $null = Get-KubePod -Namespace bench-q -Name pod-42 -Kubeconfig $env:BENCH_KUBECONFIG; $sw.Elapsed.TotalMilliseconds }
$kwarm = foreach ($i in 1..11) { $sw.Restart(); $null = kubectl --kubeconfig $env:BENCH_KUBECONFIG get pod pod-42 -n bench-q -o json; $sw.Elapsed.TotalMilliseconds }
[pscustomobject]@{ Import = $import; First = $first; Warm = (Median ($warm | Select-Object -Skip 1)); KWarm = (Median $kwarm) } | ConvertTo-Json -Compress
'@
    $q = foreach ($i in 1..5) { Invoke-BenchChild -Script $quickChild -Environment @{ BENCH_MODULE = $Module; BENCH_KUBECONFIG = $Kubeconfig } }
    # The same without the import-time warm-up (KUBEPS_WARMUP=0), to show what it buys.
    $cold = foreach ($i in 1..5) { Invoke-BenchChild -Script $quickChild -Environment @{ BENCH_MODULE = $Module; BENCH_KUBECONFIG = $Kubeconfig; KUBEPS_WARMUP = '0' } }
    # Tab completion of pod names: cold (a fresh session: connection, one list) and warm (from the session's cache),
    # beside kubectl's own completion command (what its shell completion script runs on every Tab).
    $completeChild = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:BENCH_MODULE
function Median($v) { $s = @($v | Sort-Object); if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count/2)] } else { ($s[$s.Count/2-1] + $s[$s.Count/2]) / 2 } }
$line = "Get-KubePod -Kubeconfig '$($env:BENCH_KUBECONFIG)' -Namespace bench-q -Name pod-"
$sw = [Diagnostics.Stopwatch]::StartNew()
$r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
$cold = $sw.Elapsed.TotalMilliseconds
if ($r.CompletionMatches.CompletionText -notcontains 'pod-42') { throw "cold completion gave: $($r.CompletionMatches.CompletionText)" }
$warm = foreach ($i in 1..11) { $sw.Restart(); $null = TabExpansion2 -inputScript $line -cursorColumn $line.Length; $sw.Elapsed.TotalMilliseconds }
$k = foreach ($i in 1..5) { $sw.Restart(); $out = kubectl __complete get pods -n bench-q --kubeconfig $env:BENCH_KUBECONFIG pod- 2>$null; $sw.Elapsed.TotalMilliseconds; if ($out -notcontains 'pod-42') { throw "kubectl completion gave: $out" } }
[pscustomobject]@{ Cold = $cold; Warm = (Median $warm); Kubectl = (Median $k) } | ConvertTo-Json -Compress
'@
    $c = foreach ($i in 1..3) { Invoke-BenchChild -Script $completeChild -Environment @{ BENCH_MODULE = $Module; BENCH_KUBECONFIG = $Kubeconfig } }
    # The first Get-KubeResource of a new session: discovery from the disk cache an earlier session wrote, or from the
    # server when there is none (KUBEPS_CACHE_DIR is a fresh folder for each cold run).
    $kindChild = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:BENCH_MODULE
$sw = [Diagnostics.Stopwatch]::StartNew()
$calls = @(Get-KubeResource -Kind deployments -Namespace bench-q -Kubeconfig $env:BENCH_KUBECONFIG -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^GET ' })
$ms = $sw.Elapsed.TotalMilliseconds
[pscustomobject]@{ Ms = $ms; Requests = $calls.Count } | ConvertTo-Json -Compress
'@
    $diskCache = Join-Path ([IO.Path]::GetTempPath()) ('kubeps-bench-cache-' + [guid]::NewGuid().ToString('n').Substring(0, 8))
    $kindCold = foreach ($i in 1..3) { Invoke-BenchChild -Script $kindChild -Environment @{ BENCH_MODULE = $Module; BENCH_KUBECONFIG = $Kubeconfig; KUBEPS_CACHE_DIR = (Join-Path $diskCache "cold-$i") } }
    $null = Invoke-BenchChild -Script $kindChild -Environment @{ BENCH_MODULE = $Module; BENCH_KUBECONFIG = $Kubeconfig; KUBEPS_CACHE_DIR = (Join-Path $diskCache 'warm') }
    $kindWarm = foreach ($i in 1..3) { Invoke-BenchChild -Script $kindChild -Environment @{ BENCH_MODULE = $Module; BENCH_KUBECONFIG = $Kubeconfig; KUBEPS_CACHE_DIR = (Join-Path $diskCache 'warm') } }
    $null = kubectl --kubeconfig $Kubeconfig get deployments -n bench-q 2>$null
    $kindKubectl = foreach ($i in 1..5) { $sw = [Diagnostics.Stopwatch]::StartNew(); $null = kubectl --kubeconfig $Kubeconfig get deployments -n bench-q -o json; $sw.Elapsed.TotalMilliseconds }
    Remove-Item -Recurse -Force $diskCache -ErrorAction SilentlyContinue
    $base = foreach ($i in 1..3) { Invoke-BenchChild -Script '$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module Microsoft.PowerShell.Management; [pscustomobject]@{ Ms = $sw.Elapsed.TotalMilliseconds } | ConvertTo-Json -Compress' }

    # Seed 10,000 pods in 10 namespaces.
    $namespaces = 0..9 | ForEach-Object { "bench-$_" }
    foreach ($ns in $namespaces) {
        $null = Invoke-BenchCreate -Client $client -Path '/api/v1/namespaces' -Bodies @("{""apiVersion"":""v1"",""kind"":""Namespace"",""metadata"":{""name"":""$ns""}}")
    }
    $failed = 0
    foreach ($ns in $namespaces) {
        $bodies = foreach ($i in 0..999) {
            "{""apiVersion"":""v1"",""kind"":""Pod"",""metadata"":{""name"":""pod-$i"",""namespace"":""$ns"",""labels"":{""app"":""bench"",""shard"":""s$($i % 10)""}},""spec"":{""containers"":[{""name"":""app"",""image"":""registry.example.com/bench/app:1.0"",""ports"":[{""containerPort"":8080}],""env"":[{""name"":""MODE"",""value"":""bench""}]}]}}"
        }
        $failed += Invoke-BenchCreate -Client $client -Path "/api/v1/namespaces/$ns/pods" -Bodies $bodies
    }
    if ($failed -gt 0) { throw "$failed pods could not be created" }

    # Let the simulated kubelet finish starting them before the list is measured.
    $deadline = [DateTime]::UtcNow.AddSeconds(120)
    do {
        Start-Sleep -Seconds 2
        $running = ($client.GetStringAsync('/api/v1/pods?fieldSelector=status.phase%3DRunning').GetAwaiter().GetResult() | ConvertFrom-Json).items.Count
    } while ($running -lt 10000 -and [DateTime]::UtcNow -lt $deadline)
    Start-Sleep -Seconds 2

    $child = @'
$ErrorActionPreference = 'Stop'
$sw = [Diagnostics.Stopwatch]::StartNew()
Import-Module $env:BENCH_MODULE
$null = Get-KubePod -Namespace bench-0 -Name pod-1 -Kubeconfig $env:BENCH_KUBECONFIG
function Median($v) { $s = @($v | Sort-Object); if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count/2)] } else { ($s[$s.Count/2-1] + $s[$s.Count/2]) / 2 } }
# The floors: one bare HttpClient GET of the same list plus System.Text.Json parsing, and the same GET deserialized
# into the client's typed V1PodList (what KubePS hands out).
$text = Get-Content -Raw $env:BENCH_KUBECONFIG
$server = [regex]::Match($text, 'server:\s*(\S+)').Groups[1].Value
$token = [regex]::Match($text, 'token:\s*(\S+)').Groups[1].Value
$ca = [regex]::Match($text, 'certificate-authority-data:\s*(\S+)').Groups[1].Value
$policy = [System.Security.Cryptography.X509Certificates.X509ChainPolicy]::new(); $policy.TrustMode = 'CustomRootTrust'; $policy.RevocationMode = 'NoCheck'
$null = $policy.CustomTrustStore.Add([System.Security.Cryptography.X509Certificates.X509Certificate2]::new([Convert]::FromBase64String($ca)))
$h = [System.Net.Http.SocketsHttpHandler]::new(); $h.SslOptions.CertificateChainPolicy = $policy
$hc = [System.Net.Http.HttpClient]::new($h); $hc.DefaultRequestHeaders.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $token)
$asm = (Get-KubePod -Namespace bench-0 -Name pod-1 -Kubeconfig $env:BENCH_KUBECONFIG).GetType().Assembly
$listType = $asm.GetType('k8s.Models.V1PodList')
$deser = $asm.GetType('k8s.KubernetesJson').GetMethods() | Where-Object { $_.Name -eq 'Deserialize' -and $_.GetParameters()[0].ParameterType -eq [IO.Stream] } | Select-Object -First 1
$deser = $deser.MakeGenericMethod($listType)
# Rounds of all four, one after the other, so each side meets the same state of the session (JIT, GC); the first
# round, where every side still compiles its code, is reported apart.
$rounds = foreach ($round in 1..5) {
    $sw.Restart(); $n = (Get-KubePod -AllNamespaces -Kubeconfig $env:BENCH_KUBECONFIG | Measure-Object).Count; $ours = $sw.Elapsed.TotalMilliseconds
    if ($n -lt 10000) { throw "listed $n pods" }
    if ($round -eq 1) { $peakOursMB = [Math]::Round([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB) }
    $sw.Restart(); $n = (kubectl --kubeconfig $env:BENCH_KUBECONFIG get pods -A -o json | ConvertFrom-Json).items.Count; $kubectl = $sw.Elapsed.TotalMilliseconds
    if ($n -lt 10000) { throw "kubectl listed $n pods" }
    $sw.Restart(); $bytes = $hc.GetByteArrayAsync("$server/api/v1/pods").GetAwaiter().GetResult(); $doc = [System.Text.Json.JsonDocument]::Parse([ReadOnlyMemory[byte]]$bytes); $n = $doc.RootElement.GetProperty('items').GetArrayLength(); $doc.Dispose(); $floor = $sw.Elapsed.TotalMilliseconds
    $sw.Restart(); $bytes = $hc.GetByteArrayAsync("$server/api/v1/pods").GetAwaiter().GetResult(); $list = $deser.Invoke($null, @([IO.MemoryStream]::new($bytes), $null)); $typed = $sw.Elapsed.TotalMilliseconds
    $bytes = $null; $list = $null
    [pscustomobject]@{ Ours = $ours; Kubectl = $kubectl; Floor = $floor; Typed = $typed }
}
$peakAll = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
$warm = $rounds | Select-Object -Skip 1
[pscustomobject]@{
    Ours = (Median $warm.Ours); Kubectl = (Median $warm.Kubectl); Floor = (Median $warm.Floor); TypedFloor = (Median $warm.Typed)
    FirstOurs = $rounds[0].Ours; FirstKubectl = $rounds[0].Kubectl; FirstTyped = $rounds[0].Typed; PeakOursMB = $peakOursMB; PeakAllMB = [Math]::Round($peakAll / 1MB)
} | ConvertTo-Json -Compress
'@
    $r = Invoke-BenchChild -Script $child -Environment @{ BENCH_MODULE = $Module; BENCH_KUBECONFIG = $Kubeconfig }

    # The same 10,000 pods printed as a table, as an admin types it (kubectl's table comes from the server).
    $tableChild = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:BENCH_MODULE
function Median($v) { $s = @($v | Sort-Object); if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count/2)] } else { ($s[$s.Count/2-1] + $s[$s.Count/2]) / 2 } }
$null = Get-KubePod -Namespace bench-0 -Name pod-1 -Kubeconfig $env:BENCH_KUBECONFIG
$sw = [Diagnostics.Stopwatch]::StartNew()
$rounds = foreach ($round in 1..4) {
    $sw.Restart(); $ours = Get-KubePod -AllNamespaces -Kubeconfig $env:BENCH_KUBECONFIG | Out-String -Width 200; $o = $sw.Elapsed.TotalMilliseconds
    $sw.Restart(); $theirs = kubectl --kubeconfig $env:BENCH_KUBECONFIG get pods -A | Out-String; $k = $sw.Elapsed.TotalMilliseconds
    if (($ours -split "`n" | Where-Object { $_ -match '^pod-\d+ ' }).Count -lt 10000) { throw 'the table lacks rows' }
    [pscustomobject]@{ Ours = $o; Kubectl = $k }
}
$warm = $rounds | Select-Object -Skip 1
[pscustomobject]@{ Ours = (Median $warm.Ours); Kubectl = (Median $warm.Kubectl); FirstOurs = $rounds[0].Ours } | ConvertTo-Json -Compress
'@
    $t = Invoke-BenchChild -Script $tableChild -Environment @{ BENCH_MODULE = $Module; BENCH_KUBECONFIG = $Kubeconfig }

    # 5,000 custom resources of a CRD (PSObjects built from JSON) into objects.
    $crd = '{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"benchwidgets.example.com"},"spec":{"group":"example.com","names":{"kind":"BenchWidget","plural":"benchwidgets","singular":"benchwidget"},"scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},"additionalPrinterColumns":[{"name":"Size","type":"integer","jsonPath":".spec.size"}]}]}}'
    $null = Invoke-BenchCreate -Client $client -Path '/apis/apiextensions.k8s.io/v1/customresourcedefinitions' -Bodies @($crd)
    Start-Sleep -Seconds 2
    $bodies = foreach ($i in 0..4999) { "{""apiVersion"":""example.com/v1"",""kind"":""BenchWidget"",""metadata"":{""name"":""w-$i"",""namespace"":""bench-0"",""labels"":{""app"":""bench""}},""spec"":{""size"":$i,""color"":""blue"",""tags"":[""a"",""b""],""nested"":{""x"":1,""y"":""z""}}}" }
    $failed = Invoke-BenchCreate -Client $client -Path '/apis/example.com/v1/namespaces/bench-0/benchwidgets' -Bodies $bodies
    if ($failed -gt 0) { throw "$failed custom resources could not be created" }
    $crChild = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:BENCH_MODULE
function Median($v) { $s = @($v | Sort-Object); if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count/2)] } else { ($s[$s.Count/2-1] + $s[$s.Count/2]) / 2 } }
$null = Get-KubeResource -Kind benchwidgets -Namespace bench-0 -Name w-1 -Kubeconfig $env:BENCH_KUBECONFIG
$sw = [Diagnostics.Stopwatch]::StartNew()
$rounds = foreach ($round in 1..4) {
    $sw.Restart(); $n = (Get-KubeResource -Kind benchwidgets -Namespace bench-0 -Kubeconfig $env:BENCH_KUBECONFIG | Measure-Object).Count; $o = $sw.Elapsed.TotalMilliseconds
    if ($n -ne 5000) { throw "listed $n custom resources" }
    $sw.Restart(); $n = (kubectl --kubeconfig $env:BENCH_KUBECONFIG get benchwidgets -n bench-0 -o json | ConvertFrom-Json).items.Count; $k = $sw.Elapsed.TotalMilliseconds
    if ($n -ne 5000) { throw "kubectl listed $n custom resources" }
    [pscustomobject]@{ Ours = $o; Kubectl = $k }
}
$warm = $rounds | Select-Object -Skip 1
[pscustomobject]@{ Ours = (Median $warm.Ours); Kubectl = (Median $warm.Kubectl); FirstOurs = $rounds[0].Ours } | ConvertTo-Json -Compress
'@
    $cr = Invoke-BenchChild -Script $crChild -Environment @{ BENCH_MODULE = $Module; BENCH_KUBECONFIG = $Kubeconfig }
    [pscustomobject]@{ Benchmark = 'List 10,000 pods into objects (Get-KubePod -AllNamespaces | Measure-Object vs kubectl get pods -A -o json | ConvertFrom-Json)'; KubePS = Format-BenchMs $r.Ours; Kubectl = Format-BenchMs $r.Kubectl; Ratio = '{0:N1}x' -f ($r.Kubectl / $r.Ours); Notes = "medians of rounds 2-5 in one session, each round running all four one after the other; floors: bare HttpClient GET + System.Text.Json parse $(Format-BenchMs $r.Floor) (KubePS/floor $('{0:N1}' -f ($r.Ours / $r.Floor))x), GET + typed V1PodList deserialization $(Format-BenchMs $r.TypedFloor) (KubePS/typed floor $('{0:N1}' -f ($r.Ours / $r.TypedFloor))x, goal <= 2x); round 1, with the JIT still compiling every side: KubePS $(Format-BenchMs $r.FirstOurs), kubectl $(Format-BenchMs $r.FirstKubectl), typed floor $(Format-BenchMs $r.FirstTyped); peak working set of the session after KubePS's first list (before kubectl ran in it) $($r.PeakOursMB) MB, after all rounds of both sides $($r.PeakAllMB) MB; pages of 500 stream into the pipeline, the next one fetched while the current one is written" }
    [pscustomobject]@{ Benchmark = 'Print 10,000 pods as a table (Get-KubePod -AllNamespaces | Out-String vs kubectl get pods -A)'; KubePS = Format-BenchMs $t.Ours; Kubectl = Format-BenchMs $t.Kubectl; Ratio = '{0:N1}x' -f ($t.Kubectl / $t.Ours); Notes = "medians of rounds 2-4 in one session (round 1: KubePS $(Format-BenchMs $t.FirstOurs)); KubePS formats its own view (kubectl's columns, grouped by namespace) in the pwsh session; kubectl asks the server for a Table and prints it" }
    [pscustomobject]@{ Benchmark = 'List 5,000 custom resources into objects (Get-KubeResource -Kind benchwidgets | Measure-Object vs kubectl get benchwidgets -o json | ConvertFrom-Json)'; KubePS = Format-BenchMs $cr.Ours; Kubectl = Format-BenchMs $cr.Kubectl; Ratio = '{0:N1}x' -f ($cr.Kubectl / $cr.Ours); Notes = "medians of rounds 2-4 in one session (round 1: KubePS $(Format-BenchMs $cr.FirstOurs)); custom resources come out as PSObjects typed KubePS.Resource#example.com/BenchWidget, built from the JSON" }
    [pscustomobject]@{ Benchmark = 'Warm single GET (Get-KubePod -Name x vs kubectl get pod x -o json)'; KubePS = Format-BenchMs (Get-Median $q.Warm); Kubectl = Format-BenchMs (Get-Median $q.KWarm); Ratio = '{0:N1}x' -f ((Get-Median $q.KWarm) / (Get-Median $q.Warm)); Notes = 'kubectl pays its process start on every call, which is what a script does' }
    [pscustomobject]@{ Benchmark = 'Tab completion of pod names, warm (Get-KubePod -Name <Tab> vs kubectl __complete get pods)'; KubePS = Format-BenchMs (Get-Median $c.Warm); Kubectl = Format-BenchMs (Get-Median $c.Kubectl); Ratio = '{0:N1}x' -f ((Get-Median $c.Kubectl) / (Get-Median $c.Warm)); Notes = "goal: warm < 100 ms; the first completion in a fresh session (connection and one list request) took $(Format-BenchMs (Get-Median $c.Cold)); kubectl's completion command is what its shell script runs on every Tab, process start and list included; medians of 3 fresh pwsh processes (11 warm completions each)" }
    [pscustomobject]@{ Benchmark = 'First Get-KubeResource -Kind deployments of a new session: discovery from the disk cache an earlier session wrote'; KubePS = "$(Format-BenchMs (Get-Median $kindWarm.Ms)), $(Get-Median $kindWarm.Requests) requests"; Kubectl = ''; Ratio = ''; Notes = "after Import-Module in a fresh pwsh (so JIT and the connection are in it), medians of 3; with no disk cache (the first session on a machine, or KUBEPS_CACHE_DIR=off): $(Format-BenchMs (Get-Median $kindCold.Ms)), $(Get-Median $kindCold.Requests) requests (every group version's discovery, in parallel); on a remote cluster each is a round trip and, on HTTP/1.1, a new TLS connection. For scale: a kubectl get deployments -o json process, its discovery cached on disk too, takes $(Format-BenchMs (Get-Median $kindKubectl)) every time; in a session the second Get-KubeResource is a warm GET (row above)" }
    [pscustomobject]@{ Benchmark = 'Import-Module KubePS in a fresh pwsh; first cluster call after import'; KubePS = "$(Format-BenchMs (Get-Median $q.Import)); $(Format-BenchMs (Get-Median $q.First))"; Kubectl = ''; Ratio = ''; Notes = "medians of 5 fresh pwsh processes on a quiet cluster; goals: import < 150 ms, first call < 400 ms; the import starts a warm-up of the pod serializer metadata and the kubeconfig reader on the thread pool: without it (KUBEPS_WARMUP=0) import $(Format-BenchMs (Get-Median $cold.Import)), first call $(Format-BenchMs (Get-Median $cold.First)); the first Import-Module of a built-in module (Microsoft.PowerShell.Management) in a fresh pwsh took $(Format-BenchMs (Get-Median $base.Ms)) in the same conditions" }
}
