using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using KubePS.LocalCluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var opts = Cli.Parse(args);
if (opts is null) return 2;

var (caCert, serverCert) = Certs.Create();
var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
var registry = new ResourceRegistry();
Builtins.Register(registry);
var store = new ResourceStore();
var api = new ApiService(registry, store, token);
if (opts.Seed is int seed) { ApiService.SetSeed(seed); api.Faults.Seed(seed); }
api.Faults.Set(opts.Faults);
Seed.Populate(registry, store);
KubePS.LocalCluster.Sim.Simulation sim = null;
if (opts.Controllers)
{
    opts.Sim.Seed = opts.Seed ?? 1;
    sim = new KubePS.LocalCluster.Sim.Simulation(registry, store, opts.Sim);
    sim.Logs.LineDelayMs = () => api.Faults.Current.LogLineDelayMs;
    api.Logs = sim.Logs;
    api.AsyncNamespaceDeletion = true;
    api.GracefulPodDeletion = true;
    sim.Start();
}

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.ClearProviders();
builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
    k.Limits.MinResponseDataRate = null;
    k.Limits.MinRequestBodyDataRate = null;
    k.Limits.Http2.MaxStreamsPerConnection = 2000;
    k.Limits.MaxConcurrentConnections = null;
    k.Listen(IPAddress.Loopback, opts.Port, lo =>
    {
        lo.Protocols = HttpProtocols.Http1AndHttp2;
        lo.UseHttps(serverCert);
    });
});
var app = builder.Build();
var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
api.StopToken = lifetime.ApplicationStopping;
app.Run(api.Handle);
await app.StartAsync();

var url = app.Urls.First();
var port = new Uri(url).Port;
var server = $"https://127.0.0.1:{port}";
var kubeconfigPath = Path.GetFullPath(opts.Kubeconfig);
Directory.CreateDirectory(Path.GetDirectoryName(kubeconfigPath)!);
File.WriteAllText(kubeconfigPath, Kubeconfig.Render(server, caCert, token));
Console.Out.WriteLine($"kubeconfig: {kubeconfigPath}");
Console.Out.WriteLine($"server: {server}");
Console.Out.WriteLine("ready");
Console.Out.Flush();

if (opts.ParentPid is int ppid)
    _ = Task.Run(async () =>
    {
        while (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            if (!Cli.IsAlive(ppid)) { lifetime.StopApplication(); return; }
            await Task.Delay(500);
        }
    });
if (opts.ExitOnStdinEof)
    _ = Task.Run(() =>
    {
        try { var stdin = Console.OpenStandardInput(); var buf = new byte[256]; while (stdin.Read(buf, 0, buf.Length) > 0) { } } catch (IOException) { }
        lifetime.StopApplication();
    });

await app.WaitForShutdownAsync();
return 0;

namespace KubePS.LocalCluster
{
    internal sealed class CliOptions
    {
        public int Port; public string Kubeconfig; public int? Seed, ParentPid; public bool ExitOnStdinEof;
        public bool Controllers = true;
        public KubePS.LocalCluster.Sim.SimOptions Sim = new();
        public FaultSettings Faults = new();
    }

