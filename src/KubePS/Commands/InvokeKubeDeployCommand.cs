using System.Management.Automation;
using KubePS.Engine.Deploy;
using KubePS.Engine.Errors;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Deploys an application: plans a dependency graph, validates everything first, then applies each object as soon as what it depends on is applied or ready, and waits.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "KubeDeploy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = KubeManifestInput.PathSet)]
[OutputType(typeof(PSObject))]
public sealed partial class InvokeKubeDeployCommand : KubeDeployCmdlet
{
    /// <summary>Applies in flight at once (default 8; waits for readiness take no slot).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    [Alias("ThrottleLimit")]
    public int Concurrency { get; set; } = 8;

    /// <summary>The whole deploy: seconds (600) or a TimeSpan. Default 10 minutes (or kubeps.yaml's timeout).</summary>
    [Parameter]
    [SecondsToTimeSpanTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Stops everything at the first failure (by default the independent branches finish).</summary>
    [Parameter]
    public SwitchParameter FailFast { get; set; }

    /// <summary>After a successful deploy, deletes the application's objects that are no longer in the set (reverse dependency order).</summary>
    [Parameter]
    public SwitchParameter Prune { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        if (Timeout <= TimeSpan.Zero)
        {
            throw new KubeException(KubeErrorKind.KubeWaitInvalidArgument, $"-Timeout must be positive (it is {Timeout}).") { Target = Timeout };
        }
        var (connection, plan) = await PlanAsync(computeDiff: WhatIfMode, planOnly: WhatIfMode, cancellationToken).ConfigureAwait(false);
        RegisterCiDocuments(plan);
        if (!plan.IsValid)
        {
            await AuditDeployAsync(plan, null, WhatIfMode, cancellationToken).ConfigureAwait(false);
            PublishCiProblems(plan);
            throw ReportProblems(plan);
        }
        var app = plan.Application;
        var decision = await DecideAsync($"application {app.Name}: {plan.Nodes.Count} objects in {plan.Levels} levels (inventory in namespace {plan.InventoryNamespace})", Prune.IsPresent ? "Deploy and prune" : "Deploy").ConfigureAwait(false);
        if (decision is not bool whatIf)
        {
            return;
        }
        if (whatIf)
        {
            await AuditDeployAsync(plan, null, true, cancellationToken).ConfigureAwait(false);
            foreach (var n in plan.Nodes)
            {
                Emit(DeployCommandSupport.ToPlanObject(n));
            }
            return;
        }

        var interactive = DeployCommandSupport.IsInteractive(Host);
        var activity = Math.Abs(MyInvocation.GetHashCode() % 100000) + 1;
        var levelTotals = plan.Nodes.GroupBy(n => n.Level).ToDictionary(g => g.Key, g => g.Count());
        var levelDone = levelTotals.Keys.ToDictionary(k => k, _ => 0);
        var gate = new object();
        var options = new DeployOptions
        {
            Concurrency = MyInvocation.BoundParameters.ContainsKey(nameof(Concurrency)) ? Concurrency : app.Concurrency ?? Concurrency,
            Timeout = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? Timeout : app.Timeout ?? Timeout,
            FailFast = FailFast.IsPresent,
            Prune = Prune.IsPresent,
            FieldManager = FieldManager,
            Force = Force.IsPresent,
            OnEvent = e =>
            {
                if (!interactive)
                {
                    if (e.State != DeployNodeState.Pending || e.Node.Node.WaitFor is not null)
                    {
                        HostLine(DeployCommandSupport.NodeLine(e));
                    }
                    return;
                }
                lock (gate)
                {
                    var level = e.Node.Node.Level;
                    if (e.State != DeployNodeState.Pending)
                    {
                        levelDone[level]++;
                    }
                    var overall = new ProgressRecord(activity, $"Deploy {app.Name}", $"{e.Done}/{e.Total} done, {DeployCommandSupport.Span(e.Elapsed)}: {e.Node.Node.Key} {e.State}")
                    {
                        PercentComplete = e.Total == 0 ? 100 : Math.Min(100, e.Done * 100 / e.Total),
                    };
                    EmitProgress(overall);
                    var lr = new ProgressRecord(activity + level + 1, $"Level {level}", $"{levelDone[level]}/{levelTotals[level]}: {e.Node.Node.Key} {(e.State == DeployNodeState.Pending ? e.Message : e.State.ToString())}")
                    {
                        ParentActivityId = activity,
                        PercentComplete = Math.Min(100, levelDone[level] * 100 / Math.Max(1, levelTotals[level])),
                    };
                    if (levelDone[level] >= levelTotals[level])
                    {
                        lr.RecordType = ProgressRecordType.Completed;
                    }
                    EmitProgress(lr);
                }
            },
        };
        if (!interactive)
        {
            HostLine($"Deploy {app.Name}: {plan.Nodes.Count} objects, {plan.Levels} levels, {plan.EdgeCount} edges, concurrency {options.Concurrency}, timeout {DeployCommandSupport.Span(options.Timeout)}");
        }
        var result = await connection.CallAsync((c, ct) => DeployExecutor.ExecuteAsync(c, plan, options, ct), cancellationToken).ConfigureAwait(false);
        await AuditDeployAsync(plan, result, false, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (interactive)
        {
            EmitProgress(new ProgressRecord(activity, $"Deploy {app.Name}", "done") { RecordType = ProgressRecordType.Completed });
        }

        var critical = result.CriticalPath.Select(n => n.Node).ToHashSet();
        foreach (var r in result.Nodes.OrderBy(r => r.Node.Level).ThenBy(r => r.Node.Order))
        {
            Emit(DeployCommandSupport.ToResultObject(r, critical.Contains(r.Node)));
        }
        HostLine(DeployCommandSupport.SummaryLine(result));
        await InvokeOnPipelineThreadAsync(() =>
        {
            WriteInformation(DeployCommandSupport.ToSummary(result), new[] { "KubePS.DeploySummary" });
            return true;
        }).ConfigureAwait(false);
        PublishCiSummary(result);

        foreach (var r in result.Nodes.Where(r => r.State == DeployNodeState.Failed))
        {
            var skipped = result.Nodes.Where(s => s.State == DeployNodeState.Skipped && s.Reason?.Contains(r.Node.Key.ToString(), StringComparison.Ordinal) == true).Select(s => s.Node.Key.ToString()).ToList();
            EmitError(new KubeException(KubeErrorKind.KubeDeployNodeFailed,
                $"{r.Node.Key} failed: {r.Reason}" + (skipped.Count > 0 ? $" Skipped because of it: {string.Join(", ", skipped)}." : ""), r.Error)
            {
                Target = r.Node.Key.ToString(),
                StatusCode = r.Error?.StatusCode,
                RecommendedAction = "Fix the object or its workload (Show-KubeResource shows events), then deploy again: applied objects are unchanged, the rest continue.",
            }, r.Node.Key.ToString());
        }
        var notReady = result.Nodes.Where(r => r.State == DeployNodeState.TimedOut).ToList();
        if (result.TimedOut || notReady.Count > 0)
        {
            var pending = result.Nodes.Count(r => r.State == DeployNodeState.Skipped && r.Reason?.Contains("timeout", StringComparison.Ordinal) == true);
            EmitError(new KubeException(KubeErrorKind.KubeDeployTimeout,
                $"The deploy of {app.Name} did not finish within {DeployCommandSupport.Span(options.Timeout)}: " +
                string.Join("; ", notReady.Select(r => $"{r.Node.Key} {r.Reason}")) + (pending > 0 ? $"; {pending} object(s) not started." : ""))
            {
                Target = app.Name,
                RecommendedAction = "Look at the objects that are not ready (their Reason), or raise -Timeout.",
            }, app.Name);
        }
        foreach (var e in result.Errors)
        {
            EmitError(e, e.Target);
        }
        if (Watch.IsPresent)
        {
            await WatchAsync(plan, result.Succeeded, options, cancellationToken).ConfigureAwait(false);
        }
    }

    private void HostLine(string line) =>
        _ = InvokeOnPipelineThreadAsync(() =>
        {
            WriteInformation(new HostInformationMessage { Message = line }, new[] { "PSHOST", "KubePS.Deploy" });
            return true;
        }).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
}
