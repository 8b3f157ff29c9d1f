using System.Management.Automation;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Plans a deploy without changing anything: levels, dependencies and why, wait gates, and what applying would change (from a server dry run).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeDeployPlan", DefaultParameterSetName = KubeManifestInput.PathSet)]
[OutputType(typeof(PSObject))]
public sealed class GetKubeDeployPlanCommand : KubeDeployCmdlet
{
    /// <summary>Skips the GET of live objects that computes ChangedPaths (faster; Change is still known for new objects).</summary>
    [Parameter]
    public SwitchParameter NoDiff { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var (_, plan) = await PlanAsync(computeDiff: !NoDiff.IsPresent, planOnly: true, cancellationToken).ConfigureAwait(false);
        foreach (var p in plan.Problems)
        {
            EmitError(p.Error, p.Error.Target ?? p.Document?.ToString());
        }
        foreach (var n in plan.Nodes)
        {
            Emit(DeployCommandSupport.ToPlanObject(n));
        }
    }
}
