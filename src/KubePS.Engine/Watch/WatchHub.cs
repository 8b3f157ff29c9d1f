using k8s;
using KubePS.Engine.Discovery;

namespace KubePS.Engine.Watch;

/// <summary>
/// Shares watchers: one <see cref="ResourceWatcher"/> per (resource type, namespace, label selector, field selector),
/// however many callers ask for it. Acquire returns a lease; the watcher stops when its last lease is released
/// (or when the hub is disposed). All watchers of a hub count into one <see cref="WatchStats"/>.
/// </summary>
public sealed class WatchHub : IAsyncDisposable
{
    private readonly IKubernetes client;
    private readonly WatchOptions options;
    private readonly Dictionary<WatchKey, (ResourceWatcher Watcher, int Count)> watchers = new();
    private readonly object gate = new();

    public WatchHub(IKubernetes client, WatchOptions? options = null, WatchStats? stats = null)
    {
        this.client = client;
        this.options = options ?? WatchOptions.Default;
        Stats = stats ?? new WatchStats();
    }

    public WatchStats Stats { get; }

    /// <summary>The number of distinct watchers alive.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return watchers.Count;
            }
        }
    }

    /// <summary>A lease on the shared watcher for this key (started on first use).</summary>
    public WatchLease Acquire(ApiResourceInfo resource, string? @namespace, string? labelSelector = null, string? fieldSelector = null)
    {
        var probe = new ResourceWatcher(client, resource, @namespace, labelSelector, fieldSelector, options, Stats);
        lock (gate)
        {
            if (watchers.TryGetValue(probe.Key, out var entry))
            {
                watchers[probe.Key] = (entry.Watcher, entry.Count + 1);
                return new WatchLease(this, entry.Watcher);
            }
            watchers[probe.Key] = (probe, 1);
        }
        probe.Start();
        return new WatchLease(this, probe);
    }

    internal void Release(ResourceWatcher watcher)
    {
        var dispose = false;
        lock (gate)
        {
            if (watchers.TryGetValue(watcher.Key, out var entry) && ReferenceEquals(entry.Watcher, watcher))
            {
                if (entry.Count <= 1)
                {
                    watchers.Remove(watcher.Key);
                    dispose = true;
                }
                else
                {
                    watchers[watcher.Key] = (watcher, entry.Count - 1);
                }
            }
        }
        if (dispose)
        {
            _ = watcher.DisposeAsync().AsTask();
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<ResourceWatcher> all;
        lock (gate)
        {
            all = watchers.Values.Select(v => v.Watcher).ToList();
            watchers.Clear();
        }
        foreach (var w in all)
        {
            await w.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A caller's share of a watcher; dispose to release it.</summary>
public sealed class WatchLease : IDisposable
{
    private readonly WatchHub hub;
    private int disposed;

    internal WatchLease(WatchHub hub, ResourceWatcher watcher)
    {
        this.hub = hub;
        Watcher = watcher;
    }

    public ResourceWatcher Watcher { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            hub.Release(Watcher);
        }
    }
}
