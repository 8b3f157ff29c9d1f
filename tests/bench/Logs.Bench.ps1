# Logs benchmark (issue 11): 50 pods each writing N lines/s on the local cluster, followed for 10 s by
# `Get-KubeLog -Selector ... -Follow -Raw` (a fresh pwsh writing to stdout) and by
# `kubectl logs -f -l ... --max-log-requests 50 --prefix`, one after the other against the same pods.
# Both outputs are read by the same counter in this process: lines received per second (from the first line to the end),
# lines lost and duplicated per container (the simulated kubelet numbers its lines: seq=N), and the CPU the client
# process used while streaming (utime+stime from /proc between its first line and the end, so start-up is left out).
. (Join-Path $PSScriptRoot 'BenchHelpers.ps1')

# 1,000 lines/s per container is what the issue asks for; the simulated kubelet writes that rate when asked.
$BenchClusterArguments = @('--log-rate', '1000', '--log-buffer', '20000')

if (-not ('KubePSBenchLineCounter' -as [type])) {
    Add-Type -TypeDefinition @'
using System; using System.Collections.Generic; using System.Diagnostics; using System.IO; using System.Threading;
public sealed class KubePSBenchLineCounter {
    private readonly Dictionary<string, HashSet<long>> seen = new Dictionary<string, HashSet<long>>();
    private readonly Thread reader;
    public long Lines, Duplicates, FirstTicks, LastTicks, Unparsed;
    public double CpuAtFirst = -1;
    private readonly Process process;
    public KubePSBenchLineCounter(Process p) {
        process = p;
        reader = new Thread(Read) { IsBackground = true };
        reader.Start();
    }
    public static double Cpu(int pid) {
        // utime + stime (clock ticks, 100 Hz on Linux) of the process, in seconds
        try {
            var stat = File.ReadAllText("/proc/" + pid + "/stat");
            var parts = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
            return (long.Parse(parts[11]) + long.Parse(parts[12])) / 100.0;
        } catch { return double.NaN; }
    }
    private void Read() {
        string line;
        var stdout = process.StandardOutput;
        while ((line = stdout.ReadLine()) != null) {
            var i = line.IndexOf("seq=", StringComparison.Ordinal);
            if (i < 0) { Unparsed++; continue; }
            if (Lines == 0) { FirstTicks = Stopwatch.GetTimestamp(); CpuAtFirst = Cpu(process.Id); }
            var j = i + 4; long seq = 0;
            while (j < line.Length && char.IsDigit(line[j])) { seq = seq * 10 + (line[j] - '0'); j++; }
            var head = line.Substring(0, i).TrimEnd().Split(' ');
            var key = head.Length >= 2 ? head[head.Length - 2] + "/" + head[head.Length - 1] : "?";
            lock (seen) {
                if (!seen.TryGetValue(key, out var set)) seen[key] = set = new HashSet<long>();
                if (!set.Add(seq)) Duplicates++;
                Lines++;
            }
            LastTicks = Stopwatch.GetTimestamp();
        }
    }
    public int Streams { get { lock (seen) return seen.Count; } }
    public long Lost {
        get {
            long lost = 0;
            lock (seen) foreach (var s in seen.Values) { long min = long.MaxValue, max = long.MinValue; foreach (var v in s) { if (v < min) min = v; if (v > max) max = v; } lost += (max - min + 1) - s.Count; }
            return lost;
        }
    }
    public void Join(int ms) { reader.Join(ms); }
}
'@
}

