using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace KubePS.LocalCluster;

/// <summary>An immutable stored object: its JSON tree (never mutated after storing) and its cached serialized bytes.</summary>
public sealed class StoredObject
{
    internal StoredObject(ResourceType type, JsonObject obj, long rv)
    {
        Type = type;
        ResourceVersion = rv;
        var meta = obj["metadata"] as JsonObject;
        if (meta is null) { meta = new JsonObject(); obj["metadata"] = meta; }
        meta["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Json = JsonSerializer.SerializeToUtf8Bytes(obj, JsonUtil.Options);
        // Re-parse and fully materialize so concurrent readers never race on lazy JsonNode initialisation.
        Object = (JsonObject)JsonNode.Parse(Json)!;
        JsonUtil.Materialize(Object);
        Namespace = (string)Object["metadata"]?["namespace"] ?? "";
        Name = (string)Object["metadata"]?["name"] ?? "";
        Uid = (string)Object["metadata"]?["uid"] ?? "";
    }

    public ResourceType Type { get; }
    public string Namespace { get; }
    public string Name { get; }
    public string Uid { get; }
    public long ResourceVersion { get; }
    /// <summary>Read-only view. Do not mutate; use <see cref="CloneObject"/>.</summary>
    public JsonObject Object { get; }
    /// <summary>UTF-8 JSON of the object, as served.</summary>
    public byte[] Json { get; }
    public string StoreKey => Namespace + "/" + Name;
    public JsonObject CloneObject() => (JsonObject)JsonNode.Parse(Json)!;
}

public enum WatchEventType { Added, Modified, Deleted }

/// <summary>One change in the store; ResourceVersion is the global version of the change.</summary>
public sealed record StoreEvent(WatchEventType Type, StoredObject Object)
{
    public long ResourceVersion => Object.ResourceVersion;
    public string TypeName => Type switch { WatchEventType.Added => "ADDED", WatchEventType.Modified => "MODIFIED", _ => "DELETED" };
}

public sealed class StoreException(int code, string reason, string message) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
}

/// <summary>Thrown by Subscribe when the requested resourceVersion has left the event history.</summary>
public sealed class ExpiredException(long requested, long oldest) : Exception($"too old resource version: {requested} ({oldest})")
{
    public long Requested { get; } = requested;
    public long Oldest { get; } = oldest;
}

/// <summary>A subscription to store changes. Read <see cref="Events"/>; dispose to unsubscribe.</summary>
public sealed class Watcher : IDisposable
{
    private readonly ResourceStore _store;
    internal readonly Channel<StoreEvent> Channel = System.Threading.Channels.Channel.CreateUnbounded<StoreEvent>(new UnboundedChannelOptions { SingleReader = true });
    internal Watcher(ResourceStore store, ResourceType type, string ns) { _store = store; TypeKey = type?.Key; Namespace = ns; }
    /// <summary>Null = every type.</summary>
    public string TypeKey { get; }
    /// <summary>Null or empty = every namespace.</summary>
    public string Namespace { get; }
    public ChannelReader<StoreEvent> Events => Channel.Reader;
    internal bool Matches(StoredObject o) => (TypeKey is null || o.Type.Key == TypeKey) && (string.IsNullOrEmpty(Namespace) || o.Namespace == Namespace);
    public void Dispose() => _store.Unsubscribe(this);
}

