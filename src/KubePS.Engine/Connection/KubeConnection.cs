using k8s;
using KubePS.Engine.Errors;

namespace KubePS.Engine.Connection;

/// <summary>What a caller asks to connect to.</summary>
public sealed record KubeConnectionRequest
{
    /// <summary>An explicit kubeconfig path (-Kubeconfig); null means $KUBECONFIG, then ~/.kube/config, then in-cluster.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>The context to use; null means the kubeconfig's current-context.</summary>
    public string? Context { get; init; }

    /// <summary>How long to wait for a TCP/TLS connection before KubeUnreachable.</summary>
    public TimeSpan ConnectTimeout { get; init; } = KubeConnection.DefaultConnectTimeout;
}

/// <summary>
/// A live, cached client for one (kubeconfig files, context). Reuse it: it keeps connections alive.
/// </summary>
public sealed class KubeConnection
{
    /// <summary>The default connect timeout (10 s).</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    internal KubeConnection(IKubernetes client, KubeConfigSet config, string contextName, string server, string? @namespace, bool insecure, string? proxyUrl, string? user)
    {
        Client = client;
        Config = config;
        ContextName = contextName;
        Server = server;
        ContextNamespace = @namespace;
        InsecureSkipTlsVerify = insecure;
        ProxyUrl = proxyUrl;
        User = user;
    }

    /// <summary>The Kubernetes client. Calls through it are traced and their transport failures mapped.</summary>
    public IKubernetes Client { get; }

    /// <summary>The merged kubeconfig this connection was built from.</summary>
    public KubeConfigSet Config { get; }

    public string ContextName { get; }

    /// <summary>The API server URL.</summary>
    public string Server { get; }

    /// <summary>The user (AuthInfo) name.</summary>
    public string? User { get; }

    /// <summary>The namespace set on the context, if any.</summary>
    public string? ContextNamespace { get; }

    /// <summary>The namespace to use when none is given: the context's, else "default" (as kubectl).</summary>
    public string DefaultNamespace => string.IsNullOrEmpty(ContextNamespace) ? "default" : ContextNamespace;

    /// <summary>True when the cluster sets insecure-skip-tls-verify: callers should warn.</summary>
    public bool InsecureSkipTlsVerify { get; }

    public string? ProxyUrl { get; }

    /// <summary>
    /// Runs <paramref name="call"/> against the client and maps any failure to <see cref="KubeException"/>
    /// naming this server and context. Cancellation through <paramref name="cancellationToken"/> passes through.
    /// </summary>
    public async Task<T> CallAsync<T>(Func<IKubernetes, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(Client, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (KubeErrorMapper.Map(ex, Server, ContextName, cancellationToken) is var mapped && !ReferenceEquals(mapped, ex))
        {
            throw mapped;
        }
    }
}
