using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace KubePS;

/// <summary>
/// Session-scoped defaults set by Set-KubeContext (one per runspace): the context later calls use, and
/// namespace overrides per context. Nothing here touches the kubeconfig file.
/// </summary>
public sealed class KubeSession
{
    private static readonly ConditionalWeakTable<Runspace, KubeSession> ByRunspace = new();
    private static readonly KubeSession Fallback = new();
    private readonly ConcurrentDictionary<string, string> _namespaces = new(StringComparer.Ordinal);
    private volatile Selection? _context;

    /// <summary>The session of the calling runspace. Call on the pipeline thread (where DefaultRunspace is set).</summary>
    public static KubeSession Current =>
        Runspace.DefaultRunspace is { } runspace ? ByRunspace.GetValue(runspace, static _ => new KubeSession()) : Fallback;

    /// <summary>The session's context for <paramref name="kubeconfig"/> (null when none was set for that kubeconfig).</summary>
    public string? GetContext(string? kubeconfig)
    {
        var selection = _context;
        return selection is not null && SameConfig(selection.Kubeconfig, kubeconfig) ? selection.Context : null;
    }

    /// <summary>Makes <paramref name="context"/> the default for calls that use <paramref name="kubeconfig"/>.</summary>
    public void SetContext(string? kubeconfig, string context) => _context = new Selection(Normalize(kubeconfig), context);

    /// <summary>The session's namespace override for a context, if any.</summary>
    public string? GetNamespace(string context) => _namespaces.TryGetValue(context, out var ns) ? ns : null;

    /// <summary>Sets the session's namespace for a context.</summary>
    public void SetNamespace(string context, string @namespace) => _namespaces[context] = @namespace;

    private static bool SameConfig(string? a, string? b) => string.Equals(a, Normalize(b), StringComparison.Ordinal);

    private static string? Normalize(string? path) => string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path);

    private sealed record Selection(string? Kubeconfig, string Context);
}
