using System.Management.Automation;
using KubePS.Completion;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets objects of any kind the cluster serves, custom resources included.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeResource")]
[OutputType(typeof(PSObject))]
public sealed class GetKubeResourceCommand : KubeGetCmdlet
{
    /// <summary>The kind as kubectl accepts it: po, pods, Pod, deploy, deployments.apps, Widget.example.com.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KindCompleter))]
    [ValidateNotNullOrEmpty]
    public string Kind { get; set; } = "";

    /// <summary>Names or wildcard patterns.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ResourceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public override string[]? Name { get; set; }

    /// <summary>Restricts the kind to one API version (v1, apps/v1, example.com/v1beta1).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ApiVersion { get; set; }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken) =>
        FindAndEmitAsync(Kind, ApiVersion, cancellationToken);
}
