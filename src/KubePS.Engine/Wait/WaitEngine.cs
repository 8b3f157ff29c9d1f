using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using k8s;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;
using KubePS.Engine.Watch;
using WatchEventType = KubePS.Engine.Watch.WatchEventType;

namespace KubePS.Engine.Wait;

/// <summary>
/// Waits on many targets at once over shared watches: one watcher per (kind, namespace) for named targets,
/// one per (kind, namespace, selector) for selector targets, and (with fail-fast) one pod watcher per namespace
/// of a workload target, to name pods in CrashLoopBackOff/ImagePullBackOff/ErrImagePull/CreateContainerConfigError.
/// Every change is evaluated the moment it arrives.
/// </summary>
public sealed class WaitEngine
{
    private static readonly HashSet<string> Workloads = new(StringComparer.Ordinal) { "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" };

    private readonly IKubernetes client;
    private readonly WatchHub? sharedHub;

    /// <param name="client">The connection's client.</param>
    /// <param name="hub">A hub to share watchers with other callers (the deploy engine); null = a private one for each wait.</param>
    public WaitEngine(IKubernetes client, WatchHub? hub = null)
    {
        this.client = client;
        sharedHub = hub;
    }

    /// <summary>
    /// Resolves every target's kind through discovery (throws KubeUnknownKind before anything is watched) and
    /// validates the options (a negative timeout is KubeWaitInvalidArgument).
    /// </summary>
    public async Task<IReadOnlyList<ApiResourceInfo>> ResolveAsync(IReadOnlyList<WaitTarget> targets, CancellationToken cancellationToken)
    {
        var discovery = DiscoveryCache.For(client);
        var byKind = new Dictionary<(string, string?), ApiResourceInfo>();
        var result = new List<ApiResourceInfo>(targets.Count);
        foreach (var t in targets)
        {
            if (!byKind.TryGetValue((t.Kind, t.ApiVersion), out var info))
            {
                info = await discovery.ResolveAsync(t.Kind, t.ApiVersion, cancellationToken).ConfigureAwait(false);
                if (!info.Supports("list"))
                {
                    throw new KubeException(KubeErrorKind.KubeUnsupportedKind, $"The resource type {info.FullName} cannot be listed, so it cannot be waited on.") { Target = t.Kind };
                }
                byKind[(t.Kind, t.ApiVersion)] = info;
            }
            result.Add(info);
        }
        return result;
    }

    /// <summary>Validates options; throws KubeWaitInvalidArgument.</summary>
    public static void Validate(WaitOptions options)
    {
        if (options.Timeout < TimeSpan.Zero)
        {
            throw new KubeException(KubeErrorKind.KubeWaitInvalidArgument, $"The timeout must not be negative (it is {options.Timeout}).")
            {
                RecommendedAction = "Give -Timeout in seconds (300) or as a TimeSpan ('00:05:00'); 0 checks once without waiting.",
            };
        }
    }

