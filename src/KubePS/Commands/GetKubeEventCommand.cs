using System.Management.Automation;
using k8s.Models;
using KubePS.Engine.Discovery;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets events, oldest first, optionally only those about one object, of one type or reason, or recent ones.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeEvent")]
[OutputType(typeof(Corev1Event))]
public sealed class GetKubeEventCommand : KubeTypedGetCmdlet, IKubeEventFilterCmdlet
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

    /// <summary>Only events seen within this time: a TimeSpan (00:10:00) or a duration such as 10m, 1h, 90s.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Since { get; set; }

    protected override string ResourceKind => "events";

    protected override string ResourceApiVersion => "v1";

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var filter = EventFilter.Create(this, out var forNamespace);
        if (forNamespace is not null)
        {
            Namespace = forNamespace;
        }
        var events = new List<Corev1Event>();
        bool Keep(object o)
        {
            if (o is Corev1Event e && filter(e))
            {
                events.Add(e);
            }
            return false; // emitted below, sorted
        }
        await FindAndEmitAsync(ResourceKind, ResourceApiVersion, cancellationToken, filter: Keep, builtin: true).ConfigureAwait(false);
        foreach (var e in events.OrderBy(e => EventFilter.LastSeen(e) ?? DateTime.MinValue))
        {
            Emit(Output.KubeObjects.ToPipeline(e));
        }
    }
}
