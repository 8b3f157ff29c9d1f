using System.Management.Automation;
using KubePS.Engine.Connection;
using KubePS.Engine.Discovery;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>
/// Base of Watch-KubeResource and Watch-KubeEvent: the parameters that end a watch or choose what it covers
/// (-AllNamespaces, -ChangesOnly, -Timeout, -Count) and the watch loop run with them.
/// </summary>
public abstract class KubeWatchCmdlet : KubeClusterCmdlet
{
    /// <summary>Watch every namespace (kubectl -A).</summary>
    [Parameter]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>Leave out what already exists (first reported as Added); only changes from now on (kubectl --watch-only).</summary>
    [Parameter]
    public SwitchParameter ChangesOnly { get; set; }

    /// <summary>Stop after this long (a TimeSpan or a duration such as 30s, 5m); reaching it is not an error.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Timeout { get; set; }

    /// <summary>Stop after this many changes.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>
    /// Watches <paramref name="resource"/> until Ctrl+C, -Timeout or -Count, leaving out existing objects with
    /// -ChangesOnly; <paramref name="keep"/> (when given) filters the objects before they count.
    /// </summary>
    protected Task WatchAsync(KubeConnection connection, ApiResourceInfo resource, string? ns, string? selector, string? fieldSelector,
        string[]? names, Func<object, bool>? keep, Action<KubeResourceChange> emit, CancellationToken cancellationToken) =>
        WatchChanges.RunAsync(connection.Client, resource, ns, selector, fieldSelector, names, ChangesOnly, WatchChanges.ToDuration(Timeout), Count,
            keep, emit, cancellationToken);
}
