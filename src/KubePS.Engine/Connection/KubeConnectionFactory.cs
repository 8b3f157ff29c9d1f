using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using KubePS.Engine.Errors;

namespace KubePS.Engine.Connection;

/// <summary>
/// Builds clients from kubeconfig and caches one per (kubeconfig files and their stamps, context, connect timeout)
/// for the life of the process.
/// </summary>
public static class KubeConnectionFactory
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<KubeConnection>>> Cache = new(StringComparer.Ordinal);

    /// <summary>The product token sent as User-Agent.</summary>
    public static string UserAgent { get; } = "KubePS/" + (typeof(KubeConnectionFactory).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    /// <summary>Returns the cached connection for the request, creating it on first use.</summary>
    public static async Task<KubeConnection> ConnectAsync(KubeConnectionRequest request, CancellationToken cancellationToken)
    {
        var config = KubeConfigLoader.Load(request.Kubeconfig);
        var contextName = ResolveContextName(config, request.Context);
        var key = string.Join("\n", config.Stamp, contextName, request.ConnectTimeout.Ticks.ToString(CultureInfo.InvariantCulture));
        var lazy = Cache.GetOrAdd(key, _ => new Lazy<Task<KubeConnection>>(() => CreateAsync(config, contextName, request.ConnectTimeout)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed build (bad cert, failing exec plugin) is not cached: the next call retries.
            Cache.TryRemove(new KeyValuePair<string, Lazy<Task<KubeConnection>>>(key, lazy));
            throw;
        }
    }

    /// <summary>Drops all cached clients (tests; after a kubeconfig has been rewritten).</summary>
    public static void ClearCache() => Cache.Clear();

    /// <summary>
    /// The context to use: <paramref name="requested"/>, else current-context. Throws KubeContextNotFound listing
    /// the known contexts when it is not defined.
    /// </summary>
    public static string ResolveContextName(KubeConfigSet config, string? requested)
    {
        var name = string.IsNullOrEmpty(requested) ? config.CurrentContext : requested;
        if (string.IsNullOrEmpty(name))
        {
            throw new KubeException(
                KubeErrorKind.KubeContextNotFound,
                $"No context given and current-context is not set in {FileList(config)}. Known contexts: {KnownContexts(config)}.")
            {
                RecommendedAction = "Pass -Context, or run Set-KubeContext -Name <context> -Persist.",
            };
        }

        if (!config.Contexts.ContainsKey(name))
        {
            throw new KubeException(
                KubeErrorKind.KubeContextNotFound,
                $"Context '{name}' is not defined in {FileList(config)}. Known contexts: {KnownContexts(config)}.")
            {
                Target = name,
                RecommendedAction = "Use Get-KubeContext to list the contexts.",
            };
        }

        return name;
    }

    private static string FileList(KubeConfigSet config) =>
        config.Files.Count == 0 ? "the in-cluster configuration" : string.Join(", ", config.Files);

    private static string KnownContexts(KubeConfigSet config) =>
        config.ContextNames.Count == 0 ? "(none)" : string.Join(", ", config.ContextNames);

    private static async Task<KubeConnection> CreateAsync(KubeConfigSet config, string contextName, TimeSpan connectTimeout)
    {
        KubernetesClientConfiguration clientConfig;
        string? contextNamespace;
        string? proxyUrl = null;
        string? userName = null;
        if (config.IsInCluster)
        {
            try
            {
                clientConfig = KubernetesClientConfiguration.InClusterConfig();
            }
            catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or IOException)
            {
                throw new KubeException(KubeErrorKind.KubeConfigInvalid, $"The in-cluster service-account configuration is unusable: {ex.Message}", ex);
            }

            contextNamespace = clientConfig.Namespace;
        }
        else
        {
            var context = config.Contexts[contextName];
            if (string.IsNullOrEmpty(context.Cluster) || !config.Clusters.TryGetValue(context.Cluster, out var cluster))
            {
                throw KubeConfigLoader.Invalid(context.Source.File, context.Source.Line,
                    $"context '{contextName}' refers to cluster '{context.Cluster}', which is not defined");
            }

            if (string.IsNullOrEmpty(cluster.Server))
            {
                throw KubeConfigLoader.Invalid(cluster.Source.File, cluster.Source.Line, $"cluster '{cluster.Name}' has no server");
            }

            KubeUserEntry? user = null;
            if (!string.IsNullOrEmpty(context.User) && !config.Users.TryGetValue(context.User, out user))
            {
                throw KubeConfigLoader.Invalid(context.Source.File, context.Source.Line,
                    $"context '{contextName}' refers to user '{context.User}', which is not defined");
            }

            userName = user?.Name;
            contextNamespace = context.Namespace;
            proxyUrl = cluster.ProxyUrl;
            clientConfig = new KubernetesClientConfiguration
            {
                Host = cluster.Server,
                Namespace = context.Namespace,
                SkipTlsVerify = cluster.InsecureSkipTlsVerify,
                TlsServerName = cluster.TlsServerName,
                SslCaCerts = LoadCa(cluster),
            };

            if (user is not null)
            {
                await ApplyUserAsync(clientConfig, user, cluster).ConfigureAwait(false);
            }
        }

        clientConfig.UserAgent = UserAgent;
        Uri? proxy = null;
        if (!string.IsNullOrEmpty(proxyUrl))
        {
            if (!Uri.TryCreate(proxyUrl, UriKind.Absolute, out proxy))
            {
                var cluster = config.Clusters[config.Contexts[contextName].Cluster!];
                throw KubeConfigLoader.Invalid(cluster.Source.File, cluster.Source.Line, $"proxy-url '{proxyUrl}' of cluster '{cluster.Name}' is not a URL");
            }
        }

        var tracing = new ApiCallTracingHandler(contextName, clientConfig.Host, connectTimeout);
        Kubernetes client;
        try
        {
            client = new Kubernetes(clientConfig, tracing);
        }
        catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or CryptographicException or FormatException or IOException)
        {
            throw new KubeException(KubeErrorKind.KubeConfigInvalid,
                $"Cannot build a client for context '{contextName}' from {FileList(config)}: {ex.Message}", ex) { Target = contextName };
        }

        // The tracing handler sits directly on the client's SocketsHttpHandler: set the connect timeout and proxy there.
        if (tracing.InnerHandler is SocketsHttpHandler sockets)
        {
            sockets.ConnectTimeout = connectTimeout;
            if (proxy is not null)
            {
                sockets.Proxy = new WebProxy(proxy);
                sockets.UseProxy = true;
            }

            // Build the server's chain against the kubeconfig's CA alone. Without this the TLS layer first builds it
            // against the system store (loading every system root, ~60 ms on the first connection) only to report
            // an untrusted root that the client's own callback then accepts. A chain that still fails goes to that
            // callback exactly as before.
            if (!clientConfig.SkipTlsVerify && clientConfig.SslCaCerts is { Count: > 0 } authorities)
            {
                var policy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                };
                policy.CustomTrustStore.AddRange(authorities);
                sockets.SslOptions.CertificateChainPolicy = policy;
            }
        }

        return new KubeConnection(client, config, contextName, clientConfig.Host, contextNamespace, clientConfig.SkipTlsVerify, proxyUrl, userName);
    }

    private static X509Certificate2Collection LoadCa(KubeClusterEntry cluster)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            if (!string.IsNullOrEmpty(cluster.CertificateAuthorityData))
            {
                var pem = Encoding.UTF8.GetString(Convert.FromBase64String(cluster.CertificateAuthorityData));
                collection.ImportFromPem(pem);
            }
            else if (!string.IsNullOrEmpty(cluster.CertificateAuthority))
            {
                collection.ImportFromPemFile(cluster.CertificateAuthority);
            }
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            var source = cluster.CertificateAuthorityDataSource ?? cluster.Source;
            throw KubeConfigLoader.Invalid(source.File, source.Line,
                $"the certificate authority of cluster '{cluster.Name}' cannot be read ({ex.Message})", ex);
        }

        // An empty collection means: trust what the system trusts (a cluster with a public CA).
        return collection;
    }

    private static async Task ApplyUserAsync(KubernetesClientConfiguration clientConfig, KubeUserEntry user, KubeClusterEntry cluster)
    {
        if (user.AuthProviderName is { } provider && user.Exec is null && user.Token is null && user.TokenFile is null)
        {
            throw KubeConfigLoader.Invalid(user.Source.File, user.Source.Line,
                $"user '{user.Name}' uses auth-provider '{provider}', which KubePS does not support; use an exec credential plugin (kubelogin, gke-gcloud-auth-plugin) instead");
        }

        if (!string.IsNullOrEmpty(user.ClientCertificateData) || !string.IsNullOrEmpty(user.ClientKeyData))
        {
            CheckBase64(user.ClientCertificateData, user.ClientCertificateDataSource ?? user.Source, "client-certificate-data", user.Name);
            CheckBase64(user.ClientKeyData, user.ClientKeyDataSource ?? user.Source, "client-key-data", user.Name);
            clientConfig.ClientCertificateData = user.ClientCertificateData;
            clientConfig.ClientCertificateKeyData = user.ClientKeyData;
        }
        else if (!string.IsNullOrEmpty(user.ClientCertificate) || !string.IsNullOrEmpty(user.ClientKey))
        {
            foreach (var file in new[] { user.ClientCertificate, user.ClientKey })
            {
                if (string.IsNullOrEmpty(file) || !File.Exists(file))
                {
                    throw KubeConfigLoader.Invalid(user.Source.File, user.Source.Line,
                        $"user '{user.Name}' needs both client-certificate and client-key, and '{file}' does not exist");
                }
            }

            clientConfig.ClientCertificateFilePath = user.ClientCertificate;
            clientConfig.ClientKeyFilePath = user.ClientKey;
        }

        if (!string.IsNullOrEmpty(user.Token))
        {
            clientConfig.AccessToken = user.Token;
        }
        else if (!string.IsNullOrEmpty(user.TokenFile))
        {
            var provider2 = new TokenFileProvider(user.TokenFile);
            provider2.ReadToken(); // fail now, naming the file, rather than on the first request
            clientConfig.TokenProvider = provider2;
        }
        else if (user.Exec is { } exec)
        {
            var execProvider = new ExecCredentialProvider(exec, user.Name, cluster.Server, cluster.CertificateAuthorityData, cluster.InsecureSkipTlsVerify);
            var credential = await execProvider.GetCredentialAsync(CancellationToken.None).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(credential.ClientCertificateData) && !string.IsNullOrEmpty(credential.ClientKeyData))
            {
                // The plugin returns PEM text; the client expects base64 of PEM, like client-certificate-data.
                clientConfig.ClientCertificateData = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.ClientCertificateData));
                clientConfig.ClientCertificateKeyData = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.ClientKeyData));
            }

            if (!string.IsNullOrEmpty(credential.Token))
            {
                clientConfig.TokenProvider = execProvider;
            }
        }
        else if (!string.IsNullOrEmpty(user.Username))
        {
            clientConfig.Username = user.Username;
            clientConfig.Password = user.Password;
        }
    }

    private static void CheckBase64(string? value, ConfigSource source, string key, string user)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw KubeConfigLoader.Invalid(source.File, source.Line, $"user '{user}' has {key} but not its pair (client-certificate-data and client-key-data go together)");
        }

        Span<byte> buffer = new byte[value.Length];
        if (!Convert.TryFromBase64String(value, buffer, out _))
        {
            throw KubeConfigLoader.Invalid(source.File, source.Line, $"{key} of user '{user}' is not valid base64");
        }
    }
}