    /// <summary>
    /// Waits until every target meets its condition, one fails (with fail-fast), or the timeout passes. Returns one
    /// result per target (per matching object for selector targets). Throws OperationCanceledException when
    /// <paramref name="cancellationToken"/> is cancelled, KubeUnknownKind for an unknown kind, and the watch's error
    /// when a watch cannot run at all (401, 403 on list).
    /// </summary>
    public async Task<WaitReport> WaitAsync(IReadOnlyList<WaitTarget> targets, WaitOptions options, CancellationToken cancellationToken)
    {
        Validate(options);
        var stopwatch = Stopwatch.StartNew();
        var resources = await ResolveAsync(targets, cancellationToken).ConfigureAwait(false);
        var hub = sharedHub ?? new WatchHub(client);
        var requestsBefore = hub.Stats.Requests;
        var watchesBefore = hub.Stats.WatchesOpened;
        var leases = new List<WatchLease>();
        var subscriptions = new List<WatchSubscription>();
        var merged = Channel.CreateUnbounded<(int Source, WatchEvent Event)>(new UnboundedChannelOptions { SingleReader = true });
        // Not a linked source: cancellation (Ctrl+C) must never run the wait's continuations inline on the thread that
        // cancels (PowerShell's Stop() thread waits for the pipeline, so inline work there can deadlock).
        using var linked = new CancellationTokenSource();
        using var userCancel = cancellationToken.Register(static state => ThreadPool.UnsafeQueueUserWorkItem(static cts =>
        {
            try
            {
                ((CancellationTokenSource)cts!).Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }, state), linked);
        try
        {
            // Watchers: one per (resource, namespace, selector); pods per namespace for workload fail-fast.
            var sources = new List<Source>();
            var sourceIndex = new Dictionary<WatchKey, int>();
            int SourceFor(ApiResourceInfo resource, string? ns, string? selector, bool pods)
            {
                ns = resource.Namespaced ? ns : null;
                var key = new WatchKey(resource.ApiVersion, resource.Plural, ns, string.IsNullOrWhiteSpace(selector) ? null : selector, null);
                if (!sourceIndex.TryGetValue(key, out var index))
                {
                    var lease = hub.Acquire(resource, ns, key.LabelSelector);
                    leases.Add(lease);
                    index = sources.Count;
                    sources.Add(new Source(lease.Watcher, pods));
                    sourceIndex[key] = index;
                }
                return index;
            }

            var states = new List<TargetState>();
            ApiResourceInfo? podResource = null;
            for (var i = 0; i < targets.Count; i++)
            {
                var t = targets[i];
                var resource = resources[i];
                var ns = resource.Namespaced ? (t.Namespace ?? options.DefaultNamespace) : null;
                var state = new TargetState(t, resource, ns, SourceFor(resource, ns, t.Name is null ? t.LabelSelector : null, pods: false));
                if (options.FailFast && t.Condition.FailsFast && Workloads.Contains(resource.Kind) && resource.Namespaced)
                {
                    podResource ??= await DiscoveryCache.For(client).ResolveAsync("Pod", "v1", linked.Token).ConfigureAwait(false);
                    state.PodSource = SourceFor(podResource, ns, null, pods: true);
                }
                states.Add(state);
            }
            var bySource = states.GroupBy(s => s.Source).ToDictionary(g => g.Key, g => g.ToList());
            var byPodSource = states.Where(s => s.PodSource >= 0).GroupBy(s => s.PodSource).ToDictionary(g => g.Key, g => g.ToList());
            var byName = new Dictionary<(int, string), List<TargetState>>();
            foreach (var s in states.Where(s => s.Target.Name is not null))
            {
                var key = (s.Source, ResourceWatcher.CacheKey(s.Namespace, s.Target.Name!));
                if (!byName.TryGetValue(key, out var list))
                {
                    byName[key] = list = new List<TargetState>();
                }
                list.Add(s);
            }

            for (var i = 0; i < sources.Count; i++)
            {
                var index = i;
                // Events go straight into the engine's queue from the watcher's thread (no extra hop).
                subscriptions.Add(sources[i].Watcher.Subscribe(e => merged.Writer.TryWrite((index, e))));
            }

            if (options.Timeout > TimeSpan.Zero)
            {
                linked.CancelAfter(options.Timeout);
            }
            var lastProgress = -options.ProgressInterval;
            var pending = states.Count;
            var failed = false;
            var dirty = new HashSet<TargetState>();

            while (pending > 0 && !failed)
            {
                (int Source, WatchEvent Event) item;
                try
                {
                    if (!merged.Reader.TryRead(out item))
                    {
                        if (options.Timeout == TimeSpan.Zero && sources.All(s => s.Synced))
                        {
                            break; // -Timeout 0: one look at the current state
                        }
                        using var tick = CancellationTokenSource.CreateLinkedTokenSource(linked.Token);
                        tick.CancelAfter(TimeSpan.FromSeconds(1));
                        try
                        {
                            item = await merged.Reader.ReadAsync(tick.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (!linked.IsCancellationRequested)
                        {
                            Report(options, states, stopwatch.Elapsed, ref lastProgress, force: true);
                            continue;
                        }
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break; // timeout
                }

                // Drain everything that is already queued before evaluating: one evaluation per target per batch.
                dirty.Clear();
                do
                {
                    var (src, e) = item;
                    var source = sources[src];
                    switch (e.Type)
                    {
                        case WatchEventType.Error:
                            throw e.Error as KubeException ?? new KubeException(KubeErrorKind.KubeApiError, $"The watch of {source.Watcher.Key} failed: {e.Error?.Message}", e.Error);
                        case WatchEventType.Synced:
                            source.Synced = true;
                            AddAll(dirty, bySource, byPodSource, src);
                            break;
                        default:
                            if (source.Pods)
                            {
                                if (byPodSource.TryGetValue(src, out var ws))
                                {
                                    dirty.UnionWith(ws);
                                }
                                break;
                            }
                            if (bySource.TryGetValue(src, out var all))
                            {
                                foreach (var s in all.Where(s => s.Target.Name is null))
                                {
                                    dirty.Add(s);
                                }
                            }
                            if (byName.TryGetValue((src, ResourceWatcher.CacheKey(e.Namespace, e.Name ?? "")), out var named))
                            {
                                dirty.UnionWith(named);
                            }
                            break;
                    }
                }
                while (merged.Reader.TryRead(out item));

                foreach (var s in dirty)
                {
                    if (s.Done)
                    {
                        continue;
                    }
                    await EvaluateAsync(s, sources, options, stopwatch.Elapsed, linked.Token).ConfigureAwait(false);
                    if (s.Done)
                    {
                        pending--;
                        if (s.Outcome == WaitOutcome.Failed && options.FailFast)
                        {
                            failed = true;
                        }
                    }
                }
                Report(options, states, stopwatch.Elapsed, ref lastProgress, force: false);
            }
            cancellationToken.ThrowIfCancellationRequested();

            var results = new List<WaitResult>();
            foreach (var s in states)
            {
                if (!s.Done)
                {
                    // Not finished: the timeout passed, or another target failed first. Report the latest state.
                    if (sources[s.Source].Synced)
                    {
                        await EvaluateAsync(s, sources, options with { Until = null }, stopwatch.Elapsed, CancellationToken.None, finalLook: true).ConfigureAwait(false);
                    }
                    if (!s.Done)
                    {
                        s.Outcome = failed ? WaitOutcome.Abandoned : WaitOutcome.TimedOut;
                        s.Elapsed = stopwatch.Elapsed;
                    }
                }
                results.AddRange(s.ToResults());
            }
            Report(options, states, stopwatch.Elapsed, ref lastProgress, force: true, completed: true);
            return new WaitReport
            {
                Results = results,
                Elapsed = stopwatch.Elapsed,
                Requests = hub.Stats.Requests - requestsBefore,
                WatchesOpened = hub.Stats.WatchesOpened - watchesBefore,
                Watchers = sources.Count,
            };
        }
        finally
        {
            linked.Cancel();
            foreach (var s in subscriptions)
            {
                s.Dispose();
            }
            foreach (var l in leases)
            {
                l.Dispose();
            }
            if (sharedHub is null)
            {
                _ = hub.DisposeAsync().AsTask();
            }
        }
    }

    private static void AddAll(HashSet<TargetState> dirty, Dictionary<int, List<TargetState>> bySource, Dictionary<int, List<TargetState>> byPodSource, int src)
    {
        if (bySource.TryGetValue(src, out var a))
        {
            dirty.UnionWith(a);
        }
        if (byPodSource.TryGetValue(src, out var b))
        {
            dirty.UnionWith(b);
        }
    }

    private static async Task EvaluateAsync(TargetState s, List<Source> sources, WaitOptions options, TimeSpan elapsed, CancellationToken ct, bool finalLook = false)
    {
        var source = sources[s.Source];
        var watcher = source.Watcher;
        if (!source.Synced)
        {
            return;
        }
        var condition = s.Target.Condition;
        if (s.Target.Name is not null)
        {
            JsonElement? obj = watcher.TryGet(s.Namespace, s.Target.Name, out var o) ? o : null;
            var member = s.Single;
            await EvaluateMemberAsync(member, obj, s, sources, options, ct).ConfigureAwait(false);
            if (finalLook)
            {
                return;
            }
            if (member.Outcome is { } outcome)
            {
                s.Finish(outcome, elapsed);
            }
            return;
        }

        // Selector (or whole-kind) target: every matching object must meet the condition.
        var objects = watcher.Snapshot().Where(x => s.Namespace is null || Meta(x, "namespace") == s.Namespace || !s.Resource.Namespaced).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var obj in objects)
        {
            var name = Meta(obj, "name") ?? "";
            seen.Add(name);
            if (!s.Members.TryGetValue(name, out var m))
            {
                s.Members[name] = m = new MemberState(name);
            }
            m.Outcome = null;
            await EvaluateMemberAsync(m, obj, s, sources, options, ct).ConfigureAwait(false);
        }
        foreach (var gone in s.Members.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            var m = s.Members[gone];
            m.Object = null;
            m.Status = ResourceStatus.NotFound;
            m.Outcome = condition.Kind == WaitConditionKind.Delete ? WaitOutcome.Satisfied : null;
            if (condition.Kind != WaitConditionKind.Delete)
            {
                s.Members.Remove(gone); // an object that left the selection is no longer a target
            }
        }
        if (finalLook)
        {
            return;
        }
        if (s.Members.Values.FirstOrDefault(m => m.Outcome == WaitOutcome.Failed) is not null)
        {
            s.Finish(WaitOutcome.Failed, elapsed);
            foreach (var m in s.Members.Values.Where(m => m.Outcome is null))
            {
                m.Outcome = WaitOutcome.Abandoned;
            }
        }
        else if ((condition.Kind == WaitConditionKind.Delete || s.Members.Count > 0) && s.Members.Values.All(m => m.Outcome == WaitOutcome.Satisfied))
        {
            s.Finish(WaitOutcome.Satisfied, elapsed);
        }
        foreach (var m in s.Members.Values)
        {
            m.Elapsed ??= m.Outcome is not null ? elapsed : null;
        }
    }

    private static async Task EvaluateMemberAsync(MemberState m, JsonElement? obj, TargetState s, List<Source> sources, WaitOptions options, CancellationToken ct)
    {
        var condition = s.Target.Condition;
        var status = StatusRules.Compute(obj);
        if (obj is { } live && status.State != ResourceState.Current && status.State != ResourceState.Failed && s.PodSource >= 0 && sources[s.PodSource].Synced)
        {
            status = PodFailures(live, sources[s.PodSource].Watcher, status);
        }
        m.Object = obj;
        m.Status = status;
        if (options.FailFast && condition.FailsFast && status.State == ResourceState.Failed && !condition.IsMet(obj, status))
        {
            m.Outcome = WaitOutcome.Failed;
            return;
        }
        if (!condition.IsMet(obj, status))
        {
            return;
        }
        if (options.Until is { } until && obj is { } o)
        {
            var rv = Meta(o, "resourceVersion");
            if (m.UntilCheckedRv == rv && rv is not null)
            {
                return; // unchanged since the scriptblock said no
            }
            m.UntilCheckedRv = rv;
            if (!await until(o, ct).ConfigureAwait(false))
            {
                return;
            }
        }
        m.Outcome = WaitOutcome.Satisfied;
    }

    /// <summary>The pods of a workload (by its selector) that will not become ready without help.</summary>
    private static ResourceStatus PodFailures(JsonElement workload, ResourceWatcher pods, ResourceStatus current)
    {
        var selector = LabelSelector.FromWorkload(workload);
        if (selector is null)
        {
            return current;
        }
        var failures = new List<ResourceStatus>();
        foreach (var pod in pods.Snapshot())
        {
            if (selector.Matches(pod) && StatusRules.PodFailure(pod) is { } f)
            {
                failures.Add(f);
            }
        }
        if (failures.Count == 0)
        {
            return current;
        }
        var first = failures[0];
        var podNames = failures.SelectMany(f => f.Pods ?? Array.Empty<string>()).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        var kind = StatusRules.Str(workload, "kind");
        var name = StatusRules.Str(workload, "metadata", "name");
        var message = $"{kind} {name}: {first.Message}" + (failures.Count > 1 ? $" ({failures.Count} pods failing: {string.Join(", ", podNames)})" : "");
        return new ResourceStatus(ResourceState.Failed, first.Reason, message, podNames);
    }

    private static void Report(WaitOptions options, List<TargetState> states, TimeSpan elapsed, ref TimeSpan last, bool force, bool completed = false)
    {
        if (options.Progress is null || (!force && elapsed - last < options.ProgressInterval))
        {
            return;
        }
        last = elapsed;
        var done = states.Count(s => s.Done);
        var pending = states.FirstOrDefault(s => !s.Done);
        var slowest = pending ?? states.OrderByDescending(s => s.Elapsed ?? TimeSpan.Zero).FirstOrDefault();
        options.Progress(new WaitProgress(done, states.Count, slowest?.Describe(), slowest?.StatusText(), elapsed, completed));
    }

    internal static string? Meta(JsonElement o, string field) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object
            && m.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private sealed class Source(ResourceWatcher watcher, bool pods)
    {
        public ResourceWatcher Watcher { get; } = watcher;
        public bool Pods { get; } = pods;
        public bool Synced { get; set; }
    }

    private sealed class MemberState(string name)
    {
        public string Name { get; } = name;
        public JsonElement? Object { get; set; }
        public ResourceStatus Status { get; set; } = ResourceStatus.Unknown;
        public WaitOutcome? Outcome { get; set; }
        public TimeSpan? Elapsed { get; set; }
        public string? UntilCheckedRv { get; set; }
    }

    private sealed class TargetState(WaitTarget target, ApiResourceInfo resource, string? ns, int source)
    {
        public WaitTarget Target { get; } = target;
        public ApiResourceInfo Resource { get; } = resource;
        public string? Namespace { get; } = ns;
        public int Source { get; } = source;
        public int PodSource { get; set; } = -1;
        public MemberState Single { get; } = new(target.Name ?? "");
        public Dictionary<string, MemberState> Members { get; } = new(StringComparer.Ordinal);
        public bool Done { get; private set; }
        public WaitOutcome Outcome { get; set; }
        public TimeSpan? Elapsed { get; set; }

        public void Finish(WaitOutcome outcome, TimeSpan elapsed)
        {
            Done = true;
            Outcome = outcome;
            Elapsed = elapsed;
        }

        public string Describe() => $"{Resource.Kind} " + (Namespace is null ? "" : Namespace + "/") +
            (Target.Name ?? (string.IsNullOrEmpty(Target.LabelSelector) ? "*" : "-l " + Target.LabelSelector));

        public string StatusText()
        {
            var status = Target.Name is not null ? Single.Status
                : Members.Values.FirstOrDefault(m => m.Outcome is null)?.Status ?? Members.Values.FirstOrDefault()?.Status ?? ResourceStatus.Unknown;
            return status.Reason is null ? status.State.ToString() : $"{status.State}: {status.Message}";
        }

        public IEnumerable<WaitResult> ToResults()
        {
            if (Target.Name is not null)
            {
                yield return Result(Single, Outcome, Elapsed ?? TimeSpan.Zero);
                yield break;
            }
            if (Members.Count == 0)
            {
                var none = new MemberState(string.IsNullOrEmpty(Target.LabelSelector) ? "*" : Target.LabelSelector!)
                {
                    Status = ResourceStatus.NotFound,
                };
                yield return Result(none, Outcome, Elapsed ?? TimeSpan.Zero) with
                {
                    Message = Outcome == WaitOutcome.Satisfied ? "No object matches." : "No object matched the selector.",
                };
                yield break;
            }
            foreach (var m in Members.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                var outcome = m.Outcome ?? (Outcome == WaitOutcome.Satisfied ? WaitOutcome.Satisfied : Outcome == WaitOutcome.Failed ? WaitOutcome.Abandoned : Outcome);
                yield return Result(m, outcome, m.Elapsed ?? Elapsed ?? TimeSpan.Zero);
            }
        }

        private WaitResult Result(MemberState m, WaitOutcome outcome, TimeSpan elapsed) => new()
        {
            Kind = Resource.Kind,
            ApiVersion = Resource.ApiVersion,
            Namespace = Namespace,
            Name = m.Name,
            Outcome = outcome,
            Status = m.Status.State,
            Reason = m.Status.Reason,
            Message = m.Status.Message,
            Pods = m.Status.Pods ?? Array.Empty<string>(),
            Condition = Target.Condition.Text,
            Elapsed = elapsed,
            Object = m.Object,
            Resource = Resource,
            Target = Target,
        };
    }
}
