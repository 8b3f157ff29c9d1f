using System.Management.Automation;
using System.Text.Json.Nodes;
using KubePS.Engine.Apply;
using KubePS.Engine.Connection;
using KubePS.Engine.Discovery;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Sets the number of replicas of any kind with a scale subresource (Deployment, StatefulSet, ReplicaSet, custom resources).</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "KubeScale", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject))]
public sealed class SetKubeScaleCommand : KubeObjectChangeCmdlet
{
    /// <summary>The desired number of replicas.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    [ValidateRange(0, int.MaxValue)]
    public int Replicas { get; set; }

    /// <inheritdoc />
    protected override string PolicyVerb => "scale";

    /// <inheritdoc />
    protected override void DescribeChange(JsonObject subject, ApiResourceInfo resource) =>
        subject["spec"] = new JsonObject { ["replicas"] = Replicas };

    /// <inheritdoc />
    protected override string ActionText => $"Scale to {Replicas} replica(s)";

    /// <inheritdoc />
    protected override Task<KubeChangeResult> ChangeAsync(KubeConnection connection, ApiResourceInfo resource, string? ns, string name, bool dryRun, CancellationToken cancellationToken) =>
        ResourceChanges.ScaleAsync(connection.Client, resource, ns, name, Replicas, dryRun, cancellationToken);
}
