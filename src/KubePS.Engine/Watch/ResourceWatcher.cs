using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using k8s;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;
using KubePS.Engine.Resources;

namespace KubePS.Engine.Watch;

/// <summary>
/// A resilient list+watch of one resource type in one namespace (or all namespaces / cluster scope) with
/// optional label and field selectors. It keeps a cache of the objects, resumes from the last resourceVersion,
/// asks for bookmarks, re-lists on 410 Gone (reporting only real changes, by diffing the re-list against the
/// cache), reconnects with exponential backoff and jitter on a broken stream, 429 and 5xx, and falls back to
/// polling (list + diff with the same backoff) when watch is forbidden. Any number of subscribers read the same
/// stream; a new subscriber first receives the cached objects as Added (and Synced once the first list is in).
/// </summary>
public sealed class ResourceWatcher : IAsyncDisposable
{
    private readonly IKubernetes client;
    private readonly WatchOptions options;
    private readonly WatchStats stats;
    private readonly object gate = new();
    private readonly Dictionary<string, (JsonElement Object, string? Rv)> cache = new(StringComparer.Ordinal);
    private readonly List<Action<WatchEvent>> subscribers = new();
    private readonly CancellationTokenSource stop = new();
    private readonly System.Collections.Concurrent.ConcurrentBag<ChannelWriter<WatchEvent>> completions = new();
    private Task? loop;
    private string? resourceVersion;

    public ResourceWatcher(IKubernetes client, ApiResourceInfo resource, string? @namespace, string? labelSelector = null, string? fieldSelector = null,
        WatchOptions? options = null, WatchStats? stats = null)
    {
        this.client = client;
        Resource = resource;
        Namespace = resource.Namespaced ? @namespace : null;
        LabelSelector = string.IsNullOrWhiteSpace(labelSelector) ? null : labelSelector;
        FieldSelector = string.IsNullOrWhiteSpace(fieldSelector) ? null : fieldSelector;
        this.options = options ?? WatchOptions.Default;
        this.stats = stats ?? new WatchStats();
        Key = new WatchKey(resource.ApiVersion, resource.Plural, Namespace, LabelSelector, FieldSelector);
    }

    public ApiResourceInfo Resource { get; }
    public string? Namespace { get; }
    public string? LabelSelector { get; }
    public string? FieldSelector { get; }
    public WatchKey Key { get; }
    public WatchStats Stats => stats;

    /// <summary>True once the first list has been delivered.</summary>
    public bool IsSynced { get; private set; }

    /// <summary>True after watch was refused with 403 and the watcher polls instead.</summary>
    public bool IsPolling { get; private set; }

    /// <summary>The last resourceVersion seen (list, event or bookmark).</summary>
    public string? ResourceVersion => Volatile.Read(ref resourceVersion);

    /// <summary>Set when the watcher stopped for good.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Starts the list+watch loop (idempotent).</summary>
    public void Start()
    {
        lock (gate)
        {
            loop ??= Task.Run(() => RunAsync(stop.Token));
        }
    }

    /// <summary>
    /// A new reader of this watcher's events: first Added for every cached object (and Synced if the first list is in),
    /// then live changes. Dispose the subscription to stop receiving.
    /// </summary>
    public WatchSubscription Subscribe()
    {
        var channel = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
        var sink = new Action<WatchEvent>(e => channel.Writer.TryWrite(e));
        AddSink(sink);
        return new WatchSubscription(this, sink, channel);
    }

    /// <summary>
    /// Like <see cref="Subscribe()"/>, but events are handed to <paramref name="sink"/> directly, in order, on the watcher's
    /// thread and under its lock: the sink must not block (write to a channel, set a flag). Saves a thread hop.
    /// </summary>
    public WatchSubscription Subscribe(Action<WatchEvent> sink)
    {
        AddSink(sink);
        return new WatchSubscription(this, sink, null);
    }

    private void AddSink(Action<WatchEvent> sink)
    {
        lock (gate)
        {
            foreach (var (obj, rv) in cache.Values)
            {
                sink(new WatchEvent(WatchEventType.Added, obj, Ns(obj), NameOf(obj), rv));
            }
            if (IsSynced)
            {
                sink(new WatchEvent(WatchEventType.Synced, default, null, null, resourceVersion));
            }
            if (Failure is not null)
            {
                sink(new WatchEvent(WatchEventType.Error, default, null, null, resourceVersion) { Error = Failure });
            }
            subscribers.Add(sink);
        }
        Start();
    }

