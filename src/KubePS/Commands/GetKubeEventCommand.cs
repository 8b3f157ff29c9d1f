using System.Management.Automation;
using k8s;
using k8s.Models;
using KubePS.Engine.Discovery;

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

    /// <summary>Only events seen within this time: a TimeSpan (00:10:00) or a duration such as 10m, 1h, 90s.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Since { get; set; }

    protected override string ResourceKind => "events";

    protected override string ResourceApiVersion => "v1";

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var filter = EventFilter.Create(For, Type, Reason, WatchChanges.ToDuration(Since, "Since"), out var forNamespace);
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

/// <summary>The event filters shared by Get-KubeEvent and Watch-KubeEvent.</summary>
internal static class EventFilter
{
    public static DateTime? LastSeen(Corev1Event e) => e.LastTimestamp ?? e.EventTime ?? e.Metadata?.CreationTimestamp;

    public static Func<Corev1Event, bool> Create(PSObject? forObject, string? type, string[]? reason, TimeSpan? since, out string? forNamespace)
    {
        string? forKind = null, forName = null, forUid = null;
        forNamespace = null;
        if (forObject?.BaseObject is IKubernetesObject<V1ObjectMeta> target)
        {
            forKind = target.Kind;
            forName = target.Metadata?.Name;
            forUid = target.Metadata?.Uid;
            forNamespace = target.Metadata?.NamespaceProperty;
        }
        else if (forObject is not null)
        {
            forKind = Output.KubeObjectProperties.GetKind(forObject);
            forName = Output.KubeObjectProperties.GetName(forObject) ?? forObject.BaseObject?.ToString();
            forNamespace = Output.KubeObjectProperties.GetNamespace(forObject);
        }
        var reasons = reason?.Select(r => WildcardPattern.Get(r, WildcardOptions.IgnoreCase)).ToList();
        var after = since is null ? (DateTime?)null : DateTime.UtcNow - since.Value;
        return e =>
        {
            if (forName is not null && (e.InvolvedObject?.Name != forName || (!string.IsNullOrEmpty(forKind) && e.InvolvedObject?.Kind != forKind)
                || (forUid is not null && e.InvolvedObject?.Uid is string uid && uid.Length > 0 && uid != forUid)))
            {
                return false;
            }
            if (type is not null && !string.Equals(e.Type, type, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            if (reasons is not null && !reasons.Any(r => r.IsMatch(e.Reason ?? "")))
            {
                return false;
            }
            return after is null || LastSeen(e) is not DateTime t || t.ToUniversalTime() >= after;
        };
    }
}
