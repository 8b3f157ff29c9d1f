using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using k8s;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;
using KubePS.Engine.Resources;
using KubePS.Engine.Watch;
using WatchEventType = KubePS.Engine.Watch.WatchEventType;

namespace KubePS.Engine.Logs;

/// <summary>
/// Reads the logs of many containers at once. Without follow it lists the matching pods once and reads each
/// container's log (at most <see cref="LogRequest.MaxStreams"/> at a time). With follow it watches the pods of every
/// target (the shared resilient watcher: resume, 410 re-list, reconnect), starts a stream for each matching container
/// as it appears, wakes parked streams when their pod changes (restarts), and stops streams whose pod goes away.
/// Lines of all streams come out in arrival order, or merged by timestamp with <see cref="LogRequest.Sort"/>.
/// </summary>
public sealed class LogStreamer
{
    private readonly IKubernetes client;
    private readonly WatchHub? hub;

    public LogStreamer(IKubernetes client, WatchHub? hub = null)
    {
        this.client = client;
        this.hub = hub;
    }

    public LogStats Stats { get; } = new();

    /// <summary>Streams <see cref="LogLine"/>s and <see cref="LogNotice"/>s until done (no follow) or cancelled.</summary>
    public async IAsyncEnumerable<object> ReadAsync(LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (request.Targets.Count == 0)
        {
            yield break;
        }
        var channel = Channel.CreateBounded<object>(new BoundedChannelOptions(8192) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = Task.Run(async () =>
        {
            try
            {
                if (request.Follow && !request.Previous)
                {
                    await FollowAsync(request, channel.Writer, cts.Token).ConfigureAwait(false);
                }
                else
                {
                    await ReadOnceAsync(request, channel.Writer, cts.Token).ConfigureAwait(false);
                }
                channel.Writer.TryComplete();
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                channel.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                channel.Writer.TryComplete(ex);
            }
        }, CancellationToken.None);

        try
        {
            var source = channel.Reader;
            if (request.Sort && !(request.Follow && !request.Previous))
            {
                var lines = new List<LogLine>();
                await foreach (var item in source.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (item is LogLine l)
                    {
                        lines.Add(l);
                    }
                    else
                    {
                        yield return item;
                    }
                }
                foreach (var l in lines.OrderBy(l => l.Time)) // OrderBy is stable: equal times keep arrival order
                {
                    yield return l;
                }
            }
            else if (request.Sort)
            {
                await foreach (var item in SortWindowAsync(source, request.SortWindow, cancellationToken).ConfigureAwait(false))
                {
                    yield return item;
                }
            }
            else
            {
                while (await source.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (source.TryRead(out var item))
                    {
                        yield return item;
                    }
                }
            }
        }
        finally
        {
            cts.Cancel();
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Holds each line for the window after it arrived and releases held lines oldest timestamp first.</summary>
    private static async IAsyncEnumerable<object> SortWindowAsync(ChannelReader<object> source, TimeSpan window, [EnumeratorCancellation] CancellationToken ct)
    {
        var held = new PriorityQueue<(LogLine Line, long Arrived), (LogTime, long)>();
        long seq = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var open = true;
        while (open || held.Count > 0)
        {
            var ready = new List<object>();
            if (open)
            {
                var wait = held.Count == 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, window.TotalMilliseconds / 4)), ct);
                var readTask = source.WaitToReadAsync(ct).AsTask();
                if (held.Count > 0)
                {
                    await Task.WhenAny(readTask, wait).ConfigureAwait(false);
                }
                else
                {
                    open = await readTask.ConfigureAwait(false);
                }
                if (readTask.IsCompleted && !await readTask.ConfigureAwait(false))
                {
                    open = false;
                }
                while (source.TryRead(out var item))
                {
                    if (item is LogLine l)
                    {
                        held.Enqueue((l, clock.ElapsedMilliseconds), (l.Time, seq++));
                    }
                    else
                    {
                        ready.Add(item);
                    }
                }
            }
            // release: everything that has waited a full window, and anything with an earlier timestamp than those
            var now = clock.ElapsedMilliseconds;
            var windowMs = (long)window.TotalMilliseconds;
            LogTime? releaseUpTo = null;
            foreach (var (element, priority) in held.UnorderedItems)
            {
                if (!open || now - element.Arrived >= windowMs)
                {
                    if (releaseUpTo is null || priority.Item1 > releaseUpTo.Value)
                    {
                        releaseUpTo = priority.Item1;
                    }
                }
            }
            while (releaseUpTo is not null && held.TryPeek(out var top, out var pr) && pr.Item1 <= releaseUpTo.Value)
            {
                held.Dequeue();
                ready.Add(top.Line);
            }
            foreach (var r in ready)
            {
                yield return r;
            }
            if (!open && held.Count == 0)
            {
                break;
            }
        }
    }

