using System.Management.Automation;
using k8s.Models;
using KubePS.Engine.Discovery;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Streams events as they happen (and, unless -ChangesOnly, the existing ones first), with the filters of Get-KubeEvent, until Ctrl+C, -Timeout or -Count.</para>
/// </summary>
[Cmdlet("Watch", "KubeEvent")]
[OutputType(typeof(Corev1Event))]
public sealed class WatchKubeEventCommand : KubeWatchCmdlet, IKubeEventFilterCmdlet
{
    /// <summary>Only events about this object (any kube object: a pod, a deployment...).</summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject? For { get; set; }

    /// <summary>Only events of this type.</summary>
    [Parameter]
    [ValidateSet("Normal", "Warning")]
    public string? Type { get; set; }

    /// <summary>Only events with one of these reasons (wildcards allowed): BackOff, Failed*, Scaling*.</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Reason { get; set; }

    /// <summary>Of the existing events, only those seen within this time (a TimeSpan or a duration such as 10m).</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Since { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var filter = EventFilter.Create(this, out var forNamespace);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var ns = AllNamespaces ? null : forNamespace ?? EffectiveNamespace;
        var resource = BuiltinResources.Find("events")!;
        await WatchAsync(connection, resource, ns, null, null, null,
            keep: o => o is Corev1Event e && filter(e),
            emit: c =>
            {
                if (c.Type != Output.KubeChangeType.Deleted)
                {
                    Emit(c.Object);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }
}
