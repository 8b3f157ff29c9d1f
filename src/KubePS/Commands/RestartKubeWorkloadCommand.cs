using System.Management.Automation;
using KubePS.Engine.Apply;
using KubePS.Engine.Connection;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Restarts the pods of Deployments, StatefulSets and DaemonSets by a rolling update (kubectl rollout restart).</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Restart, "KubeWorkload", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject))]
public sealed class RestartKubeWorkloadCommand : KubeObjectChangeCmdlet
{
    /// <inheritdoc />
    protected override string PolicyVerb => "restart";

    /// <inheritdoc />
    protected override string ActionText => "Rollout restart";

    /// <inheritdoc />
    protected override void Validate(ApiResourceInfo resource)
    {
        if (resource.Group != "apps" || resource.Kind is not ("Deployment" or "StatefulSet" or "DaemonSet"))
        {
            throw new KubeException(KubeErrorKind.KubeUnsupportedKind, $"{resource.Kind} cannot be restarted: only Deployments, StatefulSets and DaemonSets roll out their pods again.") { Target = resource.Kind };
        }
    }

    /// <inheritdoc />
    protected override Task<KubeChangeResult> ChangeAsync(KubeConnection connection, ApiResourceInfo resource, string? ns, string name, bool dryRun, CancellationToken cancellationToken) =>
        ResourceChanges.RestartAsync(connection.Client, resource, ns, name, dryRun, cancellationToken);
}
