using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using k8s.Authentication;
using KubePS.Engine.Errors;

namespace KubePS.Engine.Connection;

/// <summary>What an exec credential plugin returned.</summary>
public sealed record ExecCredential(string? Token, string? ClientCertificateData, string? ClientKeyData, DateTimeOffset? Expires);

/// <summary>
/// Runs a kubeconfig exec credential plugin (kubelogin, aws eks get-token, gke-gcloud-auth-plugin, ...)
/// non-interactively and caches its credential until it expires.
/// </summary>
public sealed class ExecCredentialProvider : ITokenProvider
{
    private readonly KubeExecConfig _exec;
    private readonly string _userName;
    private readonly string? _server;
    private readonly string? _caData;
    private readonly bool _insecure;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ExecCredential? _cached;

    public ExecCredentialProvider(KubeExecConfig exec, string userName, string? server = null, string? caData = null, bool insecure = false)
    {
        _exec = exec;
        _userName = userName;
        _server = server;
        _caData = caData;
        _insecure = insecure;
    }

    /// <summary>How long the plugin may run before it is killed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        var credential = await GetCredentialAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(credential.Token))
        {
            throw Failed("returned no token");
        }

        return new AuthenticationHeaderValue("Bearer", credential.Token);
    }

    /// <summary>Returns the cached credential, running the plugin when there is none or it expires within 10 s.</summary>
    public async Task<ExecCredential> GetCredentialAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cached is { } cached && (cached.Expires is null || cached.Expires > DateTimeOffset.UtcNow.AddSeconds(10)))
            {
                return cached;
            }

            _cached = await RunAsync(cancellationToken).ConfigureAwait(false);
            return _cached;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ExecCredential> RunAsync(CancellationToken cancellationToken)
    {
        if (string.Equals(_exec.InteractiveMode, "Always", StringComparison.OrdinalIgnoreCase))
        {
            throw Failed("requires an interactive terminal (interactiveMode: Always), which KubePS does not provide");
        }

        var command = _exec.Command;
        if (!Path.IsPathRooted(command) && (command.Contains('/') || command.Contains('\\')))
        {
            command = Path.GetFullPath(command, _exec.BaseDirectory);
        }

        var start = new ProcessStartInfo(command)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in _exec.Args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in _exec.Env)
        {
            start.Environment[name] = value;
        }

        start.Environment["KUBERNETES_EXEC_INFO"] = BuildExecInfo();

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            var hint = string.IsNullOrWhiteSpace(_exec.InstallHint) ? "" : " " + _exec.InstallHint.Trim();
            throw new KubeException(
                KubeErrorKind.KubeExecPluginFailed,
                $"The exec credential plugin '{_exec.Command}' for user '{_userName}' could not be started: {ex.Message}.{hint}",
                ex)
            {
                Target = _exec.Command,
                RecommendedAction = "Install the credential plugin and make sure it is on PATH, or fix 'exec.command' in the kubeconfig.",
            };
        }

        process.StandardInput.Close();
        var stdoutTask = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderrTask = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            TryKill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw Failed($"did not finish within {Timeout.TotalSeconds:0} s");
        }

        string stdout;
        string stderr;
        try
        {
            stdout = await stdoutTask.ConfigureAwait(false);
            stderr = await stderrTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }

        if (process.ExitCode != 0)
        {
            var detail = Excerpt(stderr);
            throw Failed($"exited with code {process.ExitCode}{(detail.Length > 0 ? ": " + detail : "")}");
        }

        return ParseCredential(stdout);
    }

    /// <summary>Parses an ExecCredential JSON document (client.authentication.k8s.io/v1 or v1beta1).</summary>
    internal ExecCredential ParseCredential(string stdout)
    {
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            if (!doc.RootElement.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
            {
                throw Failed("wrote an ExecCredential without a status");
            }

            string? Get(string name) => status.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            DateTimeOffset? expires = null;
            if (Get("expirationTimestamp") is { } text &&
                DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                expires = parsed;
            }

            var credential = new ExecCredential(Get("token"), Get("clientCertificateData"), Get("clientKeyData"), expires);
            if (string.IsNullOrEmpty(credential.Token) && string.IsNullOrEmpty(credential.ClientCertificateData))
            {
                throw Failed("returned neither a token nor a client certificate");
            }

            return credential;
        }
        catch (JsonException ex)
        {
            throw Failed($"wrote output that is not ExecCredential JSON ({ex.Message})");
        }
    }

    private string BuildExecInfo()
    {
        var info = new Dictionary<string, object?>
        {
            ["apiVersion"] = _exec.ApiVersion,
            ["kind"] = "ExecCredential",
        };
        var spec = new Dictionary<string, object?> { ["interactive"] = false };
        if (_exec.ProvideClusterInfo && _server is not null)
        {
            spec["cluster"] = new Dictionary<string, object?>
            {
                ["server"] = _server,
                ["certificate-authority-data"] = _caData,
                ["insecure-skip-tls-verify"] = _insecure,
            };
        }

        info["spec"] = spec;
        return JsonSerializer.Serialize(info);
    }

    private KubeException Failed(string what) =>
        new(KubeErrorKind.KubeExecPluginFailed, $"The exec credential plugin '{_exec.Command}' for user '{_userName}' {what}.")
        {
            Target = _exec.Command,
            RecommendedAction = "Run the plugin by hand to see what it needs (a login, an environment variable), then retry.",
        };

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        catch (Win32Exception)
        {
        }
    }

    private static string Excerpt(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var tail = string.Join(" ", lines.Skip(Math.Max(0, lines.Length - 5)));
        return tail.Length > 500 ? tail[..500] + "..." : tail;
    }
}

/// <summary>A bearer token read from a file (tokenFile), re-read once a minute so rotated tokens are picked up.</summary>
public sealed class TokenFileProvider : ITokenProvider
{
    private readonly string _path;
    private string? _token;
    private DateTimeOffset _readAt;

    public TokenFileProvider(string path)
    {
        _path = path;
    }

    public Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new AuthenticationHeaderValue("Bearer", ReadToken()));

    /// <summary>The current token; throws KubeConfigInvalid when the file is missing or empty.</summary>
    public string ReadToken()
    {
        if (_token is not null && DateTimeOffset.UtcNow - _readAt < TimeSpan.FromMinutes(1))
        {
            return _token;
        }

        try
        {
            var token = File.ReadAllText(_path).Trim();
            if (token.Length == 0)
            {
                throw new KubeException(KubeErrorKind.KubeConfigInvalid, $"The token file '{_path}' is empty.") { Target = _path };
            }

            _token = token;
            _readAt = DateTimeOffset.UtcNow;
            return token;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeException(KubeErrorKind.KubeConfigInvalid, $"Cannot read the token file '{_path}': {ex.Message}", ex) { Target = _path };
        }
    }
}
