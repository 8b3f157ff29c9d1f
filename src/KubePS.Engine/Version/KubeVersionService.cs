using k8s;
using KubePS.Engine.Connection;

namespace KubePS.Engine.Version;

/// <summary>Client and server versions, as Get-KubeVersion shows them.</summary>
public sealed class KubeVersionInfo
{
    /// <summary>The KubePS module version.</summary>
    public required string ClientVersion { get; init; }
    /// <summary>The KubernetesClient library version KubePS uses.</summary>
    public required string KubernetesClientVersion { get; init; }
    /// <summary>The server's gitVersion (v1.32.2), or null when only the client was asked.</summary>
    public string? ServerVersion { get; init; }
    public string? ServerMajor { get; init; }
    public string? ServerMinor { get; init; }
    public string? Platform { get; init; }
    public string? GoVersion { get; init; }
    public string? BuildDate { get; init; }
    public string? Context { get; init; }
    public string? Server { get; init; }
}

/// <summary>Reads /version.</summary>
public static class KubeVersionService
{
    /// <summary>The client-side versions only.</summary>
    public static KubeVersionInfo GetClientVersion() => new()
    {
        ClientVersion = typeof(KubeVersionService).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        KubernetesClientVersion = InformationalVersion(typeof(Kubernetes).Assembly),
    };

    /// <summary>Client versions plus the server's /version.</summary>
    public static async Task<KubeVersionInfo> GetAsync(KubeConnection connection, CancellationToken cancellationToken)
    {
        var client = GetClientVersion();
        var server = await connection.CallAsync((c, ct) => c.Version.GetCodeAsync(ct), cancellationToken).ConfigureAwait(false);
        return new KubeVersionInfo
        {
            ClientVersion = client.ClientVersion,
            KubernetesClientVersion = client.KubernetesClientVersion,
            ServerVersion = server.GitVersion,
            ServerMajor = server.Major,
            ServerMinor = server.Minor,
            Platform = server.Platform,
            GoVersion = server.GoVersion,
            BuildDate = server.BuildDate,
            Context = connection.ContextName,
            Server = connection.Server,
        };
    }

    private static string InformationalVersion(System.Reflection.Assembly assembly)
    {
        var info = assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
        if (string.IsNullOrEmpty(info))
        {
            return assembly.GetName().Version?.ToString() ?? "unknown";
        }

        var plus = info.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? info[..plus] : info;
    }
}
