# Get-KubeLog: every target form (name, wildcard, regex, selector, workload parameter, workload object, kind/name,
# all namespaces), objects and -Raw, filters, -Sort, follow with pods coming and going, resume after dropped streams
# (through a TCP proxy that cuts every connection, so it runs on any cluster), and bad input.
# Containers write "seq=N" lines: the local cluster's kubelet writes them itself (annotation kubeps.io/log-rate), a real
# cluster runs the busybox loop in the manifest. Sequence numbers prove that nothing was lost or duplicated.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    # Fault injection is an admin endpoint of the project's local cluster; a real cluster has none.
    $script:IsLocalCluster = Test-KubeTestIsLocalCluster
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kubeconfig = Initialize-KubeTestSuite
    $PSDefaultParameterValues = @{ '*-Kube*:Kubeconfig' = $script:Kubeconfig }
    $script:Ns = New-KubeTestNamespace -Prefix logs
    $script:Label = $script:Ns  # a label value unique to this run, for -AllNamespaces

    $loop = 'i=0; while true; do i=$((i+1)); echo "seq=$i"; sleep 0.05; done'
    $manifest = @"
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: $($script:Ns) }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web, run: '$($script:Label)' }
      annotations: { kubeps.io/log-rate: '20' }
    spec:
      terminationGracePeriodSeconds: 0
      containers:
        - { name: app, image: busybox, command: [sh, -c, '$loop'] }
        - { name: side, image: busybox, command: [sh, -c, '$loop'] }
---
apiVersion: v1
kind: Pod
metadata: { name: solo, namespace: $($script:Ns), labels: { app: solo }, annotations: { kubeps.io/log-rate: '20' } }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: main, image: busybox, command: [sh, -c, '$loop'] }
---
apiVersion: v1
kind: Pod
metadata: { name: crash, namespace: $($script:Ns), labels: { app: crash }, annotations: { kubeps.io/behavior: crash, kubeps.io/run-ms: '300', kubeps.io/log-rate: '20' } }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: main, image: busybox, command: [sh, -c, 'echo seq=1; echo seq=2; sleep 0.3; exit 1'] }
"@
    $file = Join-Path $TestDrive 'logs.yaml'
    Set-Content -Path $file -Value $manifest
    $null = Invoke-KubeTestKubectl apply -f $file
    $null = Invoke-KubeTestKubectl -n $script:Ns rollout status deployment/web --timeout=120s
    $null = Invoke-KubeTestKubectl -n $script:Ns wait --for=condition=Ready pod/solo --timeout=120s
    Start-Sleep -Seconds 1  # some lines in every log

    function script:Get-Seq([string] $Line) { if ($Line -match 'seq=(\d+)') { [long]$Matches[1] } }

    function script:Assert-Contiguous {
        # Per container: the sequence numbers received form one gap-free run without repeats.
        param($Lines)
        foreach ($g in ($Lines | Group-Object { "$($_.Namespace)/$($_.Pod)/$($_.Container)" })) {
            $seq = @($g.Group | ForEach-Object { Get-Seq $_.Line })
            $dups = $seq.Count - @($seq | Sort-Object -Unique).Count
            $dups | Should -Be 0 -Because "$($g.Name) must have no duplicated lines"
            $min = ($seq | Measure-Object -Minimum).Minimum; $max = ($seq | Measure-Object -Maximum).Maximum
            ($max - $min + 1) | Should -Be $seq.Count -Because "$($g.Name) must have no lost lines ($min..$max)"
            for ($i = 1; $i -lt $seq.Count; $i++) { $seq[$i] | Should -BeGreaterThan $seq[$i - 1] -Because "$($g.Name) lines arrive in order" }
        }
    }

    # A TCP proxy in front of the API server that cuts every connection older than a second, every -Seconds: log
    # streams and watches break mid-flight the way a flaky load balancer breaks them, on any cluster.
    Add-Type -TypeDefinition @'
