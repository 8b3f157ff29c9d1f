using System.Text.Json;
using KubePS.Engine.Discovery;
using KubePS.Engine.Resources;

namespace KubePS.Engine.Watch;

/// <summary>What happened to an object (bookmarks are consumed by the watcher and never surface).</summary>
public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    /// <summary>The first list has been delivered: every object that existed has been reported as Added.</summary>
    Synced,
    /// <summary>The watcher stopped for a reason that retrying cannot fix (401, 403 on list, an unknown resource); see <see cref="WatchEvent.Error"/>.</summary>
    Error,
}

/// <summary>One change of one object. For Deleted, <see cref="Object"/> is the last state known.</summary>
public sealed record WatchEvent(WatchEventType Type, JsonElement Object, string? Namespace, string? Name, string? ResourceVersion)
{
    /// <summary>For <see cref="WatchEventType.Error"/>: why the watcher stopped.</summary>
    public Exception? Error { get; init; }

    /// <summary>True when the event was synthesized by diffing a re-list (after 410 Gone, or while polling) against the cache.</summary>
    public bool FromRelist { get; init; }

    /// <summary>The object as a typed model (V1Pod, ...) when the client knows the kind, else the JsonElement.</summary>
    public object ToModel(ApiResourceInfo resource) => ResourceReader.Materialize(Object, resource.ApiVersion, resource.Kind);
}

/// <summary>Tunables of a watcher; the defaults are the ones the issue asks for.</summary>
public sealed record WatchOptions
{
    /// <summary>First reconnect delay after a broken stream, 429 or 5xx.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Largest reconnect (and polling) delay.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Server-side timeout asked for each watch request (randomized +-10% so many watches do not reconnect together).</summary>
    public int WatchTimeoutSeconds { get; init; } = 290;

    /// <summary>List page size.</summary>
    public int PageSize { get; init; } = 500;

    public static readonly WatchOptions Default = new();
}

/// <summary>Counts of what watchers did: API requests (lists, watches, polls), watch streams opened, re-lists and reconnects.</summary>
public sealed class WatchStats
{
    private long requests;
    private long watches;
    private long relists;
    private long reconnects;

    public long Requests => Interlocked.Read(ref requests);
    public long WatchesOpened => Interlocked.Read(ref watches);
    public long Relists => Interlocked.Read(ref relists);
    public long Reconnects => Interlocked.Read(ref reconnects);

    public void CountRequest() => Interlocked.Increment(ref requests);
    internal void CountWatch() => Interlocked.Increment(ref watches);
    internal void CountRelist() => Interlocked.Increment(ref relists);
    internal void CountReconnect() => Interlocked.Increment(ref reconnects);

    public override string ToString() => $"{Requests} requests, {WatchesOpened} watches, {Relists} re-lists, {Reconnects} reconnects";
}

/// <summary>Identity of a shared watch: one resource type, one namespace (null = all / cluster scope), one selector pair.</summary>
public sealed record WatchKey(string ApiVersion, string Plural, string? Namespace, string? LabelSelector, string? FieldSelector)
{
    public override string ToString() =>
        $"{Plural}.{ApiVersion}" + (Namespace is null ? "" : $" in {Namespace}") +
        (string.IsNullOrEmpty(LabelSelector) ? "" : $" -l {LabelSelector}") + (string.IsNullOrEmpty(FieldSelector) ? "" : $" --field-selector {FieldSelector}");
}

/// <summary>Exponential backoff with +-20% jitter.</summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private int attempt;

    public TimeSpan Next()
    {
        var baseMs = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        attempt++;
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(Math.Min(max.TotalMilliseconds, baseMs * jitter));
    }

    public void Reset() => attempt = 0;
}