function Invoke-LogsBenchSide {
    # Starts a client, lets it stream for $Seconds after its first line, then reads its CPU and stops it.
    param([string] $File, [string[]] $Arguments, [int] $Seconds, [hashtable] $Environment = @{})
    $psi = [Diagnostics.ProcessStartInfo]::new($File)
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
    $p = [Diagnostics.Process]::Start($psi)
    $null = $p.StandardError.ReadToEndAsync()
    $counter = [KubePSBenchLineCounter]::new($p)
    $deadline = [datetime]::UtcNow.AddSeconds(60)
    while ($counter.Lines -eq 0 -and -not $p.HasExited -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    if ($counter.Lines -eq 0) { try { $p.Kill($true) } catch { }; throw "$File received no log line" }
    Start-Sleep -Seconds $Seconds
    $cpu = [KubePSBenchLineCounter]::Cpu($p.Id) - $counter.CpuAtFirst
    $lines = $counter.Lines
    $elapsed = ([Diagnostics.Stopwatch]::GetTimestamp() - $counter.FirstTicks) / [Diagnostics.Stopwatch]::Frequency
    try { $p.Kill($true) } catch { }
    $p.WaitForExit(5000) | Out-Null
    $counter.Join(2000)
    [pscustomobject]@{ Lines = $lines; Rate = $lines / $elapsed; Lost = $counter.Lost; Duplicates = $counter.Duplicates; Streams = $counter.Streams; Cpu = $cpu; Seconds = $elapsed }
}

function Invoke-LogsBenchmark {
    param([Parameter(Mandatory)] [string] $Kubeconfig, [Parameter(Mandatory)] [string] $Module, [int] $Pods = 50, [int] $Seconds = 10)
    $ns = 'logbench'
    & kubectl --kubeconfig $Kubeconfig create namespace $ns 2>&1 | Out-Null
    & kubectl --kubeconfig $Kubeconfig -n $ns create deployment logbench --image=busybox --replicas=$Pods 2>&1 | Out-Null
    & kubectl --kubeconfig $Kubeconfig -n $ns rollout status deployment/logbench --timeout=180s 2>&1 | Out-Null
    Start-Sleep -Seconds 1

    $hostPath = [Environment]::ProcessPath
    $pwshArgs = @()
    if ($hostPath -match 'dotnet(\.exe)?$') { $pwshArgs = @([Environment]::GetCommandLineArgs()[0]) }
    $script = "Import-Module '$Module'; Get-KubeLog -Kubeconfig '$Kubeconfig' -Namespace $ns -Selector app=logbench -Follow -Tail 10 -Raw -MaxStreams $Pods"
    $ours = Invoke-LogsBenchSide -File $hostPath -Arguments ($pwshArgs + @('-NoProfile', '-NonInteractive', '-Command', $script)) -Seconds $Seconds
    $theirs = Invoke-LogsBenchSide -File 'kubectl' -Arguments @('--kubeconfig', $Kubeconfig, '-n', $ns, 'logs', '-f', '-l', 'app=logbench', '--max-log-requests', "$Pods", '--prefix', '--tail', '10') -Seconds $Seconds
    # The same follow consumed as objects inside PowerShell (no console output): what a script piping the lines on sees.
    $child = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$Module'
`$p = Get-Process -Id `$PID
`$c0 = `$p.TotalProcessorTime
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$n = (Get-KubeLog -Kubeconfig '$Kubeconfig' -Namespace $ns -Selector app=logbench -Follow -Tail 10 -MaxStreams $Pods -Timeout $($Seconds)s | Measure-Object).Count
`$p.Refresh()
@{ Lines = `$n; Seconds = `$sw.Elapsed.TotalSeconds; Cpu = (`$p.TotalProcessorTime - `$c0).TotalSeconds } | ConvertTo-Json -Compress
"@
    $objects = Invoke-BenchChild -Script $child
    $offered = $Pods * 1000
    $note = "$Pods pods x 1,000 lines/s offered ($offered lines/s); followed $Seconds s each, one after the other. " +
        "Streams: KubePS $($ours.Streams), kubectl $($theirs.Streams). Lost/duplicated lines: KubePS $($ours.Lost)/$($ours.Duplicates), kubectl $($theirs.Lost)/$($theirs.Duplicates). " +
        ('Client CPU while streaming: KubePS {0:N1} s, kubectl {1:N1} s ({2:N0} / {3:N0} lines per CPU second).' -f $ours.Cpu, $theirs.Cpu, ($ours.Lines / [Math]::Max(0.01, $ours.Cpu)), ($theirs.Lines / [Math]::Max(0.01, $theirs.Cpu)))
    [pscustomobject]@{
        Benchmark = 'Follow logs of 50 pods (lines/s received)'
        KubePS    = '{0:N0} lines/s' -f $ours.Rate
        Kubectl   = '{0:N0} lines/s' -f $theirs.Rate
        Ratio     = '{0:N2} (KubePS/kubectl throughput)' -f ($ours.Rate / [Math]::Max(1, $theirs.Rate))
        Notes     = $note
    }
    [pscustomobject]@{
        Benchmark = 'Follow logs of 50 pods as objects in the pipeline (lines/s)'
        KubePS    = '{0:N0} lines/s' -f ($objects.Lines / $objects.Seconds)
        Kubectl   = '{0:N0} lines/s' -f $theirs.Rate
        Ratio     = '{0:N2} (KubePS/kubectl throughput)' -f (($objects.Lines / $objects.Seconds) / [Math]::Max(1, $theirs.Rate))
        Notes     = ('Get-KubeLog -Follow -Timeout {0}s | Measure-Object in a fresh pwsh (connect and first list included in the time): {1:N0} LogLine objects, {2:N1} s CPU including the connection; kubectl column is its stdout rate from the row above. In the stdout row the pwsh console host writes each string separately, which is most of the KubePS CPU there.' -f $Seconds, $objects.Lines, $objects.Cpu)
    }
}
