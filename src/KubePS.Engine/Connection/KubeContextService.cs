namespace KubePS.Engine.Connection;

/// <summary>A kubeconfig context as Get-KubeContext shows it.</summary>
public sealed class KubeContextInfo
{
    public required string Name { get; init; }
    public string? Cluster { get; init; }
    public string? User { get; init; }
    /// <summary>The context's namespace (null: the server's "default").</summary>
    public string? Namespace { get; init; }
    public string? Server { get; init; }
    /// <summary>True for the context later calls use by default (the session's choice, else current-context).</summary>
    public bool IsCurrent { get; init; }
    /// <summary>The kubeconfig file that defines the context.</summary>
    public string? Source { get; init; }

    public override string ToString() => Name;
}

/// <summary>Reads contexts out of a merged kubeconfig.</summary>
public static class KubeContextService
{
    /// <summary>All contexts in definition order; <paramref name="currentContext"/> (or current-context) is marked.</summary>
    public static IReadOnlyList<KubeContextInfo> GetContexts(KubeConfigSet config, string? currentContext = null)
    {
        var current = string.IsNullOrEmpty(currentContext) ? config.CurrentContext : currentContext;
        var result = new List<KubeContextInfo>();
        foreach (var name in config.ContextNames)
        {
            var context = config.Contexts[name];
            string? server = null;
            if (context.Cluster is not null && config.Clusters.TryGetValue(context.Cluster, out var cluster))
            {
                server = cluster.Server;
            }

            result.Add(new KubeContextInfo
            {
                Name = name,
                Cluster = context.Cluster,
                User = context.User,
                Namespace = context.Namespace,
                Server = server,
                IsCurrent = string.Equals(name, current, StringComparison.Ordinal),
                Source = context.Source.File,
            });
        }

        return result;
    }
}