using System; using System.Collections.Generic; using System.Net; using System.Net.Sockets; using System.Threading; using System.Threading.Tasks;
public sealed class KubePSTestDropProxy : IDisposable {
    private readonly TcpListener listener = new TcpListener(IPAddress.Loopback, 0);
    private readonly string host; private readonly int port;
    private readonly List<(TcpClient A, TcpClient B, DateTime Since)> pairs = new List<(TcpClient, TcpClient, DateTime)>();
    private readonly CancellationTokenSource stop = new CancellationTokenSource();
    private readonly Timer timer;
    public int Drops;
    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;
    public KubePSTestDropProxy(string host, int port, double seconds) {
        this.host = host; this.port = port; listener.Start();
        _ = Task.Run(AcceptLoop);
        timer = new Timer(_ => Cut(), null, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds));
    }
    private async Task AcceptLoop() {
        while (!stop.IsCancellationRequested) {
            TcpClient a; try { a = await listener.AcceptTcpClientAsync(stop.Token); } catch { return; }
            var b = new TcpClient();
            try { await b.ConnectAsync(host, port); } catch { a.Dispose(); continue; }
            lock (pairs) pairs.Add((a, b, DateTime.UtcNow));
            _ = Pump(a, b); _ = Pump(b, a);
        }
    }
    private static async Task Pump(TcpClient from, TcpClient to) {
        try { await from.GetStream().CopyToAsync(to.GetStream()); } catch { }
        try { from.Dispose(); to.Dispose(); } catch { }
    }
    public void Cut() {
        lock (pairs) {
            foreach (var p in pairs.ToArray()) {
                if (DateTime.UtcNow - p.Since < TimeSpan.FromSeconds(1)) continue;
                try { p.A.Client.LingerState = new LingerOption(true, 0); p.A.Dispose(); p.B.Dispose(); } catch { }
                pairs.Remove(p); Drops++;
            }
        }
    }
    public void Dispose() { stop.Cancel(); timer.Dispose(); listener.Stop(); Cut(); }
}
'@

    function script:New-DropProxyKubeconfig {
        # A copy of the kubeconfig whose server goes through the proxy (same host name, so TLS still verifies).
        param([double] $Seconds)
        $text = Get-Content -Raw $script:Kubeconfig
        if ($text -notmatch 'server:\s*https://([^:/\s]+):(\d+)') { throw 'cannot find the server in the kubeconfig' }
        $h = $Matches[1]; $p = [int]$Matches[2]
        $proxy = [KubePSTestDropProxy]::new($h, $p, $Seconds)
        $path = Join-Path $TestDrive ("proxy-{0}.yaml" -f $proxy.Port)
        Set-Content -Path $path -Value ($text -replace "server:\s*https://$([regex]::Escape($h)):$p", "server: https://${h}:$($proxy.Port)")
        [pscustomobject]@{ Proxy = $proxy; Kubeconfig = $path }
    }
}

AfterAll {
    Remove-KubeTestNamespace $script:Ns
}

