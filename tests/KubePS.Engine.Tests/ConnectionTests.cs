using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KubePS.Engine.Connection;
using KubePS.Engine.Errors;
using KubePS.Engine.Version;
using Xunit;

namespace KubePS.Engine.Tests;

public sealed class ConnectionTests
{
    [Fact]
    public async Task TokenFile_IsReadAndTrimmed_MissingOneIsConfigInvalid()
    {
        using var dir = new TempDir();
        var token = dir.Write("token", "  secret-token\n");
        var provider = new TokenFileProvider(token);
        var header = await provider.GetAuthenticationHeaderAsync(CancellationToken.None);
        Assert.Equal("Bearer", header.Scheme);
        Assert.Equal("secret-token", header.Parameter);

        var config = dir.Write("cfg", Configs.Simple(userBlock: $"    tokenFile: {Path.Combine(dir.Path, "absent")}"));
        var ex = await Assert.ThrowsAsync<KubeException>(() => KubeConnectionFactory.ConnectAsync(new KubeConnectionRequest { Kubeconfig = config }, CancellationToken.None));
        Assert.Equal(KubeErrorKind.KubeConfigInvalid, ex.Kind);
        Assert.Contains("absent", ex.Message);
    }

    [Fact]
    public async Task TokenFile_BuildsAConnection()
    {
        using var dir = new TempDir();
        dir.Write("token", "tok\n");
        var config = dir.Write("cfg", Configs.Simple(userBlock: "    tokenFile: token"));
        var connection = await KubeConnectionFactory.ConnectAsync(new KubeConnectionRequest { Kubeconfig = config }, CancellationToken.None);
        Assert.Equal("dev", connection.ContextName);
        Assert.Equal("team-a", connection.DefaultNamespace);
        Assert.True(connection.InsecureSkipTlsVerify);

        var again = await KubeConnectionFactory.ConnectAsync(new KubeConnectionRequest { Kubeconfig = config }, CancellationToken.None);
        Assert.Same(connection, again); // cached per (files, context)

        var prod = await KubeConnectionFactory.ConnectAsync(new KubeConnectionRequest { Kubeconfig = config, Context = "prod" }, CancellationToken.None);
        Assert.NotSame(connection, prod);
        Assert.Equal("default", prod.DefaultNamespace);
    }

    [Fact]
    public async Task ExecPlugin_Missing_IsExecPluginFailedWithInstallHint()
    {
        using var dir = new TempDir();
        var config = dir.Write("cfg", Configs.Simple(userBlock: """
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: kubeps-no-such-plugin
                  installHint: Install it from example.org.
            """));
        var ex = await Assert.ThrowsAsync<KubeException>(() => KubeConnectionFactory.ConnectAsync(new KubeConnectionRequest { Kubeconfig = config }, CancellationToken.None));
        Assert.Equal(KubeErrorKind.KubeExecPluginFailed, ex.Kind);
        Assert.Contains("kubeps-no-such-plugin", ex.Message);
        Assert.Contains("Install it from example.org.", ex.Message);
    }

    [Fact]
    public async Task ExecPlugin_Failing_ReportsExitCodeAndStderr()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDir();
        dir.WriteScript("plugin.sh", "#!/bin/sh\necho 'login required: run az login' >&2\nexit 3\n");
        var config = dir.Write("cfg", Configs.Simple(userBlock: """
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./plugin.sh
            """));
        var ex = await Assert.ThrowsAsync<KubeException>(() => KubeConnectionFactory.ConnectAsync(new KubeConnectionRequest { Kubeconfig = config }, CancellationToken.None));
        Assert.Equal(KubeErrorKind.KubeExecPluginFailed, ex.Kind);
        Assert.Contains("exited with code 3", ex.Message);
        Assert.Contains("login required", ex.Message);
    }

    [Fact]
    public async Task ExecPlugin_Working_ProvidesTheToken()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDir();
        dir.WriteScript("plugin.sh", """
            #!/bin/sh
            case "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) echo "bad exec info" >&2; exit 1;; esac
            echo "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"$1-$MY_ENV\"}}"
            """);
        var exec = new KubeExecConfig
        {
            Command = "./plugin.sh",
            Args = new[] { "arg" },
            Env = new[] { new KeyValuePair<string, string>("MY_ENV", "env") },
            BaseDirectory = dir.Path,
        };
        var provider = new ExecCredentialProvider(exec, "u1");
        var header = await provider.GetAuthenticationHeaderAsync(CancellationToken.None);
        Assert.Equal("arg-env", header.Parameter);
    }

    [Fact]
    public async Task UnreachableServer_FailsFastNamingServerAndContext()
    {
        var port = ClosedPort();
        using var dir = new TempDir();
        var config = dir.Write("cfg", Configs.Simple(server: $"https://127.0.0.1:{port}"));
        var connection = await KubeConnectionFactory.ConnectAsync(new KubeConnectionRequest { Kubeconfig = config, ConnectTimeout = TimeSpan.FromSeconds(2) }, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<KubeException>(() => KubeVersionService.GetAsync(connection, CancellationToken.None));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(KubeErrorKind.KubeUnreachable, ex.Kind);
        Assert.Contains($"127.0.0.1:{port}", ex.Message);
        Assert.Contains("context 'dev'", ex.Message);
    }

    [Fact]
    public async Task UserCancellation_IsNotAnError()
    {
        var port = ClosedPort();
        using var dir = new TempDir();
        var config = dir.Write("cfg", Configs.Simple(server: $"https://127.0.0.1:{port}"));
        var connection = await KubeConnectionFactory.ConnectAsync(new KubeConnectionRequest { Kubeconfig = config }, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => KubeVersionService.GetAsync(connection, cts.Token));
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
