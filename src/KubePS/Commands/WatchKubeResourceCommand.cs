using System.Management.Automation;
using KubePS.Completion;
using KubePS.Engine.Discovery;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Streams changes to objects of a kind (Added, Modified, Deleted) until Ctrl+C, -Timeout or -Count; survives dropped watches and 410 Gone.</para>
/// </summary>
[Cmdlet("Watch", "KubeResource")]
[OutputType(typeof(KubeResourceChange))]
public sealed class WatchKubeResourceCommand : KubeWatchCmdlet
{
    /// <summary>The kind as kubectl accepts it: po, deploy, deployments.apps, Widget.example.com.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(KindCompleter))]
    [ValidateNotNullOrEmpty]
    public string Kind { get; set; } = "";

    /// <summary>Only objects with these names (wildcards allowed).</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ResourceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>A label selector: app=web,tier in (front,back).</summary>
    [Parameter]
    [Alias("l", "LabelSelector")]
    [ArgumentCompleter(typeof(LabelSelectorCompleter))]
    public string? Selector { get; set; }

    /// <summary>A field selector: status.phase=Running.</summary>
    [Parameter]
    public string? FieldSelector { get; set; }

    /// <summary>The API version when the kind is ambiguous (apps/v1).</summary>
    [Parameter]
    public string? ApiVersion { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var resource = await DiscoveryCache.For(connection.Client).ResolveAsync(Kind, ApiVersion, cancellationToken).ConfigureAwait(false);
        var ns = resource.Namespaced && !AllNamespaces ? EffectiveNamespace : null;
        await WatchAsync(connection, resource, ns, Selector, FieldSelector, Name, keep: null, emit: Emit, cancellationToken).ConfigureAwait(false);
    }
}
