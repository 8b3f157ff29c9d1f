using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// The event filter parameters of Get-KubeEvent and Watch-KubeEvent. Each cmdlet declares them itself, first in its
/// parameter list (a base class's parameters would come after the cmdlet's own), and <see cref="EventFilter"/> reads them.
/// </summary>
internal interface IKubeEventFilterCmdlet
{
    /// <summary>-For: only events about this object.</summary>
    PSObject? For { get; }

    /// <summary>-Type: only events of this type (Normal, Warning).</summary>
    string? Type { get; }

    /// <summary>-Reason: only events with one of these reasons (wildcards).</summary>
    string[]? Reason { get; }

    /// <summary>-Since: only events seen within this time (a TimeSpan or a duration such as 10m).</summary>
    object? Since { get; }
}

/// <summary>The event filters shared by Get-KubeEvent and Watch-KubeEvent.</summary>
internal static class EventFilter
{
    public static DateTime? LastSeen(Corev1Event e) => e.LastTimestamp ?? e.EventTime ?? e.Metadata?.CreationTimestamp;

    /// <summary>The filter of a cmdlet's -For, -Type, -Reason and -Since; <paramref name="forNamespace"/> is -For's namespace.</summary>
    public static Func<Corev1Event, bool> Create(IKubeEventFilterCmdlet cmdlet, out string? forNamespace) =>
        Create(cmdlet.For, cmdlet.Type, cmdlet.Reason, WatchChanges.ToDuration(cmdlet.Since, "Since"), out forNamespace);

    private static Func<Corev1Event, bool> Create(PSObject? forObject, string? type, string[]? reason, TimeSpan? since, out string? forNamespace)
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
