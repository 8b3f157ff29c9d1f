using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets events, oldest first, optionally only those about one object, of one type or reason, or recent ones.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeEvent")]
[OutputType(typeof(Corev1Event))]
public sealed class GetKubeEventCommand : KubeTypedGetCmdlet
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

    /// <summary>Only events seen within this time (for example 00:10:00, or a TimeSpan).</summary>
    [Parameter]
    public TimeSpan? Since { get; set; }

    protected override string ResourceKind => "events";

    protected override string ResourceApiVersion => "v1";

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        string? forKind = null, forName = null, forUid = null;
        if (For?.BaseObject is IKubernetesObject<V1ObjectMeta> target)
        {
            forKind = target.Kind;
            forName = target.Metadata?.Name;
            forUid = target.Metadata?.Uid;
            Namespace = target.Metadata?.NamespaceProperty ?? Namespace;
        }
        var reasons = Reason?.Select(r => WildcardPattern.Get(r, WildcardOptions.IgnoreCase)).ToList();
        var since = Since is null ? (DateTime?)null : DateTime.UtcNow - Since.Value;
        var events = new List<Corev1Event>();
        bool Keep(object o)
        {
            if (o is not Corev1Event e)
            {
                return false;
            }
            if (forName is not null && (e.InvolvedObject?.Name != forName || (forKind is not null && e.InvolvedObject?.Kind != forKind)
                || (forUid is not null && e.InvolvedObject?.Uid is string uid && uid.Length > 0 && uid != forUid)))
            {
                return false;
            }
            if (Type is not null && !string.Equals(e.Type, Type, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            if (reasons is not null && !reasons.Any(r => r.IsMatch(e.Reason ?? "")))
            {
                return false;
            }
            if (since is not null && LastSeen(e) is DateTime t && t.ToUniversalTime() < since)
            {
                return false;
            }
            events.Add(e);
            return false; // emitted below, sorted
        }
        await FindAndEmitAsync(ResourceKind, ResourceApiVersion, cancellationToken, filter: Keep, builtin: true).ConfigureAwait(false);
        foreach (var e in events.OrderBy(e => LastSeen(e) ?? DateTime.MinValue))
        {
            Emit(Output.KubeObjects.ToPipeline(e));
        }
    }

    private static DateTime? LastSeen(Corev1Event e) => e.LastTimestamp ?? e.EventTime ?? e.Metadata?.CreationTimestamp;
}