    private static ApiResourceInfo Pods => BuiltinResources.Find("pods")!;

    private static string PodsPath(string? ns) => ns is null ? "/api/v1/pods" : "/api/v1/namespaces/" + Uri.EscapeDataString(ns) + "/pods";

    /// <summary>Lists the pods of one target (exact names by GET; sets by list + filter).</summary>
    private async Task<List<JsonElement>> ListPodsAsync(LogTarget target, ChannelWriter<object> output, CancellationToken ct)
    {
        var pods = new List<JsonElement>();
        foreach (var name in target.ExactNames)
        {
            var ns = target.Namespace ?? "default";
            try
            {
                using var doc = await KubeRequest.GetJsonAsync(client, PodsPath(ns) + "/" + Uri.EscapeDataString(name), ct).ConfigureAwait(false);
                pods.Add(doc.RootElement.Clone());
            }
            catch (KubeException e) when (e.StatusCode == 404)
            {
                await output.WriteAsync(PodNotFound(ns, name, e), ct).ConfigureAwait(false);
            }
        }
        if (target.IsSet)
        {
            string? cont = null;
            var any = false;
            do
            {
                var query = "?limit=500";
                if (target.LabelSelector is not null)
                {
                    query += "&labelSelector=" + Uri.EscapeDataString(target.LabelSelector);
                }
                if (cont is not null)
                {
                    query += "&continue=" + Uri.EscapeDataString(cont);
                }
                using var doc = await KubeRequest.GetJsonAsync(client, PodsPath(target.Namespace) + query, ct).ConfigureAwait(false);
                cont = PodJson.Str(doc.RootElement, "metadata", "continue");
                if (string.IsNullOrEmpty(cont))
                {
                    cont = null;
                }
                if (doc.RootElement.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
                {
                    foreach (var p in items.EnumerateArray())
                    {
                        if (target.NameFilter is null || target.NameFilter(PodJson.Name(p)))
                        {
                            pods.Add(p.Clone());
                            any = true;
                        }
                    }
                }
            }
            while (cont is not null);
            if (!any)
            {
                await output.WriteAsync(new LogNotice(LogNoticeKind.Warning, $"No pods match {target.Description}" + (target.Namespace is null ? " in any namespace." : $" in namespace '{target.Namespace}'.")), ct).ConfigureAwait(false);
            }
        }
        return pods;
    }

    private static LogNotice PodNotFound(string ns, string name, Exception? inner = null)
    {
        var message = $"Pod '{name}' was not found in namespace '{ns}'.";
        return new LogNotice(LogNoticeKind.Error, message)
        {
            Target = ns + "/" + name,
            Error = new KubeException(KubeErrorKind.KubeNotFound, message, inner) { StatusCode = 404, Reason = "NotFound", Target = ns + "/" + name },
        };
    }

    /// <summary>The containers of a pod to read; null (after an error notice) when -Container matches none.</summary>
    private static List<(string Name, bool Init)>? SelectContainers(LogRequest request, JsonElement pod, bool started, out LogNotice? error)
    {
        error = null;
        var all = PodJson.Containers(pod).Select(c => (c, false)).ToList();
        var init = PodJson.InitContainers(pod).Select(c => (c, true)).ToList();
        var result = new List<(string, bool)>();
        foreach (var (c, isInit) in init.Concat(all))
        {
            if (request.ContainerFilter is not null ? !request.ContainerFilter(c) : isInit && !request.IncludeInitContainers)
            {
                continue;
            }
            if (isInit && started && !PodJson.HasStarted(pod, c, true))
            {
                continue;
            }
            result.Add((c, isInit));
        }
        if (result.Count == 0 && request.ContainerFilter is not null)
        {
            var ns = PodJson.Namespace(pod);
            var name = PodJson.Name(pod);
            var names = string.Join(", ", init.Concat(all).Select(x => x.c));
            var message = $"Pod '{ns}/{name}' has no container matching '{request.ContainerPattern}' (containers: {names}).";
            error = new LogNotice(LogNoticeKind.Error, message)
            {
                Target = ns + "/" + name,
                Error = new KubeException(KubeErrorKind.KubeLogContainerNotFound, message) { Target = ns + "/" + name, RecommendedAction = "Check -Container against the pod's containers (Get-KubePod shows them)." },
            };
            return null;
        }
        return result;
    }

    private async Task ReadOnceAsync(LogRequest request, ChannelWriter<object> output, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var streams = new List<ContainerLogStream>();
        foreach (var target in request.Targets)
        {
            foreach (var pod in await ListPodsAsync(target, output, ct).ConfigureAwait(false))
            {
                if (!seen.Add(PodJson.Namespace(pod) + "/" + PodJson.Name(pod)))
                {
                    continue;
                }
                var containers = SelectContainers(request, pod, started: true, out var error);
                if (error is not null)
                {
                    await output.WriteAsync(error, ct).ConfigureAwait(false);
                }
                foreach (var (c, init) in containers ?? new())
                {
                    var snapshot = pod;
                    streams.Add(new ContainerLogStream(client, request, PodJson.Namespace(pod), PodJson.Name(pod), c, output, Stats, () => PodJson.PhaseOf(snapshot, c, init)));
                }
            }
        }
        using var gate = new SemaphoreSlim(Math.Max(1, request.MaxStreams));
        var tasks = streams.Select(async s =>
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await s.RunAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ follow

    private sealed class Tracked
    {
        public required ContainerLogStream Stream { get; init; }
        public required CancellationTokenSource Cancel { get; init; }
        public Task? Task { get; set; }
        public bool Init { get; init; }
    }

    private async Task FollowAsync(LogRequest request, ChannelWriter<object> output, CancellationToken ct)
    {
        var ownHub = hub is null ? new WatchHub(client) : null;
        var watchHub = hub ?? ownHub!;
        var gate = new object();
        var pods = new Dictionary<string, JsonElement>(StringComparer.Ordinal);      // ns/pod -> latest
        var active = new Dictionary<string, Tracked>(StringComparer.Ordinal);        // ns/pod/container
        var finished = new HashSet<string>(StringComparer.Ordinal);                  // containers done for good
        var pending = new List<(string Key, string Ns, string Pod, string Container, bool Init)>();
        var reportedNoContainer = new HashSet<string>(StringComparer.Ordinal);
        var exactOnly = request.Targets.All(t => !t.IsSet);
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var syncedTargets = 0;
        var notices = Channel.CreateUnbounded<object>();

        ContainerPhase PhaseOf(string podKey, string container, bool init)
        {
            lock (gate)
            {
                return pods.TryGetValue(podKey, out var p) ? (PodJson.IsDeleting(p) && PodJson.PhaseOf(p, container, init) != ContainerPhase.Running ? ContainerPhase.Gone : PodJson.PhaseOf(p, container, init)) : ContainerPhase.Gone;
            }
        }

        void CheckAllDone()
        {
            // called under gate
            if (exactOnly && syncedTargets >= request.Targets.Count && active.Count == 0 && pending.Count == 0)
            {
                allDone.TrySetResult();
            }
        }

        void StartLocked(string key, string ns, string pod, string container, bool init)
        {
            var podKey = ns + "/" + pod;
            var stream = new ContainerLogStream(client, request, ns, pod, container, output, Stats, () => PhaseOf(podKey, container, init));
            var tracked = new Tracked { Stream = stream, Cancel = CancellationTokenSource.CreateLinkedTokenSource(ct), Init = init };
            active[key] = tracked;
            tracked.Task = Task.Run(async () =>
            {
                try
                {
                    await stream.RunAsync(tracked.Cancel.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                catch (Exception ex)
                {
                    notices.Writer.TryWrite(new LogNotice(LogNoticeKind.Error, $"The log stream of {key} failed: {ex.Message}")
                    {
                        Target = key,
                        Error = new KubeException(KubeErrorKind.KubeLogStreamFailed, $"The log stream of {key} failed: {ex.Message}", ex) { Target = key },
                    });
                }
                finally
                {
                    lock (gate)
                    {
                        active.Remove(key);
                        tracked.Cancel.Dispose();
                        if (pods.ContainsKey(podKey) && !ct.IsCancellationRequested)
                        {
                            finished.Add(key);
                        }
                        AdmitPendingLocked();
                        CheckAllDone();
                    }
                }
            }, CancellationToken.None);
        }

        void AdmitPendingLocked()
        {
            while (pending.Count > 0 && active.Count < request.MaxStreams)
            {
                var p = pending[0];
                pending.RemoveAt(0);
                if (pods.ContainsKey(p.Ns + "/" + p.Pod) && !active.ContainsKey(p.Key) && !finished.Contains(p.Key))
                {
                    notices.Writer.TryWrite(new LogNotice(LogNoticeKind.Verbose, $"A stream slot is free: following {p.Key}."));
                    StartLocked(p.Key, p.Ns, p.Pod, p.Container, p.Init);
                }
            }
        }

        void Upsert(JsonElement pod)
        {
            var ns = PodJson.Namespace(pod);
            var name = PodJson.Name(pod);
            var podKey = ns + "/" + name;
            var skipped = new List<string>();
            lock (gate)
            {
                pods[podKey] = pod;
                var containers = SelectContainers(request, pod, started: false, out var error);
                if (error is not null && reportedNoContainer.Add(podKey))
                {
                    notices.Writer.TryWrite(error);
                }
                foreach (var (c, init) in containers ?? new())
                {
                    var key = podKey + "/" + c;
                    if (active.TryGetValue(key, out var t))
                    {
                        t.Stream.Signal();
                        continue;
                    }
                    if (finished.Contains(key) || pending.Any(x => x.Key == key))
                    {
                        continue;
                    }
                    if (init && !PodJson.HasStarted(pod, c, true))
                    {
                        continue; // an init container is followed once it starts
                    }
                    if (active.Count >= request.MaxStreams)
                    {
                        pending.Add((key, ns, name, c, init));
                        skipped.Add(key);
                        continue;
                    }
                    StartLocked(key, ns, name, c, init);
                }
            }
            if (skipped.Count > 0)
            {
                var message = $"{skipped.Count} more log stream(s) than -MaxStreams {request.MaxStreams}: not following {string.Join(", ", skipped.Take(5))}{(skipped.Count > 5 ? ", ..." : "")} until a stream ends (raise -MaxStreams or narrow the target).";
                notices.Writer.TryWrite(new LogNotice(LogNoticeKind.Error, message)
                {
                    Target = skipped[0],
                    Error = new KubeException(KubeErrorKind.KubeLogMaxStreamsExceeded, message)
                    {
                        Target = skipped[0],
                        RecommendedAction = "Raise -MaxStreams, or narrow -Selector / -Name / -Container.",
                    },
                });
            }
        }

        void Remove(JsonElement pod)
        {
            var podKey = PodJson.Namespace(pod) + "/" + PodJson.Name(pod);
            var toStop = new List<Tracked>();
            lock (gate)
            {
                pods.Remove(podKey);
                pending.RemoveAll(p => p.Ns + "/" + p.Pod == podKey);
                foreach (var (key, t) in active)
                {
                    if (key.StartsWith(podKey + "/", StringComparison.Ordinal))
                    {
                        toStop.Add(t);
                        t.Stream.Signal();
                    }
                }
                finished.RemoveWhere(k => k.StartsWith(podKey + "/", StringComparison.Ordinal)); // a pod recreated with the same name (StatefulSet) starts over
                reportedNoContainer.Remove(podKey);
            }
            foreach (var t in toStop)
            {
                notices.Writer.TryWrite(new LogNotice(LogNoticeKind.Verbose, $"Pod {podKey} is gone: stopping {t.Stream.Key} after {t.Stream.Delivered} line(s)."));
                // give the stream a moment to read what the server still sends, then stop it
                _ = Task.Delay(TimeSpan.FromSeconds(3), CancellationToken.None).ContinueWith(_ =>
                {
                    try
                    {
                        t.Cancel.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                    }
                }, TaskScheduler.Default);
            }
        }

        var leases = new List<WatchLease>();
        var readers = new List<Task>();
        try
        {
            // one watcher per distinct (namespace, selector); exact names share the namespace's watcher
            for (var i = 0; i < request.Targets.Count; i++)
            {
                var target = request.Targets[i];
                var lease = watchHub.Acquire(Pods, target.Namespace, target.LabelSelector);
                leases.Add(lease);
                var sub = lease.Watcher.Subscribe();
                var exact = new HashSet<string>(target.ExactNames, StringComparer.Ordinal);
                bool Matches(JsonElement p)
                {
                    var n = PodJson.Name(p);
                    return exact.Contains(n) || (target.IsSet && (target.NameFilter is null || target.NameFilter(n)));
                }
                readers.Add(Task.Run(async () =>
                {
                    using var _ = sub;
                    var matched = new HashSet<string>(StringComparer.Ordinal);
                    var synced = false;
                    await foreach (var e in sub.ReadAllAsync(ct).ConfigureAwait(false))
                    {
                        switch (e.Type)
                        {
                            case WatchEventType.Added or WatchEventType.Modified when Matches(e.Object):
                                matched.Add(e.Namespace + "/" + e.Name);
                                Upsert(e.Object);
                                break;
                            case WatchEventType.Deleted when Matches(e.Object):
                                Remove(e.Object);
                                break;
                            case WatchEventType.Synced when !synced:
                                synced = true;
                                foreach (var name in target.ExactNames)
                                {
                                    if (!matched.Contains((target.Namespace ?? "") + "/" + name))
                                    {
                                        notices.Writer.TryWrite(PodNotFound(target.Namespace ?? "default", name));
                                    }
                                }
                                if (target.IsSet && matched.Count == 0)
                                {
                                    notices.Writer.TryWrite(new LogNotice(LogNoticeKind.Warning, $"No pods match {target.Description}" + (target.Namespace is null ? " in any namespace" : $" in namespace '{target.Namespace}'") + " yet; waiting for them."));
                                }
                                lock (gate)
                                {
                                    syncedTargets++;
                                    CheckAllDone();
                                }
                                break;
                            case WatchEventType.Error:
                                var err = e.Error is KubeException ke ? ke : new KubeException(KubeErrorKind.KubeWatchFailed, "Watching pods failed: " + e.Error?.Message, e.Error);
                                throw err;
                        }
                    }
                }, CancellationToken.None));
            }

            // pump notices from the side channel into the output, until cancelled or (named pods only) every stream ended
            Task readersEnded = Task.WhenAny(readers);
            while (!ct.IsCancellationRequested)
            {
                var next = notices.Reader.WaitToReadAsync(ct).AsTask();
                var done = await Task.WhenAny(next, allDone.Task, readersEnded).ConfigureAwait(false);
                while (notices.Reader.TryRead(out var n))
                {
                    await output.WriteAsync(n, ct).ConfigureAwait(false);
                }
                if (done == allDone.Task)
                {
                    break;
                }
                if (done != next)
                {
                    var failed = readers.FirstOrDefault(r => r.IsFaulted);
                    if (failed is not null)
                    {
                        await failed.ConfigureAwait(false); // rethrows the watch failure (terminating)
                    }
                    if (readers.All(r => r.IsCompleted))
                    {
                        break;
                    }
                    readersEnded = Task.WhenAny(readers.Where(r => !r.IsCompleted));
                }
            }
        }
        finally
        {
            foreach (var l in leases)
            {
                l.Dispose();
            }
            List<Tracked> remaining;
            lock (gate)
            {
                remaining = active.Values.ToList();
            }
            foreach (var t in remaining)
            {
                try
                {
                    t.Cancel.Cancel();
                }
                catch (ObjectDisposedException)
                {
                }
            }
            await Task.WhenAll(remaining.Select(t => t.Task ?? Task.CompletedTask)).ConfigureAwait(false);
            while (notices.Reader.TryRead(out var n))
            {
                output.TryWrite(n);
            }
            if (ownHub is not null)
            {
                await ownHub.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Resolves a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Service) to its pod selector.</summary>
    public async Task<string> SelectorOfWorkloadAsync(string kind, string @namespace, string name, CancellationToken cancellationToken)
    {
        var (group, plural) = kind.ToLowerInvariant() switch
        {
            "deployment" or "deployments" or "deploy" => ("apps", "deployments"),
            "statefulset" or "statefulsets" or "sts" => ("apps", "statefulsets"),
            "daemonset" or "daemonsets" or "ds" => ("apps", "daemonsets"),
            "replicaset" or "replicasets" or "rs" => ("apps", "replicasets"),
            "job" or "jobs" => ("batch", "jobs"),
            "service" or "services" or "svc" => ("", "services"),
            _ => throw new KubeException(KubeErrorKind.KubeUnsupportedKind, $"Logs of a {kind} cannot be read: use a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or Service.") { Target = name },
        };
        var path = (group.Length == 0 ? "/api/v1" : $"/apis/{group}/v1") + $"/namespaces/{Uri.EscapeDataString(@namespace)}/{plural}/{Uri.EscapeDataString(name)}";
        using var doc = await KubeRequest.GetJsonAsync(client, path, cancellationToken).ConfigureAwait(false);
        return SelectorOf(doc.RootElement, kind, name);
    }

    /// <summary>A workload object's pod selector (throws KubeUnsupportedKind when it has none).</summary>
    public static string SelectorOf(JsonElement workload, string kind, string name) =>
        PodJson.SelectorOf(workload) ?? throw new KubeException(KubeErrorKind.KubeUnsupportedKind, $"{kind} '{name}' has no pod selector.") { Target = name };
}
