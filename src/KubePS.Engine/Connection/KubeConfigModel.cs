namespace KubePS.Engine.Connection;

/// <summary>Where a value came from: a kubeconfig file and a 1-based line.</summary>
public readonly record struct ConfigSource(string File, long Line)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>A named cluster entry of a kubeconfig.</summary>
public sealed class KubeClusterEntry
{
    public required string Name { get; init; }
    public required ConfigSource Source { get; init; }
    public string? Server { get; init; }
    public string? CertificateAuthority { get; init; }
    public string? CertificateAuthorityData { get; init; }
    public ConfigSource? CertificateAuthorityDataSource { get; init; }
    public bool InsecureSkipTlsVerify { get; init; }
    public string? TlsServerName { get; init; }
    public string? ProxyUrl { get; init; }
}

/// <summary>A named context entry of a kubeconfig.</summary>
public sealed class KubeContextEntry
{
    public required string Name { get; init; }
    public required ConfigSource Source { get; init; }
    public string? Cluster { get; init; }
    public string? User { get; init; }
    public string? Namespace { get; init; }
}

/// <summary>The exec credential plugin block of a user.</summary>
public sealed class KubeExecConfig
{
    public required string Command { get; init; }
    public IReadOnlyList<string> Args { get; init; } = Array.Empty<string>();
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = Array.Empty<KeyValuePair<string, string>>();
    public string ApiVersion { get; init; } = "client.authentication.k8s.io/v1";
    public string? InstallHint { get; init; }
    public bool ProvideClusterInfo { get; init; }
    public string? InteractiveMode { get; init; }
    /// <summary>Directory of the kubeconfig that defined the plugin (relative commands resolve against it).</summary>
    public required string BaseDirectory { get; init; }
}

/// <summary>A named user (AuthInfo) entry of a kubeconfig.</summary>
public sealed class KubeUserEntry
{
    public required string Name { get; init; }
    public required ConfigSource Source { get; init; }
    public string? Token { get; init; }
    public string? TokenFile { get; init; }
    public string? ClientCertificate { get; init; }
    public string? ClientCertificateData { get; init; }
    public ConfigSource? ClientCertificateDataSource { get; init; }
    public string? ClientKey { get; init; }
    public string? ClientKeyData { get; init; }
    public ConfigSource? ClientKeyDataSource { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }
    public KubeExecConfig? Exec { get; init; }
    public string? AuthProviderName { get; init; }
}

/// <summary>One parsed kubeconfig file (entries in file order).</summary>
public sealed class KubeConfigFile
{
    public required string Path { get; init; }
    public string? CurrentContext { get; init; }
    public IReadOnlyList<KubeClusterEntry> Clusters { get; init; } = Array.Empty<KubeClusterEntry>();
    public IReadOnlyList<KubeContextEntry> Contexts { get; init; } = Array.Empty<KubeContextEntry>();
    public IReadOnlyList<KubeUserEntry> Users { get; init; } = Array.Empty<KubeUserEntry>();
}

/// <summary>
/// The kubeconfig files in effect, merged by kubectl's rules: for every cluster, context and user name,
/// and for current-context, the first file that sets it wins.
/// </summary>
public sealed class KubeConfigSet
{
    /// <summary>The files that were read, in precedence order (missing KUBECONFIG entries are skipped, as kubectl does).</summary>
    public required IReadOnlyList<string> Files { get; init; }
    public string? CurrentContext { get; init; }
    /// <summary>The file that set current-context, if any.</summary>
    public string? CurrentContextFile { get; init; }
    public required IReadOnlyDictionary<string, KubeClusterEntry> Clusters { get; init; }
    public required IReadOnlyDictionary<string, KubeContextEntry> Contexts { get; init; }
    public required IReadOnlyDictionary<string, KubeUserEntry> Users { get; init; }
    /// <summary>True when no kubeconfig file exists and the process runs in a pod with a service account.</summary>
    public bool IsInCluster { get; init; }
    /// <summary>A stamp of the files' sizes and write times, so cached clients notice edits.</summary>
    public required string Stamp { get; init; }

    /// <summary>Context names in a stable order (file order of definition).</summary>
    public IReadOnlyList<string> ContextNames { get; init; } = Array.Empty<string>();

    /// <summary>The name used for the synthetic in-cluster context.</summary>
    public const string InClusterContextName = "in-cluster";
}
