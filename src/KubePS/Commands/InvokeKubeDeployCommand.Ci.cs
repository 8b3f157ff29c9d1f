using System.Management.Automation;
using KubePS.Engine.Ci;
using KubePS.Engine.Deploy;

namespace KubePS.Commands;

// Invoke-KubeDeploy in CI (docs/ci.md): failures as annotations on the manifest's file and line, and the summary table.
public sealed partial class InvokeKubeDeployCommand : ICiAnnotationsCmdlet
{
    /// <summary>Writes failures as CI annotations (GitHub Actions, Azure Pipelines) naming the manifest file and line, and adds the deploy's summary table to the run; on by default when a CI platform is detected.</summary>
    [Parameter]
    public SwitchParameter CiAnnotations { get; set; }

    /// <summary>Failures about a node or a problem document point at the manifest the object came from.</summary>
    private void RegisterCiDocuments(DeployPlan plan)
    {
        if (!Ci.Enabled)
        {
            return;
        }
        foreach (var n in plan.Nodes)
        {
            Ci.Register(n.Key.ToString(), n.Document);
        }
        foreach (var p in plan.Problems.Where(p => p.Document is not null))
        {
            Ci.Register(p.Document!.ToString(), p.Document!);
        }
    }

    /// <summary>When the plan is not valid (nothing is applied), the summary lists the problems.</summary>
    private void PublishCiProblems(DeployPlan plan)
    {
        if (!Ci.Enabled || plan.Problems.Count == 0)
        {
            return;
        }
        Publish(new CiSummary
        {
            Title = $"KubePS deploy {plan.Application.Name}: not valid, nothing was applied",
            Rows = plan.Problems.Select(p => new CiSummaryRow(
                p.Document is { } d ? $"{d.Kind}/{d.Name}" : p.Error.Target?.ToString() ?? "",
                "",
                p.Error.ErrorId,
                null,
                p.Error.Message)).ToList(),
        });
    }

    /// <summary>The summary table (resource, action, status, time) in $GITHUB_STEP_SUMMARY or an Azure uploaded summary.</summary>
    private void PublishCiSummary(DeployResult result)
    {
        if (!Ci.Enabled)
        {
            return;
        }
        var outcome = result.Succeeded ? "succeeded" : result.Cancelled ? "cancelled" : "FAILED";
        var summary = new CiSummary
        {
            Title = $"KubePS deploy {result.Plan.Application.Name}: {outcome} in {DeployCommandSupport.Span(result.Elapsed)}",
            Rows = result.Nodes.OrderBy(r => r.Node.Level).ThenBy(r => r.Node.Order).Select(r => new CiSummaryRow(
                r.Node.Key.ToString(),
                r.Action?.ToString() ?? "",
                r.State.ToString(),
                r.Duration,
                r.State is DeployNodeState.Failed or DeployNodeState.TimedOut or DeployNodeState.Skipped ? r.Reason : null)).ToList(),
            Footer = DeployCommandSupport.SummaryLine(result),
        };
        Publish(summary);
    }

    private void Publish(CiSummary summary)
    {
        try
        {
            foreach (var line in Ci.Publish(summary))
            {
                EmitHostLine(line);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            EmitWarning($"The CI summary could not be written: {ex.Message}");
        }
    }
}
