using System.Text.Json.Nodes;
using KubePS.Engine.Deploy;

namespace KubePS.Engine.Policy;

/// <summary>
/// The policy as a deploy pre-write hook: the active policy plus the application's kubeps.yaml <c>policy:</c>
/// section, evaluated with verb <c>deploy</c>. Mutations change the documents in place (so the plan, the dry-run diff
/// and the apply all see them); denials fail the plan (nothing is sent).
/// </summary>
public sealed class PolicyDeployHook(PolicySet policy) : IDeployPreWriteHook
{
    public const string HookName = "policy";
    public string Name => HookName;

    /// <summary>The evaluation of the last call (for the audit log).</summary>
    public PolicyEvaluation? Evaluation { get; private set; }

    public Task<IReadOnlyList<DeployVerdict>> EvaluateAsync(DeployHookContext context, CancellationToken cancellationToken)
    {
        var app = PolicySet.FromApplication(context.Application.Raw, context.Application.File);
        var active = app is null ? policy : PolicySet.Combine(new[] { policy, app });
        var subjects = context.Documents.Select(d => PolicySubject.From(d, context.DefaultNamespace)).ToList();
        var request = new PolicyRequest { Verb = "deploy", Context = context.ContextName, DryRun = context.PlanOnly };
        var evaluation = active.IsEmpty ? PolicyEvaluation.Empty(subjects) : PolicyEngine.Evaluate(active, subjects, request);
        Evaluation = evaluation;
        var verdicts = new List<DeployVerdict>();
        foreach (var o in evaluation.Objects)
        {
            if (!ReferenceEquals(o.Object, o.Subject.Object))
            {
                // In place: the planner keeps these documents.
                var target = o.Subject.Object;
                target.Clear();
                foreach (var (k, v) in o.Object.ToList())
                {
                    target[k] = v?.DeepClone();
                }
            }
            foreach (var r in o.Results.Where(r => r.Verdict != PolicyVerdict.Pass))
            {
                verdicts.Add(new DeployVerdict
                {
                    Hook = HookName,
                    Rule = r.Rule,
                    Severity = r.Verdict switch
                    {
                        PolicyVerdict.Deny => DeployVerdictSeverity.Deny,
                        PolicyVerdict.Warn => DeployVerdictSeverity.Warn,
                        _ => DeployVerdictSeverity.Mutate,
                    },
                    Message = r.Message,
                    Target = o.Subject.Document,
                    Path = r.Path,
                });
            }
        }
        return Task.FromResult<IReadOnlyList<DeployVerdict>>(verdicts);
    }
}