    internal static class Cli
    {
        public static CliOptions Parse(string[] args)
        {
            var o = new CliOptions();
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                int Int() => int.Parse(Next(), inv);
                double Dbl() => double.Parse(Next(), System.Globalization.NumberStyles.Float, inv);
                try
                {
                    switch (args[i])
                    {
                        case "--port": o.Port = Int(); break;
                        case "--kubeconfig": o.Kubeconfig = Next(); break;
                        case "--seed": o.Seed = Int(); break;
                        case "--parent-pid": o.ParentPid = Int(); break;
                        case "--exit-on-stdin-eof": o.ExitOnStdinEof = true; break;
                        case "--no-controllers": o.Controllers = false; break;
                        case "--pod-start-delay": o.Sim.PodStartDelayMs = Int(); break;
                        case "--log-rate": o.Sim.LogRate = Dbl(); break;
                        case "--log-buffer": o.Sim.LogBuffer = Int(); break;
                        case "--run-ms": o.Sim.RunMs = Int(); break;
                        case "--pod-stop-delay": o.Sim.PodStopDelayMs = Int(); break;
                        case "--backoff-ms": o.Sim.BackoffMs = Int(); break;
                        case "--max-events": o.Sim.MaxEvents = Int(); break;
                        case "--latency-ms": o.Faults.LatencyMs = Int(); break;
                        case "--error-rate": o.Faults.ErrorRate = Dbl(); break;
                        case "--error-codes": o.Faults.ErrorCodes = Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => int.Parse(x, inv)).ToArray(); break;
                        case "--retry-after": o.Faults.RetryAfterSeconds = Int(); break;
                        case "--fault-path-prefix": o.Faults.PathPrefix = Next(); break;
                        case "--watch-drop-after": o.Faults.WatchDropAfterEvents = Int(); break;
                        case "--watch-drop-after-seconds": o.Faults.WatchDropAfterSeconds = Dbl(); break;
                        case "--watch-resume-expired": o.Faults.WatchResumeExpired = true; break;
                        case "--log-line-delay-ms": o.Faults.LogLineDelayMs = Int(); break;
                        case "-h" or "--help": Usage(); return null;
                        default: Console.Error.WriteLine($"unknown argument: {args[i]}"); Usage(); return null;
                    }
                }
                catch (Exception e) when (e is FormatException or ArgumentException or OverflowException) { Console.Error.WriteLine(e.Message); Usage(); return null; }
            }
            o.Kubeconfig ??= Path.Combine(Path.GetTempPath(), $"kubeps-local-{Environment.ProcessId}.kubeconfig");
            return o;
        }

        private static void Usage() => Console.Error.WriteLine("""
            usage: KubePS.LocalCluster --port <n|0> --kubeconfig <file> [--seed <n>] [--parent-pid <pid>] [--exit-on-stdin-eof]
              simulation: [--no-controllers] [--pod-start-delay <ms>] [--pod-stop-delay <ms>] [--log-rate <lines/s>] [--log-buffer <lines>] [--run-ms <ms>] [--backoff-ms <ms>] [--max-events <n>]
              faults:     [--latency-ms <ms>] [--error-rate <0..1>] [--error-codes 500,503,429] [--retry-after <s>] [--fault-path-prefix /api]
                          [--watch-drop-after <events>] [--watch-drop-after-seconds <s>] [--watch-resume-expired] [--log-line-delay-ms <ms>]
            """);

        public static bool IsAlive(int pid)
        {
            try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
            catch (ArgumentException) { return false; }
            catch (InvalidOperationException) { return false; }
        }
    }

    internal static class Certs
    {
        public static (X509Certificate2 Ca, X509Certificate2 Server) Create()
        {
            var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
            var notAfter = DateTimeOffset.UtcNow.AddYears(1);
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caReq = new CertificateRequest("CN=kubeps-local-ca", caKey, HashAlgorithmName.SHA256);
            caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
            caReq.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caReq.PublicKey, false));
            var ca = caReq.CreateSelfSigned(notBefore, notAfter);

            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = new CertificateRequest("CN=kubeps-local", key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
            req.CertificateExtensions.Add(san.Build());
            req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
            var serial = RandomNumberGenerator.GetBytes(16); serial[0] &= 0x7f;
            using var signed = req.Create(ca, notBefore, notAfter, serial);
            using var withKey = signed.CopyWithPrivateKey(key);
            var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
            return (ca, server);
        }
    }

    internal static class Kubeconfig
    {
        public static string Render(string server, X509Certificate2 ca, string token)
        {
            var caData = Convert.ToBase64String(Encoding.ASCII.GetBytes(ca.ExportCertificatePem() + "\n"));
            return $"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: kubeps-local
                  cluster:
                    server: {server}
                    certificate-authority-data: {caData}
                users:
                - name: kubeps-local
                  user:
                    token: {token}
                contexts:
                - name: kubeps-local
                  context:
                    cluster: kubeps-local
                    user: kubeps-local
                    namespace: default
                current-context: kubeps-local
                preferences: {"{}"}

                """;
        }
    }

    /// <summary>Objects present at start: namespaces, default service accounts, three Ready nodes, the kubernetes service.</summary>
    internal static class Seed
    {
        public static void Populate(ResourceRegistry r, ResourceStore store)
        {
            var created = JsonUtil.Now();
            JsonObject Meta(string name, string ns = null)
            {
                var m = new JsonObject { ["name"] = name };
                if (ns != null) m["namespace"] = ns;
                m["uid"] = Guid.NewGuid().ToString();
                m["creationTimestamp"] = created;
                return m;
            }
            var nsType = r.Find("", "v1", "namespaces")!;
            var saType = r.Find("", "v1", "serviceaccounts")!;
            foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            {
                var o = new JsonObject { ["kind"] = "Namespace", ["apiVersion"] = "v1", ["metadata"] = Meta(ns) };
                Defaults.OnCreate(nsType, o);
                store.Create(nsType, o);
                store.Create(saType, new JsonObject { ["kind"] = "ServiceAccount", ["apiVersion"] = "v1", ["metadata"] = Meta("default", ns) });
            }
            var nodeType = r.Find("", "v1", "nodes")!;
            for (var i = 1; i <= 3; i++)
            {
                var name = $"kubeps-node-{i}";
                var m = Meta(name);
                m["labels"] = new JsonObject { ["kubernetes.io/hostname"] = name, ["kubernetes.io/os"] = "linux", ["kubernetes.io/arch"] = "amd64", ["beta.kubernetes.io/os"] = "linux", ["beta.kubernetes.io/arch"] = "amd64" };
                var cap = new JsonObject { ["cpu"] = "4", ["memory"] = "16Gi", ["pods"] = "110", ["ephemeral-storage"] = "100Gi" };
                store.Create(nodeType, new JsonObject
                {
                    ["kind"] = "Node", ["apiVersion"] = "v1", ["metadata"] = m,
                    ["spec"] = new JsonObject { ["podCIDR"] = $"10.244.{i}.0/24", ["podCIDRs"] = new JsonArray($"10.244.{i}.0/24") },
                    ["status"] = new JsonObject
                    {
                        ["capacity"] = cap, ["allocatable"] = cap.DeepClone(),
                        ["conditions"] = new JsonArray(
                            new JsonObject { ["type"] = "MemoryPressure", ["status"] = "False", ["lastHeartbeatTime"] = created, ["lastTransitionTime"] = created, ["reason"] = "KubeletHasSufficientMemory", ["message"] = "kubelet has sufficient memory available" },
                            new JsonObject { ["type"] = "DiskPressure", ["status"] = "False", ["lastHeartbeatTime"] = created, ["lastTransitionTime"] = created, ["reason"] = "KubeletHasNoDiskPressure", ["message"] = "kubelet has no disk pressure" },
                            new JsonObject { ["type"] = "PIDPressure", ["status"] = "False", ["lastHeartbeatTime"] = created, ["lastTransitionTime"] = created, ["reason"] = "KubeletHasSufficientPID", ["message"] = "kubelet has sufficient PID available" },
                            new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastHeartbeatTime"] = created, ["lastTransitionTime"] = created, ["reason"] = "KubeletReady", ["message"] = "kubelet is posting ready status (simulated by kubeps-local)" }),
                        ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = $"172.18.0.{i + 1}" }, new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                        ["nodeInfo"] = new JsonObject
                        {
                            ["machineID"] = $"kubeps{i:D26}", ["systemUUID"] = Guid.NewGuid().ToString(), ["bootID"] = Guid.NewGuid().ToString(),
                            ["kernelVersion"] = "6.1.0-kubeps", ["osImage"] = "KubePS simulated node", ["containerRuntimeVersion"] = "kubeps-sim://1.0.0",
                            ["kubeletVersion"] = Discovery.GitVersion, ["kubeProxyVersion"] = Discovery.GitVersion, ["operatingSystem"] = "linux", ["architecture"] = "amd64",
                        },
                    },
                });
            }
            var svcType = r.Find("", "v1", "services")!;
            var svc = new JsonObject
            {
                ["kind"] = "Service", ["apiVersion"] = "v1", ["metadata"] = Meta("kubernetes", "default"),
                ["spec"] = new JsonObject { ["clusterIP"] = "10.96.0.1", ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["protocol"] = "TCP", ["targetPort"] = 6443 }) },
            };
            ((JsonObject)svc["metadata"]!)["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" };
            Defaults.OnCreate(svcType, svc);
            store.Create(svcType, svc);
            store.Compact();
        }
    }
}