/// <summary>
/// The in-memory object store: one global monotonically increasing resourceVersion, objects per type
/// ordered by namespace/name, and an event history ring buffer for watch resume. Thread-safe; usable
/// in-process (controllers) without HTTP. It stores what it is given: defaulting and validation live in
/// <see cref="ApiService"/>.
/// </summary>
public sealed class ResourceStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, SortedDictionary<string, StoredObject>> _byType = new();
    private readonly StoreEvent[] _history;
    private int _historyStart, _historyCount;
    private readonly List<Watcher> _watchers = new();
    private long _rv;
    private long _compactedRv;
    // owner uid -> (type key, store key) of objects whose ownerReferences name it, so FindDependents does not scan
    private readonly Dictionary<string, HashSet<(string Type, string Key)>> _dependents = new();

    private static IEnumerable<string> OwnerUids(StoredObject o) =>
        (o?.Object["metadata"]?["ownerReferences"] as JsonArray)?.Select(r => (string)r?["uid"]).Where(u => !string.IsNullOrEmpty(u)).Distinct() ?? [];

    private void IndexOwners(StoredObject old, StoredObject now)
    {
        if (old != null)
            foreach (var u in OwnerUids(old))
                if (_dependents.TryGetValue(u, out var set)) { set.Remove((old.Type.Key, old.StoreKey)); if (set.Count == 0) _dependents.Remove(u); }
        if (now != null)
            foreach (var u in OwnerUids(now))
            {
                if (!_dependents.TryGetValue(u, out var set)) _dependents[u] = set = new();
                set.Add((now.Type.Key, now.StoreKey));
            }
    }

    public ResourceStore(int historyCapacity = 20000) { _history = new StoreEvent[historyCapacity]; }

    public long CurrentResourceVersion { get { lock (_lock) return _rv; } }

    /// <summary>Forget history up to now (used after seeding): watches from older versions get 410.</summary>
    public void Compact() { lock (_lock) { _compactedRv = _rv; _historyCount = 0; _historyStart = 0; } }

    private SortedDictionary<string, StoredObject> Bucket(ResourceType t)
    {
        if (!_byType.TryGetValue(t.Key, out var b)) { b = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal); _byType[t.Key] = b; }
        return b;
    }

    public StoredObject Get(ResourceType t, string ns, string name)
    {
        lock (_lock) return Bucket(t).TryGetValue((t.Namespaced ? ns : "") + "/" + name, out var o) ? o : null;
    }

    /// <summary>Objects of a type (ns null/empty = all namespaces), ordered by namespace/name, and the store version.</summary>
    public (List<StoredObject> Items, long ResourceVersion) List(ResourceType t, string ns = null, string startAfterKey = null)
    {
        lock (_lock)
        {
            var b = Bucket(t);
            var list = new List<StoredObject>(b.Count);
            foreach (var kv in b)
            {
                if (startAfterKey != null && string.CompareOrdinal(kv.Key, startAfterKey) <= 0) continue;
                if (!string.IsNullOrEmpty(ns) && kv.Value.Namespace != ns) continue;
                list.Add(kv.Value);
            }
            return (list, _rv);
        }
    }

    /// <summary>Every object whose metadata.ownerReferences names the given uid.</summary>
    public List<StoredObject> FindDependents(string ownerUid)
    {
        var result = new List<StoredObject>();
        lock (_lock)
            if (ownerUid != null && _dependents.TryGetValue(ownerUid, out var set))
                foreach (var (type, key) in set)
                    if (_byType.TryGetValue(type, out var b) && b.TryGetValue(key, out var o)) result.Add(o);
        result.Sort((x, y) => string.CompareOrdinal(x.Type.Key + "|" + x.StoreKey, y.Type.Key + "|" + y.StoreKey));
        return result;
    }

    public StoredObject Create(ResourceType t, JsonObject obj)
    {
        lock (_lock)
        {
            var ns = t.Namespaced ? (string)obj["metadata"]?["namespace"] ?? "" : "";
            var name = (string)obj["metadata"]?["name"] ?? "";
            var b = Bucket(t);
            var key = ns + "/" + name;
            if (b.ContainsKey(key)) throw new StoreException(409, "AlreadyExists", $"{t} \"{name}\" already exists");
            var so = new StoredObject(t, obj, ++_rv);
            b[key] = so;
            IndexOwners(null, so);
            Publish(new StoreEvent(WatchEventType.Added, so));
            return so;
        }
    }

    /// <summary>Replace an object. expectedRv (if given) must equal the stored version, else 409 Conflict.</summary>
    public StoredObject Update(ResourceType t, JsonObject obj, long? expectedRv = null)
    {
        lock (_lock)
        {
            var ns = t.Namespaced ? (string)obj["metadata"]?["namespace"] ?? "" : "";
            var name = (string)obj["metadata"]?["name"] ?? "";
            var b = Bucket(t);
            var key = ns + "/" + name;
            if (!b.TryGetValue(key, out var old)) throw new StoreException(404, "NotFound", $"{t} \"{name}\" not found");
            if (expectedRv is long e && e != old.ResourceVersion)
                throw new StoreException(409, "Conflict", $"Operation cannot be fulfilled on {t} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");
            var so = new StoredObject(t, obj, ++_rv);
            b[key] = so;
            IndexOwners(old, so);
            Publish(new StoreEvent(WatchEventType.Modified, so));
            return so;
        }
    }

    public StoredObject Delete(ResourceType t, string ns, string name, long? expectedRv = null)
    {
        lock (_lock)
        {
            var b = Bucket(t);
            var key = (t.Namespaced ? ns : "") + "/" + name;
            if (!b.TryGetValue(key, out var old)) throw new StoreException(404, "NotFound", $"{t} \"{name}\" not found");
            if (expectedRv is long e && e != old.ResourceVersion)
                throw new StoreException(409, "Conflict", $"Operation cannot be fulfilled on {t} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");
            b.Remove(key);
            IndexOwners(old, null);
            var so = new StoredObject(t, old.CloneObject(), ++_rv);
            Publish(new StoreEvent(WatchEventType.Deleted, so));
            return so;
        }
    }

    /// <summary>Delete every object of a type (used when a CRD goes away).</summary>
    public void DropType(ResourceType t)
    {
        List<StoredObject> items;
        lock (_lock) items = Bucket(t).Values.ToList();
        foreach (var o in items) { try { Delete(t, o.Namespace, o.Name); } catch (StoreException) { } }
    }

    private void Publish(StoreEvent ev)
    {
        var cap = _history.Length;
        if (_historyCount == cap)
        {
            _compactedRv = _history[_historyStart].ResourceVersion;
            _history[_historyStart] = ev;
            _historyStart = (_historyStart + 1) % cap;
        }
        else
        {
            _history[(_historyStart + _historyCount) % cap] = ev;
            _historyCount++;
        }
        foreach (var w in _watchers)
            if (w.Matches(ev.Object)) w.Channel.Writer.TryWrite(ev);
    }

    /// <summary>
    /// Subscribe to changes of a type (null = all types) in a namespace (null = all), starting after
    /// fromRv: history events newer than fromRv are replayed first. Throws <see cref="ExpiredException"/>
    /// when fromRv is older than the history. fromRv null = only future events.
    /// </summary>
    public Watcher Subscribe(ResourceType t, string ns, long? fromRv)
    {
        lock (_lock)
        {
            var w = new Watcher(this, t, ns);
            if (fromRv is long from && from < _rv)
            {
                if (from < _compactedRv) throw new ExpiredException(from, _compactedRv + 1);
                for (var i = 0; i < _historyCount; i++)
                {
                    var ev = _history[(_historyStart + i) % _history.Length];
                    if (ev.ResourceVersion > from && w.Matches(ev.Object)) w.Channel.Writer.TryWrite(ev);
                }
            }
            _watchers.Add(w);
            return w;
        }
    }

    /// <summary>Atomically list current objects and subscribe to everything after that list.</summary>
    public (List<StoredObject> Items, Watcher Watcher) ListAndSubscribe(ResourceType t, string ns)
    {
        lock (_lock)
        {
            var (items, _) = List(t, ns);
            var w = new Watcher(this, t, ns);
            _watchers.Add(w);
            return (items, w);
        }
    }

    internal void Unsubscribe(Watcher w)
    {
        lock (_lock) _watchers.Remove(w);
        w.Channel.Writer.TryComplete();
    }

    public int WatcherCount { get { lock (_lock) return _watchers.Count; } }
}
