using System.Diagnostics;
using System.Threading.Channels;
using k8s;
using KubePS.Engine.Apply;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;
using KubePS.Engine.Wait;
using KubePS.Engine.Watch;

namespace KubePS.Engine.Deploy;

/// <summary>
/// Runs a valid plan: each node is applied as soon as its dependencies are satisfied (applied, or ready for Ready
/// gates), with at most <see cref="DeployOptions.Concurrency"/> applies in flight; readiness is awaited through the
/// Wait engine over watches shared by the whole deploy. A failed node skips its dependents; the independent
/// branches finish (or, with FailFast, stop). Requests are retried on 429/5xx.
/// </summary>
public static class DeployExecutor
{
    private enum Step { Applied, Ready, Failed, TimedOut }

    private sealed record Completion(DeployNodeResult Node, Step Step, string? Reason, KubeException? Error);

    public static async Task<DeployResult> ExecuteAsync(IKubernetes client, DeployPlan plan, DeployOptions options, CancellationToken cancellationToken)
    {
        if (!plan.IsValid)
        {
            throw new InvalidOperationException("The plan has problems; only a valid plan can be executed.");
        }
        var stopwatch = Stopwatch.StartNew();
        var results = plan.Nodes.Select(n => new DeployNodeResult { Node = n }).ToList();
        var byNode = results.ToDictionary(r => r.Node);
        var result = new DeployResult { Plan = plan, Nodes = results };
        var applyOptions = new ApplyOptions { FieldManager = options.FieldManager, Force = options.Force, Concurrency = options.Concurrency };

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        run.CancelAfter(options.Timeout);
        var token = run.Token;
        var completions = Channel.CreateUnbounded<Completion>();
        using var slots = new SemaphoreSlim(Math.Max(1, options.Concurrency));
        await using var hub = new WatchHub(client);
        var leases = new List<WatchLease>();
        var inventory = new DeployInventory(client, plan.Application.Name, plan.InventoryNamespace, options.MaxRetries);
        var inventoryWritten = false;
        var inFlight = new List<Task>();
        var done = 0;

        bool Satisfied(DeployEdge e)
        {
            var dep = byNode[e.Dependency];
            return e.Gate == DeployGate.Applied ? dep.WasApplied && dep.State != DeployNodeState.Failed : dep.State == DeployNodeState.Ready;
        }

        void Report(DeployNodeResult r, DeployNodeState state, string message) =>
            options.OnEvent?.Invoke(new DeployEvent(r, state, message, done, results.Count, stopwatch.Elapsed));

        try
        {
            // Watch the kinds we will wait on before the first apply, so the watches are synced when objects appear.
            foreach (var g in plan.Nodes.Where(n => n.WaitFor is not null && n.Object.Resource is not null)
                         .GroupBy(n => (n.Object.Resource!.ApiVersion, n.Object.Resource!.Plural, n.Object.Namespace)))
            {
                var first = g.First();
                leases.Add(hub.Acquire(first.Object.Resource!, first.Object.Namespace));
            }

            // Record the inventory (the old entries are kept until a prune removes them) before anything is written.
            var previous = await inventory.ReadAsync(token).ConfigureAwait(false);
            inventoryWritten = await inventory.TryWriteAsync(DeployInventory.Merge(plan, previous), "deploying", token).ConfigureAwait(false);


            void StartReady()
            {
                foreach (var r in results)
                {
                    if (r.State == DeployNodeState.Pending && r.Started is null && r.Node.DependsOn.All(Satisfied))
                    {
                        r.Started = stopwatch.Elapsed;
                        inFlight.Add(Task.Run(() => ApplyAsync(client, r, applyOptions, options, slots, hub, completions.Writer, stopwatch, token)));
                    }
                }
            }

            void Skip(DeployNodeResult failed)
            {
                var queue = new Queue<DeployNode>(failed.Node.Dependents);
                while (queue.Count > 0)
                {
                    var d = byNode[queue.Dequeue()];
                    if (d.State != DeployNodeState.Pending || d.Started is not null)
                    {
                        continue;
                    }
                    d.State = DeployNodeState.Skipped;
                    d.Reason = $"skipped: {failed.Node.Key} {(failed.State == DeployNodeState.TimedOut ? "did not become ready" : "failed")}" + (failed.Reason is null ? "" : $" ({failed.Reason})");
                    done++;
                    Report(d, d.State, d.Reason);
                    foreach (var next in d.Node.Dependents)
                    {
                        queue.Enqueue(next);
                    }
                }
            }

            StartReady();
            while (done < results.Count)
            {
                Completion c;
                try
                {
                    c = await completions.Reader.ReadAsync(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                var r = c.Node;
                switch (c.Step)
                {
                    case Step.Applied:
                        if (!inventoryWritten && r.Node.Key.Kind == "Namespace" && r.Node.Key.Name == plan.InventoryNamespace)
                        {
                            inventoryWritten = await inventory.TryWriteAsync(DeployInventory.Merge(plan, previous), "deploying", token).ConfigureAwait(false);
                        }
                        if (r.Node.WaitFor is null)
                        {
                            r.State = DeployNodeState.Applied;
                            done++;
                            Report(r, r.State, $"{r.Action?.ToString().ToLowerInvariant()}");
                        }
                        else
                        {
                            Report(r, DeployNodeState.Pending, $"{r.Action?.ToString().ToLowerInvariant()}, waiting for {r.Node.WaitFor}");
                            inFlight.Add(Task.Run(() => WaitAsync(client, hub, r, completions.Writer, stopwatch, token)));
                        }
                        break;
                    case Step.Ready:
                        r.State = DeployNodeState.Ready;
                        done++;
                        Report(r, r.State, r.Node.WaitFor?.ToString() ?? "ready");
                        break;
                    case Step.Failed or Step.TimedOut:
                        r.State = c.Step == Step.Failed ? DeployNodeState.Failed : DeployNodeState.TimedOut;
                        r.Reason = c.Reason;
                        r.Error = c.Error;
                        done++;
                        Report(r, r.State, c.Reason ?? "");
                        Skip(r);
                        if (options.FailFast)
                        {
                            result.StoppedByFailFast = true;
                            run.Cancel();
                        }
                        break;
                }
                StartReady();
            }
        }
        finally
        {
            if (!run.IsCancellationRequested)
            {
                run.Cancel(); // nothing left: stop the stragglers (there are none)
            }
            try
            {
                await Task.WhenAll(inFlight).ConfigureAwait(false);
            }
            catch
            {
                // each task reports through the channel; cancellation is expected here
            }
            foreach (var l in leases)
            {
                l.Dispose();
            }
        }

        // Drain what finished while stopping (an apply that completed as the timeout hit is still applied).
        while (completions.Reader.TryRead(out var late))
        {
            if (late.Step == Step.Applied && late.Node.State == DeployNodeState.Pending && late.Node.Node.WaitFor is null)
            {
                late.Node.State = DeployNodeState.Applied;
            }
            else if (late.Step == Step.Ready && late.Node.State == DeployNodeState.Pending)
            {
                late.Node.State = DeployNodeState.Ready;
            }
        }

        result.Cancelled = cancellationToken.IsCancellationRequested;
        result.TimedOut = !result.Cancelled && !result.StoppedByFailFast && results.Any(r => r.State == DeployNodeState.Pending);
        var why = result.Cancelled ? "cancelled" : result.StoppedByFailFast ? "stopped by -FailFast after a failure" : $"the deploy's timeout ({options.Timeout.TotalSeconds:0.#} s) passed";
        foreach (var r in results.Where(r => r.State == DeployNodeState.Pending))
        {
            if (r.WasApplied)
            {
                r.State = DeployNodeState.TimedOut;
                r.Reason = $"applied, not {r.Node.WaitFor} when {why}" + (r.Reason is null ? "" : $": {r.Reason}");
            }
            else
            {
                r.State = DeployNodeState.Skipped;
                var waiting = r.Node.DependsOn.Where(e => !Satisfied(e)).Select(e => $"{e.Dependency.Key} ({(e.Gate == DeployGate.Ready ? "not ready" : "not applied")})").ToList();
                r.Reason = r.Started is not null ? "apply interrupted: " + why
                    : waiting.Count > 0 ? $"not started: waiting for {string.Join(", ", waiting)} when {why}"
                    : "not started: " + why;
            }
        }
        result.Elapsed = stopwatch.Elapsed;
        result.CriticalPath = CriticalPath(results, byNode);

        if (!result.Cancelled)
        {
            try
            {
                if (result.Succeeded && options.Prune)
                {
                    var previous = await inventory.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                    var current = DeployInventory.EntriesOf(plan);
                    var stale = previous.Where(p => !current.Any(c => DeployInventory.SameObject(c, p))).ToList();
                    using var pruneCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    pruneCts.CancelAfter(options.Timeout);
                    result.Pruned.AddRange(await inventory.DeleteAsync(stale, wait: true, options.Timeout, onError: e => result.Errors.Add(e), pruneCts.Token).ConfigureAwait(false));
                    await inventory.TryWriteAsync(current, "deployed", CancellationToken.None, throwOnError: true).ConfigureAwait(false);
                }
                else
                {
                    var previous = await inventory.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                    await inventory.TryWriteAsync(DeployInventory.Merge(plan, previous), result.Succeeded ? "deployed" : "failed", CancellationToken.None, throwOnError: result.Nodes.Any(n => n.WasApplied)).ConfigureAwait(false);
                }
            }
            catch (KubeException ex)
            {
                result.Errors.Add(ex);
            }
        }
        return result;
    }

    private static async Task ApplyAsync(IKubernetes client, DeployNodeResult r, ApplyOptions applyOptions, DeployOptions options, SemaphoreSlim slots,
        WatchHub hub, ChannelWriter<Completion> writer, Stopwatch stopwatch, CancellationToken token)
    {
        var item = r.Node.Object;
        try
        {
            await slots.WaitAsync(token).ConfigureAwait(false);
            try
            {
                r.Started = stopwatch.Elapsed;
                if (item.Resource is null)
                {
                    await ResolveKindAsync(client, item, token).ConfigureAwait(false);
                }
                var (status, body) = await DeployRetry.RunAsync(ct => ApplyEngine.SendApplyAsync(client, item, applyOptions, dryRun: false, ct),
                    options.MaxRetries, options.RetryDelay, () => r.Retries++, token).ConfigureAwait(false);
                var rv = body.TryGetProperty("metadata", out var m) && m.TryGetProperty("resourceVersion", out var v) ? v.GetString() : null;
                r.Action = status == 201 ? KubeChangeAction.Created
                    : item.LiveResourceVersion is not null && rv == item.LiveResourceVersion ? KubeChangeAction.Unchanged
                    : KubeChangeAction.Configured;
                r.AppliedAt = stopwatch.Elapsed;
            }
            finally
            {
                slots.Release();
            }
            writer.TryWrite(new Completion(r, Step.Applied, null, null));
        }
        catch (KubeException ex)
        {
            writer.TryWrite(new Completion(r, Step.Failed, $"apply failed: {ex.Message}", ex));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task ResolveKindAsync(IKubernetes client, Apply.PlannedObject item, CancellationToken token)
    {
        // The kind's CRD was applied (and is ready) earlier in this deploy: discovery serves it now, or soon.
        var cache = DiscoveryCache.For(client);
        for (var i = 0; ; i++)
        {
            var all = await cache.GetAllAsync(token, refresh: true).ConfigureAwait(false);
            var group = item.ApiVersion.Contains('/') ? item.ApiVersion[..item.ApiVersion.IndexOf('/')] : "";
            var version = item.ApiVersion.Contains('/') ? item.ApiVersion[(item.ApiVersion.IndexOf('/') + 1)..] : item.ApiVersion;
            if (all.FirstOrDefault(x => x.Kind == item.Kind && x.Group == group && x.Version == version) is { } res)
            {
                item.Resource = res;
                item.Namespace = res.Namespaced ? item.Namespace ?? item.Document.Namespace : null;
                return;
            }
            if (i >= 60)
            {
                throw new KubeException(KubeErrorKind.KubeUnknownKind, $"{item}: kind \"{item.Kind}\" in \"{item.ApiVersion}\" is not served after its CustomResourceDefinition was applied.") { Target = item.ToString() };
            }
            await Task.Delay(250, token).ConfigureAwait(false);
        }
    }

    private static async Task WaitAsync(IKubernetes client, WatchHub hub, DeployNodeResult r, ChannelWriter<Completion> writer, Stopwatch stopwatch, CancellationToken token)
    {
        var item = r.Node.Object;
        var target = new WaitTarget
        {
            Kind = item.Kind,
            ApiVersion = item.ApiVersion,
            Namespace = item.Namespace,
            Name = item.Name,
            Condition = r.Node.WaitFor!,
        };
        try
        {
            // The deploy's own token bounds the wait (its timeout); the wait engine's timeout is only a backstop.
            var report = await new WaitEngine(client, hub).WaitAsync(new[] { target },
                new WaitOptions { Timeout = TimeSpan.FromDays(1), FailFast = true, DefaultNamespace = item.Namespace ?? "default" }, token).ConfigureAwait(false);
            var w = report.Results[0];
            switch (w.Outcome)
            {
                case WaitOutcome.Satisfied:
                    r.ReadyAt = stopwatch.Elapsed;
                    writer.TryWrite(new Completion(r, Step.Ready, null, null));
                    break;
                default:
                    var reason = $"{w.Status}{(w.Reason is null ? "" : " " + w.Reason)}{(w.Message is null ? "" : ": " + w.Message)}";
                    writer.TryWrite(new Completion(r, w.Outcome == WaitOutcome.Failed ? Step.Failed : Step.TimedOut, $"not {r.Node.WaitFor}: {reason}",
                        new KubeException(KubeErrorKind.KubeWaitFailed, $"{r.Node.Key} is not {r.Node.WaitFor}: {reason}") { Target = r.Node.Key.ToString() }));
                    break;
            }
        }
        catch (OperationCanceledException)
        {
            // the deploy stopped (timeout, FailFast, Ctrl+C); record the last state known for the result
            try
            {
                var status = hub.Acquire(item.Resource!, item.Namespace);
                try
                {
                    if (status.Watcher.TryGet(item.Namespace, item.Name, out var live))
                    {
                        var s = StatusRules.Compute(live);
                        r.Reason = $"{s.State}{(s.Message is null ? "" : ": " + s.Message)}";
                    }
                }
                finally
                {
                    status.Dispose();
                }
            }
            catch (Exception)
            {
                // best effort
            }
        }
        catch (KubeException ex)
        {
            writer.TryWrite(new Completion(r, Step.Failed, $"wait failed: {ex.Message}", ex));
        }
    }

    /// <summary>From the node that finished last, back through the dependency that gated each node's start.</summary>
    private static IReadOnlyList<DeployNodeResult> CriticalPath(List<DeployNodeResult> results, Dictionary<DeployNode, DeployNodeResult> byNode)
    {
        var last = results.Where(r => r.FinishedAt is not null).OrderByDescending(r => r.FinishedAt).FirstOrDefault();
        var path = new List<DeployNodeResult>();
        while (last is not null)
        {
            path.Add(last);
            last = last.Node.DependsOn
                .Select(e => (Result: byNode[e.Dependency], At: e.Gate == DeployGate.Ready ? byNode[e.Dependency].ReadyAt : byNode[e.Dependency].AppliedAt))
                .Where(x => x.At is not null)
                .OrderByDescending(x => x.At)
                .Select(x => x.Result)
                .FirstOrDefault();
        }
        path.Reverse();
        return path;
    }
}