    internal void TrackCompletion(ChannelWriter<WatchEvent> writer) => completions.Add(writer);

    internal void Unsubscribe(Action<WatchEvent> sink)
    {
        lock (gate)
        {
            subscribers.Remove(sink);
        }
    }

    /// <summary>The cached object (namespace null for cluster scope), if present.</summary>
    public bool TryGet(string? @namespace, string name, out JsonElement obj)
    {
        lock (gate)
        {
            if (cache.TryGetValue(CacheKey(@namespace, name), out var entry))
            {
                obj = entry.Object;
                return true;
            }
        }
        obj = default;
        return false;
    }

    /// <summary>A copy of every cached object.</summary>
    public IReadOnlyList<JsonElement> Snapshot()
    {
        lock (gate)
        {
            return cache.Values.Select(v => v.Object).ToList();
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var backoff = new Backoff(options.InitialBackoff, options.MaxBackoff);
        var needList = true;
        var goneInARow = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (needList || IsPolling)
                {
                    if (goneInARow > 1)
                    {
                        // 410 again right after a fresh list: the server cannot resume at all; degrade to list+diff with backoff.
                        await Task.Delay(backoff.Next(), ct).ConfigureAwait(false);
                    }
                    var changed = await ListAndDiffAsync(ct).ConfigureAwait(false);
                    needList = false;
                    if (changed && goneInARow > 1)
                    {
                        backoff.Reset();
                    }
                    if (IsPolling)
                    {
                        if (changed)
                        {
                            backoff.Reset();
                        }
                        await Task.Delay(backoff.Next(), ct).ConfigureAwait(false);
                        continue;
                    }
                }
                var started = DateTime.UtcNow;
                var outcome = await WatchOnceAsync(ct).ConfigureAwait(false);
                if (outcome == WatchOutcome.Gone)
                {
                    needList = true;
                    goneInARow++;
                    stats.CountRelist();
                    continue;
                }
                goneInARow = 0;
                // The stream ended. A long-lived stream that ends cleanly (the server's timeout) resumes at once;
                // one that ends quickly counts as broken and waits for the backoff.
                stats.CountReconnect();
                if (outcome == WatchOutcome.Healthy || DateTime.UtcNow - started > TimeSpan.FromSeconds(5))
                {
                    backoff.Reset();
                    if (outcome == WatchOutcome.Healthy)
                    {
                        continue;
                    }
                }
                await Task.Delay(backoff.Next(), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeGone)
            {
                needList = true;
                goneInARow++;
                stats.CountRelist();
            }
            catch (WatchForbiddenException)
            {
                IsPolling = true;
                backoff.Reset();
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                stats.CountReconnect();
                try
                {
                    await Task.Delay(backoff.Next(), ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception ex)
            {
                lock (gate)
                {
                    Failure = ex;
                    PublishLocked(new WatchEvent(WatchEventType.Error, default, null, null, resourceVersion) { Error = ex });
                }
                return;
            }
        }
    }

    private static bool IsTransient(Exception ex) => ex switch
    {
        KubeException k => k.Kind is KubeErrorKind.KubeServerBusy or KubeErrorKind.KubeUnreachable or KubeErrorKind.KubeTimeout
            || (k.Kind == KubeErrorKind.KubeApiError && (k.StatusCode is null or >= 500)),
        IOException or HttpRequestException or JsonException or TimeoutException => true,
        OperationCanceledException => true, // an HTTP timeout, not ours (ours is filtered before)
        _ => false,
    };

    private string Query(bool watch, string? rv, string? continueToken)
    {
        var sb = new StringBuilder(Resource.PathFor(Namespace));
        sb.Append(watch ? "?watch=true&allowWatchBookmarks=true" : "?limit=" + options.PageSize);
        if (watch)
        {
            var t = (int)(options.WatchTimeoutSeconds * (0.9 + Random.Shared.NextDouble() * 0.2));
            sb.Append("&timeoutSeconds=").Append(Math.Max(1, t));
            if (!string.IsNullOrEmpty(rv))
            {
                sb.Append("&resourceVersion=").Append(Uri.EscapeDataString(rv));
            }
        }
        if (LabelSelector is not null)
        {
            sb.Append("&labelSelector=").Append(Uri.EscapeDataString(LabelSelector));
        }
        if (FieldSelector is not null)
        {
            sb.Append("&fieldSelector=").Append(Uri.EscapeDataString(FieldSelector));
        }
        if (continueToken is not null)
        {
            sb.Append("&continue=").Append(Uri.EscapeDataString(continueToken));
        }
        return sb.ToString();
    }

    /// <summary>Lists everything, replaces the cache, and publishes the differences. Returns true when anything changed.</summary>
    private async Task<bool> ListAndDiffAsync(CancellationToken ct)
    {
        var items = new Dictionary<string, (JsonElement, string?)>(StringComparer.Ordinal);
        string? listRv = null;
        string? continueToken = null;
        do
        {
            stats.CountRequest();
            using var response = await KubeRequest.SendAsync(client, HttpMethod.Get, Query(false, null, continueToken), ct, streamResponse: true).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct).ConfigureAwait(false);
            var root = doc.RootElement;
            continueToken = null;
            if (root.TryGetProperty("metadata", out var meta))
            {
                if (meta.TryGetProperty("resourceVersion", out var rv) && rv.ValueKind == JsonValueKind.String)
                {
                    listRv = rv.GetString();
                }
                if (meta.TryGetProperty("continue", out var c) && c.ValueKind == JsonValueKind.String && c.GetString()!.Length > 0)
                {
                    continueToken = c.GetString();
                }
            }
            if (root.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    var obj = WithKind(item);
                    items[CacheKey(Ns(obj), NameOf(obj) ?? "")] = (obj, Rv(obj));
                }
            }
        }
        while (continueToken is not null);

        var changed = false;
        lock (gate)
        {
            foreach (var (key, (obj, rv)) in items)
            {
                if (!cache.TryGetValue(key, out var old))
                {
                    cache[key] = (obj, rv);
                    PublishLocked(new WatchEvent(WatchEventType.Added, obj, Ns(obj), NameOf(obj), rv) { FromRelist = IsSynced });
                    changed = true;
                }
                else if (old.Rv != rv)
                {
                    cache[key] = (obj, rv);
                    PublishLocked(new WatchEvent(WatchEventType.Modified, obj, Ns(obj), NameOf(obj), rv) { FromRelist = true });
                    changed = true;
                }
            }
            foreach (var key in cache.Keys.Where(k => !items.ContainsKey(k)).ToList())
            {
                var (obj, rv) = cache[key];
                cache.Remove(key);
                PublishLocked(new WatchEvent(WatchEventType.Deleted, obj, Ns(obj), NameOf(obj), rv) { FromRelist = true });
                changed = true;
            }
            if (listRv is not null)
            {
                resourceVersion = listRv;
            }
            if (!IsSynced)
            {
                IsSynced = true;
                PublishLocked(new WatchEvent(WatchEventType.Synced, default, null, null, resourceVersion));
            }
        }
        return changed;
    }

