using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace KubePS.LocalCluster.Tests;

public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Starts the already-built KubePS.LocalCluster dll on a free port and stops it at the end.</summary>
public sealed class ClusterFixture : IDisposable
{
    private readonly Process _server;
    private readonly string _dir;
    public string Kubeconfig { get; }
    public string Server { get; private set; } = "";
    public string Token { get; }
    public X509Certificate2 Ca { get; }
    private int _nsCounter;

    public ClusterFixture()
    {
        _dir = Path.Combine(Path.GetTempPath(), "kubeps-lc-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        Kubeconfig = Path.Combine(_dir, "kubeconfig");
        var dll = FindServerDll();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "--port", "0", "--kubeconfig", Kubeconfig, "--parent-pid", Environment.ProcessId.ToString(), "--exit-on-stdin-eof" }) psi.ArgumentList.Add(a);
        _server = Process.Start(psi)!;
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var lineTask = _server.StandardOutput.ReadLineAsync();
            if (!lineTask.Wait(deadline - DateTime.UtcNow) || lineTask.Result is null)
                throw new InvalidOperationException("local cluster did not print 'ready'");
            var line = lineTask.Result;
            if (line.StartsWith("server: ", StringComparison.Ordinal)) Server = line["server: ".Length..];
            if (line == "ready") break;
        }
        var text = File.ReadAllText(Kubeconfig);
        Token = Regex.Match(text, @"token: (\S+)").Groups[1].Value;
        var caPem = Encoding.ASCII.GetString(Convert.FromBase64String(Regex.Match(text, @"certificate-authority-data: (\S+)").Groups[1].Value));
        Ca = X509Certificate2.CreateFromPem(caPem);
    }

    private static string FindServerDll()
    {
        var baseDir = AppContext.BaseDirectory;
        var config = baseDir.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dir = new DirectoryInfo(baseDir);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "KubePS.sln")) && !Directory.Exists(Path.Combine(dir.FullName, "src", "KubePS.LocalCluster"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("repo root not found from " + baseDir);
        var dll = Path.Combine(dir.FullName, "src", "KubePS.LocalCluster", "bin", config, "net10.0", "KubePS.LocalCluster.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException("server not built: " + dll);
        return dll;
    }

    /// <summary>A fresh namespace for one test.</summary>
    public string NewNamespace(string prefix)
    {
        var ns = $"{prefix}-{Interlocked.Increment(ref _nsCounter)}-{Guid.NewGuid().ToString("N")[..4]}";
        Kubectl.MustOk(this, "create", "namespace", ns);
        return ns;
    }

    public HttpClient Http(bool auth = true, string token = null)
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                if (cert is null) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(Ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(cert);
            },
        };
        var c = new HttpClient(handler) { BaseAddress = new Uri(Server), Timeout = TimeSpan.FromSeconds(30) };
        if (auth) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        return c;
    }

    public void Dispose()
    {
        try
        {
            if (!_server.HasExited)
            {
                _server.StandardInput.Close();
                if (!_server.WaitForExit(5000)) _server.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException) { }
        _server.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}

[CollectionDefinition("cluster")]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>;

public static class Kubectl
{
    /// <summary>Non-empty, trimmed lines of kubectl's output.</summary>
    public static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Polls <paramref name="cond"/> every 100 ms; fails with <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static void Eventually(Func<bool> cond, Func<string> what, int seconds = 20)
    {
        var end = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < end) { if (cond()) return; Thread.Sleep(100); }
        Assert.Fail("timed out waiting for " + what());
    }

    public static void Eventually(Func<bool> cond, string what, int seconds = 20) => Eventually(cond, () => what, seconds);

    public static KubectlResult Run(ClusterFixture f, string stdin, params string[] args) => RunWithTimeout(f, stdin, TimeSpan.FromSeconds(30), args);

    public static KubectlResult RunWithTimeout(ClusterFixture f, string stdin, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(f.Kubeconfig);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["KUBECTL_EXTERNAL_DIFF"] = "diff -u";
        using var p = Process.Start(psi)!;
        var so = p.StandardOutput.ReadToEndAsync();
        var se = p.StandardError.ReadToEndAsync();
        if (stdin != null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(timeout)) { p.Kill(true); throw new TimeoutException("kubectl " + string.Join(" ", args) + " timed out"); }
        p.WaitForExit();
        return new KubectlResult(p.ExitCode, so.Result, se.Result);
    }

    /// <summary>Starts kubectl in the background (for -w / -f); Stop() kills it and returns what it printed.</summary>
    public static BackgroundKubectl Start(ClusterFixture f, params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(f.Kubeconfig);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return new BackgroundKubectl(Process.Start(psi)!);
    }

    public static string MustOk(ClusterFixture f, params string[] args)
    {
        var r = Run(f, null, args);
        Assert.True(r.ExitCode == 0, "kubectl " + string.Join(" ", args) + " failed: " + r);
        return r.Stdout;
    }

    public static string MustOkStdin(ClusterFixture f, string stdin, params string[] args)
    {
        var r = Run(f, stdin, args);
        Assert.True(r.ExitCode == 0, "kubectl " + string.Join(" ", args) + " failed: " + r);
        return r.Stdout;
    }
}

public sealed class BackgroundKubectl : IDisposable
{
    private readonly Process _p;
    private readonly StringBuilder _out = new(), _err = new();
    public BackgroundKubectl(Process p)
    {
        _p = p;
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_out) _out.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_err) _err.AppendLine(e.Data); };
        p.BeginOutputReadLine(); p.BeginErrorReadLine();
    }
    public string Output { get { lock (_out) return _out.ToString(); } }
    public string Errors { get { lock (_err) return _err.ToString(); } }
    public bool HasExited => _p.HasExited;
    public int ExitCode => _p.ExitCode;
    /// <summary>Wait until the output matches, or the timeout passes.</summary>
    public bool WaitFor(Func<string, bool> pred, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < end) { if (pred(Output)) return true; if (_p.HasExited) { _p.WaitForExit(); return pred(Output); } Thread.Sleep(50); }
        return false;
    }
    public string Stop()
    {
        if (!_p.HasExited) { try { _p.Kill(true); } catch (InvalidOperationException) { } }
        _p.WaitForExit(5000);
        return Output;
    }
    public void Dispose() { Stop(); _p.Dispose(); }
}
