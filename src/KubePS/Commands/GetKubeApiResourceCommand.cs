using System.Management.Automation;
using KubePS.Engine.Discovery;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Lists the resource types the cluster serves, like kubectl api-resources.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeApiResource")]
[OutputType(typeof(ApiResourceInfo))]
public sealed class GetKubeApiResourceCommand : KubeClusterCmdlet
{
    /// <summary>Only resource types whose name, short name or kind matches (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Only this API group ("" or "core" for the core group).</summary>
    [Parameter]
    public string? ApiGroup { get; set; }

    /// <summary>Only namespaced ($true) or cluster-scoped ($false) types.</summary>
    [Parameter]
    public bool? Namespaced { get; set; }

    /// <summary>Every served version, not only each group's preferred one.</summary>
    [Parameter]
    public SwitchParameter AllVersions { get; set; }

    /// <summary>Re-read discovery from the server instead of using the session's or the disk cache.</summary>
    [Parameter]
    public SwitchParameter Refresh { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var all = await connection.CallAsync((c, ct) => DiscoveryCache.For(c).GetAllAsync(ct, Refresh.IsPresent), cancellationToken).ConfigureAwait(false);
        var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        var group = ApiGroup == "core" ? "" : ApiGroup;
        foreach (var r in all.OrderBy(r => r.Group, StringComparer.Ordinal).ThenBy(r => r.Plural, StringComparer.Ordinal))
        {
            if (!AllVersions.IsPresent && !r.Preferred)
            {
                continue;
            }
            if (group is not null && !string.Equals(r.Group, group, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (Namespaced is bool ns && r.Namespaced != ns)
            {
                continue;
            }
            if (patterns is not null && !patterns.Any(p => p.IsMatch(r.Plural) || p.IsMatch(r.Kind) || r.ShortNames.Any(p.IsMatch)))
            {
                continue;
            }
            Emit(r);
        }
    }
}