    private enum WatchOutcome
    {
        /// <summary>The stream ran and ended (server timeout or a drop); resume from the last resourceVersion.</summary>
        Healthy,
        /// <summary>The stream ended without delivering anything.</summary>
        Empty,
        /// <summary>410: the resourceVersion is too old; re-list.</summary>
        Gone,
    }

    private async Task<WatchOutcome> WatchOnceAsync(CancellationToken ct)
    {
        stats.CountRequest();
        HttpResponseMessage response;
        try
        {
            response = await KubeRequest.SendAsync(client, HttpMethod.Get, Query(true, ResourceVersion, null), ct, streamResponse: true).ConfigureAwait(false);
        }
        catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeForbidden)
        {
            throw new WatchForbiddenException(ex);
        }
        stats.CountWatch();
        var any = false;
        using (response)
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested && ex is IOException or HttpRequestException or ObjectDisposedException)
                {
                    return any ? WatchOutcome.Healthy : WatchOutcome.Empty; // the stream broke: resume from the last resourceVersion
                }
                if (line is null)
                {
                    return any ? WatchOutcome.Healthy : WatchOutcome.Empty;
                }
                if (line.Length == 0)
                {
                    continue;
                }
                JsonElement evt;
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    evt = doc.RootElement.Clone();
                }
                catch (JsonException)
                {
                    return any ? WatchOutcome.Healthy : WatchOutcome.Empty; // a torn last line of a dropped stream
                }
                var type = evt.TryGetProperty("type", out var t) ? t.GetString() : null;
                if (!evt.TryGetProperty("object", out var obj))
                {
                    continue;
                }
                any = true;
                switch (type)
                {
                    case "ADDED":
                    case "MODIFIED":
                        Apply(WithKind(obj), deleted: false);
                        break;
                    case "DELETED":
                        Apply(WithKind(obj), deleted: true);
                        break;
                    case "BOOKMARK":
                        if (Rv(obj) is { } brv)
                        {
                            Volatile.Write(ref resourceVersion, brv);
                        }
                        break;
                    case "ERROR":
                        var code = obj.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : 500;
                        if (code == (int)HttpStatusCode.Gone)
                        {
                            return WatchOutcome.Gone;
                        }
                        throw KubeErrorMapper.FromStatus(code, obj.GetRawText(), "watch " + Key);
                }
            }
        }
    }

    private void Apply(JsonElement obj, bool deleted)
    {
        var key = CacheKey(Ns(obj), NameOf(obj) ?? "");
        var rv = Rv(obj);
        lock (gate)
        {
            if (deleted)
            {
                if (cache.Remove(key))
                {
                    PublishLocked(new WatchEvent(WatchEventType.Deleted, obj, Ns(obj), NameOf(obj), rv));
                }
            }
            else if (cache.TryGetValue(key, out var old))
            {
                if (old.Rv != rv)
                {
                    cache[key] = (obj, rv);
                    PublishLocked(new WatchEvent(WatchEventType.Modified, obj, Ns(obj), NameOf(obj), rv));
                }
            }
            else
            {
                cache[key] = (obj, rv);
                PublishLocked(new WatchEvent(WatchEventType.Added, obj, Ns(obj), NameOf(obj), rv));
            }
            if (rv is not null)
            {
                resourceVersion = rv;
            }
        }
    }

    private void PublishLocked(WatchEvent e)
    {
        foreach (var s in subscribers)
        {
            try
            {
                s(e);
            }
            catch (Exception)
            {
                // A subscriber's failure must not stop the watch or the other subscribers.
            }
        }
    }

    private JsonElement WithKind(JsonElement item)
    {
        if (item.TryGetProperty("kind", out _) && item.TryGetProperty("apiVersion", out _))
        {
            return item.Clone();
        }
        var node = System.Text.Json.Nodes.JsonNode.Parse(item.GetRawText())!.AsObject();
        node["apiVersion"] ??= Resource.ApiVersion;
        node["kind"] ??= Resource.Kind;
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return doc.RootElement.Clone();
    }

    internal static string CacheKey(string? ns, string name) => (ns ?? "") + "/" + name;

    private static string? Meta(JsonElement o, string field) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString() : null;

    private static string? Ns(JsonElement o) => Meta(o, "namespace");
    private static string? NameOf(JsonElement o) => Meta(o, "name");
    private static string? Rv(JsonElement o) => Meta(o, "resourceVersion");

    /// <summary>Stops the loop and completes every subscription.</summary>
    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        if (loop is not null)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        lock (gate)
        {
            subscribers.Clear();
        }
        foreach (var c in completions)
        {
            c.TryComplete();
        }
        stop.Dispose();
    }

    private sealed class WatchForbiddenException(Exception inner) : Exception("Watch is forbidden.", inner);
}

/// <summary>One reader of a watcher's events.</summary>
public sealed class WatchSubscription : IDisposable
{
    private readonly ResourceWatcher watcher;
    private readonly Action<WatchEvent> sink;
    private readonly Channel<WatchEvent>? channel;

    internal WatchSubscription(ResourceWatcher watcher, Action<WatchEvent> sink, Channel<WatchEvent>? channel)
    {
        this.watcher = watcher;
        this.sink = sink;
        this.channel = channel;
        if (channel is not null)
        {
            watcher.TrackCompletion(channel.Writer);
        }
    }

    public ResourceWatcher Watcher => watcher;

    /// <summary>The events (for subscriptions made without a sink).</summary>
    public ChannelReader<WatchEvent> Reader => channel?.Reader ?? throw new InvalidOperationException("This subscription delivers to a sink.");

    /// <summary>The events as an async stream (for subscriptions made without a sink).</summary>
    public IAsyncEnumerable<WatchEvent> ReadAllAsync(CancellationToken cancellationToken) => Reader.ReadAllAsync(cancellationToken);

    public void Dispose()
    {
        watcher.Unsubscribe(sink);
        channel?.Writer.TryComplete();
    }
}