Describe 'Get-KubeLog' -Tag Integration {
    Context 'targets' {
        It 'reads one pod by name as objects with Namespace, Pod, Container, Timestamp and Line' {
            $lines = Get-KubeLog solo -Namespace $script:Ns -Tail 5
            $lines | Should -HaveCount 5
            $lines[0].PSTypeNames | Should -Contain 'KubePS.Engine.Logs.LogLine'
            $lines.Namespace | Sort-Object -Unique | Should -Be $script:Ns
            $lines.Pod | Sort-Object -Unique | Should -Be 'solo'
            $lines.Container | Sort-Object -Unique | Should -Be 'main'
            $lines | ForEach-Object { $_.Timestamp | Should -BeOfType ([datetimeoffset]) }
            Assert-Contiguous $lines
        }

        It 'reads every pod matching a wildcard, and only the containers matching -Container' {
            $lines = Get-KubeLog 'web-*' -Namespace $script:Ns -Tail 2
            @($lines.Pod | Sort-Object -Unique) | Should -HaveCount 2
            $lines.Container | Sort-Object -Unique | Should -Be @('app', 'side')
            $lines | Should -HaveCount 8
            $only = Get-KubeLog 'web-*' -Namespace $script:Ns -Tail 2 -Container 's*'
            $only.Container | Sort-Object -Unique | Should -Be 'side'
        }

        It 'reads pods whose names match a regular expression with -Match' {
            $lines = Get-KubeLog '^(solo|cr)' -Match -Namespace $script:Ns -Tail 1 -ErrorAction SilentlyContinue
            $lines.Pod | Sort-Object -Unique | Should -Contain 'solo'
            $lines.Pod | Should -Not -Match '^web-'
        }

        It 'reads the pods of a label selector' {
            $lines = Get-KubeLog -Selector app=web -Namespace $script:Ns -Tail 3
            $lines | Should -HaveCount 12
            @($lines.Pod | Sort-Object -Unique) | Should -HaveCount 2
        }

        It 'reads the pods of a workload given as <Form>' -ForEach @(
            @{ Form = '-Deployment'; Run = { Get-KubeLog -Deployment web -Namespace $script:Ns -Tail 1 } }
            @{ Form = 'kind/name'; Run = { Get-KubeLog deployment/web -Namespace $script:Ns -Tail 1 } }
            @{ Form = 'a Deployment object from the pipeline'; Run = { Get-KubeDeployment web -Namespace $script:Ns | Get-KubeLog -Tail 1 } }
            @{ Form = 'pods from the pipeline'; Run = { Get-KubePod -Namespace $script:Ns -Selector app=web | Get-KubeLog -Tail 1 } }
        ) {
            $lines = & $Run
            $lines | Should -HaveCount 4
            $lines.Pod | ForEach-Object { $_ | Should -Match '^web-' }
        }

        It 'reads across all namespaces with -AllNamespaces' {
            $lines = Get-KubeLog -Selector "run=$($script:Label)" -AllNamespaces -Tail 1
            $lines | Should -HaveCount 4
            $lines.Namespace | Sort-Object -Unique | Should -Be $script:Ns
            ($lines[0] | Out-String) | Should -Match ([regex]::Escape("$($script:Ns)/web-"))
        }
    }

    Context 'output and filters' {
        It 'prints pod/container prefixes in the default view and plain strings with -Raw' {
            $text = Get-KubeLog solo -Namespace $script:Ns -Tail 2 | Out-String
            $text | Should -Match 'solo/main .*seq=\d+'
            $raw = Get-KubeLog solo -Namespace $script:Ns -Tail 2 -Raw
            $raw | Should -HaveCount 2
            $raw[0] | Should -BeOfType ([string])
            $raw[0] | Should -Match '^(?!solo/).*seq=\d+'
            $ts = Get-KubeLog solo -Namespace $script:Ns -Tail 1 -Raw -Timestamps
            $ts | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z .*seq='
        }

        It 'keeps a stable colour per pod that NO_COLOR turns off' {
            $line = Get-KubeLog solo -Namespace $script:Ns -Tail 1
            [KubePS.Output.LogView]::ColorIndex("$($script:Ns)/solo") | Should -Be ([KubePS.Output.LogView]::ColorIndex("$($script:Ns)/solo"))
            [KubePS.Output.LogView]::Format($line, $false) | Should -Be "solo/main $($line.Line)"
            $env:NO_COLOR = '1'
            try { [KubePS.Output.LogView]::Format($line, $true) | Should -Be "solo/main $($line.Line)" } finally { Remove-Item Env:NO_COLOR }
        }

        It 'keeps lines matching -Include and drops lines matching -Exclude' {
            $inc = Get-KubeLog solo -Namespace $script:Ns -Tail 40 -Include 'seq=\d*[05]\b'
            $inc | ForEach-Object { $_.Line | Should -Match 'seq=\d*[05]\b' }
            $inc.Count | Should -BeGreaterThan 0
            $exc = Get-KubeLog solo -Namespace $script:Ns -Tail 40 -Exclude 'seq=\d*[05]\b'
            $exc | ForEach-Object { $_.Line | Should -Not -Match 'seq=\d*[05]\b' }
            $exc.Count | Should -BeGreaterThan 0
        }

        It 'merges many streams by timestamp with -Sort' {
            $lines = Get-KubeLog -Selector app=web -Namespace $script:Ns -Tail 20 -Sort
            $lines | Should -HaveCount 80
            for ($i = 1; $i -lt $lines.Count; $i++) { $lines[$i].Timestamp | Should -BeGreaterOrEqual $lines[$i - 1].Timestamp }
        }

        It 'reads lines newer than -Since (a duration string) and stops at -LimitBytes' {
            $recent = Get-KubeLog solo -Namespace $script:Ns -Since 2s
            $recent.Count | Should -BeGreaterThan 0
            $recent | ForEach-Object { $_.Timestamp | Should -BeGreaterThan ([datetimeoffset]::UtcNow.AddSeconds(-30)) }
            $limited = Get-KubeLog solo -Namespace $script:Ns -LimitBytes 20 -Raw
            ($limited -join "`n").Length | Should -BeLessOrEqual 20
        }
    }

    Context 'follow' {
        It 'picks up pods that appear, stops following pods that go away, and loses nothing' {
            $kc = $script:Kubeconfig; $ns = $script:Ns
            $job = Start-ThreadJob {
                param($kc, $ns)
                Start-Sleep -Seconds 2; & kubectl --kubeconfig $kc -n $ns scale deployment/web --replicas=3 2>&1
                Start-Sleep -Seconds 4; & kubectl --kubeconfig $kc -n $ns scale deployment/web --replicas=1 2>&1
            } -ArgumentList $kc, $ns
            $out = Get-KubeLog -Selector app=web -Namespace $ns -Container app -Follow -Tail 0 -Timeout 10s -Verbose 4>&1
            $job | Wait-Job | Remove-Job
            $lines = @($out | Where-Object { $_.PSTypeNames -contains 'KubePS.Engine.Logs.LogLine' })
            $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
            @($lines.Pod | Sort-Object -Unique).Count | Should -BeGreaterOrEqual 3 -Because 'the pod created by the scale-up is followed'
            ($verbose -match 'is gone: stopping') | Should -Not -BeNullOrEmpty -Because 'pods removed by the scale-down stop being followed'
            Assert-Contiguous $lines
            $null = Invoke-KubeTestKubectl -n $ns scale deployment/web --replicas=2
            $null = Invoke-KubeTestKubectl -n $ns rollout status deployment/web --timeout=120s
        }

        It 'resumes dropped streams from the last timestamp with no loss and no duplicates' {
            $p = New-DropProxyKubeconfig -Seconds 1.5
            try {
                $out = Get-KubeLog -Kubeconfig $p.Kubeconfig -Selector app=web -Namespace $script:Ns -Follow -Tail 0 -Timeout 9s -Verbose 4>&1
            }
            finally { $p.Proxy.Dispose() }
            $lines = @($out | Where-Object { $_.PSTypeNames -contains 'KubePS.Engine.Logs.LogLine' })
            $stats = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^Get-KubeLog: ' }).Message
            $p.Proxy.Drops | Should -BeGreaterThan 3 -Because 'the proxy cut the streams several times'
            $stats | Should -Match '(\d+) reconnects' ; [int]($stats -replace '.* (\d+) reconnects.*', '$1') | Should -BeGreaterThan 0
            @($lines | Group-Object Pod, Container) | Should -HaveCount 4
            $lines.Count | Should -BeGreaterThan 40
            Assert-Contiguous $lines
        }

        It 'follows a container from before it starts and across restarts: each instance once, nothing repeated' {
            # a pod of its own, followed as soon as it is created: the stream waits for the container to start, then
            # follows each instance (the local cluster restarts after 1 s, a real kubelet after its 10 s back-off)
            $y = "apiVersion: v1`nkind: Pod`nmetadata: { name: crash2, namespace: $($script:Ns), annotations: { kubeps.io/behavior: crash, kubeps.io/run-ms: '300', kubeps.io/log-rate: '20' } }`nspec: { terminationGracePeriodSeconds: 0, containers: [ { name: main, image: busybox, command: [sh, -c, 'echo seq=1; echo seq=2; sleep 0.3; exit 1'] } ] }"
            $f = Join-Path $TestDrive 'crash2.yaml'; Set-Content $f $y
            $null = Invoke-KubeTestKubectl apply -f $f
            $seconds = if (Test-KubeTestIsLocalCluster) { 8 } else { 30 }
            $lines = Get-KubeLog crash2 -Namespace $script:Ns -Follow -Timeout $seconds
            @($lines | Where-Object Line -match 'seq=1\b').Count | Should -BeGreaterOrEqual 2 -Because 'the restarted instance is followed from its first line'
            $keys = $lines | ForEach-Object { '{0:o} {1}' -f $_.Timestamp, $_.Line }
            @($keys | Sort-Object -Unique).Count | Should -Be $keys.Count -Because 'no line is delivered twice'
        }

        It 'reports streams beyond -MaxStreams and keeps following the others' {
            $out = Get-KubeLog -Selector app=web -Namespace $script:Ns -Follow -Tail 0 -MaxStreams 1 -Timeout 3s -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -Not -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'KubeLogMaxStreamsExceeded,*'
            $err[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
            @($out | Group-Object Pod, Container) | Should -HaveCount 1
            $out.Count | Should -BeGreaterThan 5
        }

        It 'follows a named pod and ends by itself when its container has finished' -Skip:(-not (Test-KubeTestIsLocalCluster)) {
            # (a pod that completes: on the local cluster the behavior annotation makes it exit after run-ms)
            $y = "apiVersion: v1`nkind: Pod`nmetadata: { name: once, namespace: $($script:Ns), annotations: { kubeps.io/behavior: complete, kubeps.io/run-ms: '1500', kubeps.io/log-rate: '20' } }`nspec: { restartPolicy: Never, containers: [ { name: main, image: busybox } ] }"
            $f = Join-Path $TestDrive 'once.yaml'; Set-Content $f $y
            $null = Invoke-KubeTestKubectl apply -f $f
            $null = Invoke-KubeTestKubectl -n $script:Ns wait --for=jsonpath='{.status.phase}'=Running pod/once --timeout=60s
            $lines = Get-KubeLog once -Namespace $script:Ns -Follow -Timeout 30s
            Assert-Contiguous $lines
            (Get-KubePod once -Namespace $script:Ns).Status.Phase | Should -Be 'Succeeded'
        }
    }

    Context 'bad input' {
        It 'reports a pod that does not exist and still reads the others' {
            $lines = Get-KubeLog nope, solo -Namespace $script:Ns -Tail 2 -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'KubeNotFound,*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].Exception.Message | Should -Match "'nope'"
            $lines | Should -HaveCount 2
        }

        It 'reports a container name that matches nothing' {
            $null = Get-KubeLog solo -Namespace $script:Ns -Container nosuch -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'KubeLogContainerNotFound,*'
            $err[0].Exception.Message | Should -Match 'main'
        }

        It 'reports -Previous for a container that has not restarted, and reads the previous one of a restarted container' {
            $null = Get-KubeLog solo -Namespace $script:Ns -Previous -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'KubeLogNoPreviousContainer,*'
            $deadline = [datetime]::UtcNow.AddSeconds(90)
            while ((Get-KubePod crash -Namespace $script:Ns).Status.ContainerStatuses[0].RestartCount -lt 1 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 300 }
            $prev = Get-KubeLog crash -Namespace $script:Ns -Previous
            $prev.Count | Should -BeGreaterThan 0
            $prev[0].Line | Should -Match 'seq=1\b'
        }

        It 'rejects a -Since that is not a duration' {
            { Get-KubeLog solo -Namespace $script:Ns -Since 'soon' -ErrorAction Stop } | Should -Throw '*not a duration*'
        }
    }
}

Describe 'Get-KubeLog against server faults' -Tag Integration {
    Context 'local cluster fault injection' -Skip:(-not $script:IsLocalCluster) {
        AfterEach { Clear-KubeTestFault }

        It 'retries log reads answered with 429/500 and dropped pod watches, losing nothing' {
            $null = Invoke-KubeTestKubectl -n $script:Ns wait --for=condition=Ready pod -l app=web --timeout=120s
            Set-KubeTestFault @{ pathPrefix = "/api/v1/namespaces/$($script:Ns)/pods"; errorRate = 0.3; errorCodes = @(429, 500); retryAfterSeconds = 0; watchDropAfterSeconds = 1.5 }
            $lines = Get-KubeLog -Selector app=web -Namespace $script:Ns -Follow -Tail 5 -Timeout 8s -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -BeNullOrEmpty
            @($lines | Group-Object Pod, Container) | Should -HaveCount 4
            Assert-Contiguous $lines
        }
    }
}
