using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace KubePS.LocalCluster.Sim;

/// <summary>Settings of the simulated control plane and kubelet (command line flags).</summary>
public sealed class SimOptions
{
    public int Seed { get; set; } = 1;
    /// <summary>Time from scheduling until containers start (ms); annotation kubeps.io/start-delay-ms overrides.</summary>
    public int PodStartDelayMs { get; set; } = 200;
    /// <summary>Time a terminating pod takes to stop (ms, capped by its grace period); annotation kubeps.io/stop-delay-ms.</summary>
    public int PodStopDelayMs { get; set; } = 200;
    /// <summary>Log lines per second per container; annotation kubeps.io/log-rate overrides.</summary>
    public double LogRate { get; set; } = 2;
    /// <summary>Lines kept per container instance.</summary>
    public int LogBuffer { get; set; } = 10000;
    /// <summary>How long a run-to-completion container runs before it exits (ms); annotation kubeps.io/run-ms.</summary>
    public int RunMs { get; set; } = 500;
    /// <summary>First crash-loop / image-pull back-off (ms); doubles per restart up to 8x.</summary>
    public int BackoffMs { get; set; } = 1000;
    /// <summary>Events kept in the store; the oldest are deleted beyond this.</summary>
    public int MaxEvents { get; set; } = 5000;
}

internal readonly record struct ObjRef(ResourceType T, string Ns, string Name)
{
    public string Key => T.Kind + "|" + Ns + "|" + Name;
}

/// <summary>
/// The simulated control plane: controllers and a kubelet running on one loop thread over a store
/// subscription (no HTTP). Every controller reconciles one object key at a time from current store state;
/// timers drive time-based transitions (container start, crash back-off, progress deadlines, cron schedules).
/// </summary>
public sealed partial class Simulation : IDisposable
{
    internal readonly ResourceStore Store;
    internal readonly ResourceRegistry Registry;
    internal readonly SimOptions Opt;
    private readonly Random _rng;
    private readonly Watcher _watcher;
    private readonly Channel<Action> _posted = Channel.CreateUnbounded<Action>();
    private readonly PriorityQueue<Action, (long, long)> _timers = new();
    private long _timerSeq;
    private readonly Queue<string> _dirty = new();
    private readonly HashSet<string> _dirtySet = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop;

    // indexes (loop thread only)
    private readonly Dictionary<string, (ObjRef Ref, string[] Owners)> _ownersOf = new();
    private readonly Dictionary<string, HashSet<string>> _children = new(); // owner uid -> child keys
    private readonly Dictionary<string, ObjRef> _refByKey = new();
    private readonly Dictionary<string, HashSet<string>> _podsByNs = new();

    internal readonly ResourceType PodT, NsT, SvcT, EpT, EventT, NodeT, PvcT, CmT, SecretT, DeployT, RsT, StsT, DsT, JobT, CronT;

    public Simulation(ResourceRegistry registry, ResourceStore store, SimOptions opt)
    {
        Registry = registry; Store = store; Opt = opt;
        _rng = new Random(opt.Seed);
        ResourceType F(string g, string p) => registry.Find(g, "v1", p)!;
        PodT = F("", "pods"); NsT = F("", "namespaces"); SvcT = F("", "services"); EpT = F("", "endpoints"); EventT = F("", "events");
        NodeT = F("", "nodes"); PvcT = F("", "persistentvolumeclaims"); CmT = F("", "configmaps"); SecretT = F("", "secrets");
        DeployT = F("apps", "deployments"); RsT = F("apps", "replicasets"); StsT = F("apps", "statefulsets"); DsT = F("apps", "daemonsets");
        JobT = F("batch", "jobs"); CronT = F("batch", "cronjobs");
        Logs = new SimLogSource(this);
        var (items, w) = ListAll();
        _watcher = w;
        foreach (var o in items) OnEvent(new StoreEvent(WatchEventType.Added, o));
    }

    private (List<StoredObject>, Watcher) ListAll()
    {
        // Subscribe first, then list: duplicates are harmless (reconcile is level-based).
        var w = Store.Subscribe(null, null, null);
        var all = new List<StoredObject>();
        foreach (var t in Registry.All.Where(t => !t.Virtual)) all.AddRange(Store.List(t).Items);
        return (all, w);
    }

    public SimLogSource Logs { get; }

    public void Start() => _loop = Task.Factory.StartNew(Loop, TaskCreationOptions.LongRunning).Unwrap();

    public void Dispose() { _stop.Cancel(); _watcher.Dispose(); }

    /// <summary>Run an action on the loop thread.</summary>
    public void Post(Action a) => _posted.Writer.TryWrite(a);

    internal void After(double ms, Action a)
    {
        var due = DateTime.UtcNow.Ticks + (long)(Math.Max(0, ms) * TimeSpan.TicksPerMillisecond);
        _timers.Enqueue(a, (due, ++_timerSeq));
    }

    internal void AfterReconcile(double ms, string key) => After(ms, () => Enqueue(key));

    internal void Enqueue(string key) { if (_dirtySet.Add(key)) _dirty.Enqueue(key); }
    internal void Enqueue(ResourceType t, string ns, string name) => Enqueue(t.Kind + "|" + ns + "|" + name);

    private async Task Loop()
    {
        var reader = _watcher.Events;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                // Drain every pending change first so the indexes are current before any reconcile.
                while (reader.TryRead(out var ev)) OnEvent(ev);
                while (_posted.Reader.TryRead(out var a)) a();
                var now = DateTime.UtcNow.Ticks;
                while (_timers.TryPeek(out _, out var p) && p.Item1 <= now)
                {
                    var action = _timers.Dequeue();
                    try { action(); }
                    catch (Exception e) when (e is not OperationCanceledException) { Console.Error.WriteLine("kubeps-sim: timer: " + e); }
                }
                var budget = 2000;
                while (budget-- > 0 && _dirty.Count > 0)
                {
                    var key = _dirty.Dequeue(); _dirtySet.Remove(key);
                    Reconcile(key);
                }
                if (_dirty.Count > 0 || reader.TryPeek(out _)) continue;
                var wait = _timers.TryPeek(out _, out var next) ? TimeSpan.FromTicks(Math.Max(0, next.Item1 - DateTime.UtcNow.Ticks)) : TimeSpan.FromSeconds(1);
                if (wait > TimeSpan.FromSeconds(1)) wait = TimeSpan.FromSeconds(1);
                if (wait <= TimeSpan.Zero) continue;
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                cts.CancelAfter(wait);
                try { await Task.WhenAny(reader.WaitToReadAsync(cts.Token).AsTask(), _posted.Reader.WaitToReadAsync(cts.Token).AsTask()); }
                catch (OperationCanceledException) { }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Console.Error.WriteLine("kubeps-sim: " + e);
            }
        }
    }

    private void Reconcile(string key)
    {
        var parts = key.Split('|');
        var (kind, ns, name) = (parts[0], parts[1], parts[2]);
        try
        {
            switch (kind)
            {
                case "Pod": ReconcilePod(ns, name); break;
                case "ReplicaSet": ReconcileReplicaSet(ns, name); break;
                case "Deployment": ReconcileDeployment(ns, name); break;
                case "StatefulSet": ReconcileStatefulSet(ns, name); break;
                case "DaemonSet": ReconcileDaemonSet(ns, name); break;
                case "Job": ReconcileJob(ns, name); break;
                case "CronJob": ReconcileCronJob(ns, name); break;
                case "Service": ReconcileEndpoints(ns, name); break;
                case "PersistentVolumeClaim": ReconcilePvc(ns, name); break;
                case "Namespace": ReconcileNamespace(name); break;
            }
        }
        catch (StoreException e) when (e.Code is 404 or 409)
        {
            AfterReconcile(50, key); // raced with a client write: try again shortly
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"kubeps-sim: reconcile {key}: {e}");
            AfterReconcile(1000, key);
        }
    }

    // ------------------------------------------------------------ events from the store
    private void OnEvent(StoreEvent ev)
    {
        var o = ev.Object;
        var t = o.Type;
        var key = t.Kind + "|" + o.Namespace + "|" + o.Name;
        var deleted = ev.Type == WatchEventType.Deleted;
        IndexOwners(o, key, deleted);
        if (t.Key != EventT.Key || t.Group.Length > 0) { } // events are ignored below
        switch (t.Kind)
        {
            case "Pod" when t.Group.Length == 0:
                if (deleted) { _podsByNs.GetValueOrDefault(o.Namespace)?.Remove(o.Name); OnPodDeleted(o); }
                else { if (!_podsByNs.TryGetValue(o.Namespace, out var set)) _podsByNs[o.Namespace] = set = new(); set.Add(o.Name); }
                if (!deleted) Enqueue(key);
                foreach (var owner in OwnerUids(o)) if (_refByUid.TryGetValue(owner, out var oref)) Enqueue(oref.Key);
                OnPodChangedForServices(o);
                break;
            case "ReplicaSet" or "Job" when !deleted:
                Enqueue(key);
                foreach (var owner in OwnerUids(o)) if (_refByUid.TryGetValue(owner, out var oref)) Enqueue(oref.Key);
                break;
            case "ReplicaSet" or "Job":
                foreach (var owner in OwnerUids(o)) if (_refByUid.TryGetValue(owner, out var oref)) Enqueue(oref.Key);
                break;
            case "Deployment" or "StatefulSet" or "DaemonSet" or "CronJob" or "PersistentVolumeClaim" when !deleted: Enqueue(key); break;
            case "Service" when t.Group.Length == 0: Enqueue(key); break;
            case "Namespace" when !deleted && (o.Object["metadata"]?["deletionTimestamp"] is not null): Enqueue(key); break;
            case "ConfigMap" or "Secret" when !deleted: OnConfigAppeared(o.Namespace); break;
            case "Node" when !deleted: foreach (var ds in Store.List(DsT).Items) Enqueue(DsT.Kind + "|" + ds.Namespace + "|" + ds.Name); break;
            case "Event" when t.Group.Length == 0: OnEventObject(o, deleted); break;
        }
        if (deleted) CollectGarbage(o);
        if (!deleted) _refByUid[o.Uid] = new ObjRef(t, o.Namespace, o.Name);
        else _refByUid.Remove(o.Uid);
    }

    private readonly Dictionary<string, ObjRef> _refByUid = new();

    internal static IEnumerable<string> OwnerUids(StoredObject o) =>
        (o.Object["metadata"]?["ownerReferences"] as JsonArray)?.Select(r => (string)r?["uid"]).Where(u => u != null) ?? [];

    private void IndexOwners(StoredObject o, string key, bool deleted)
    {
        if (_ownersOf.TryGetValue(key, out var prev))
            foreach (var u in prev.Owners) if (_children.TryGetValue(u, out var s)) { s.Remove(key); if (s.Count == 0) _children.Remove(u); }
        _ownersOf.Remove(key);
        if (deleted) { _refByKey.Remove(key); return; }
        var owners = OwnerUids(o).ToArray();
        var r = new ObjRef(o.Type, o.Namespace, o.Name);
        _refByKey[key] = r;
        if (owners.Length == 0) return;
        _ownersOf[key] = (r, owners);
        foreach (var u in owners) { if (!_children.TryGetValue(u, out var s)) _children[u] = s = new(); s.Add(key); }
    }

    /// <summary>Current objects (of one kind) whose ownerReferences name the uid.</summary>
    internal List<StoredObject> ChildrenOf(string uid, ResourceType t)
    {
        var list = new List<StoredObject>();
        if (!_children.TryGetValue(uid, out var keys)) return list;
        foreach (var k in keys)
        {
            var r = _refByKey[k];
            if (r.T.Key != t.Key) continue;
            var o = Store.Get(r.T, r.Ns, r.Name);
            if (o != null && o.Uid != "" && OwnerUids(o).Contains(uid)) list.Add(o);
        }
        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    /// <summary>Garbage collector: dependents whose owners are all gone are deleted (background).</summary>
    private void CollectGarbage(StoredObject owner)
    {
        if (!_children.TryGetValue(owner.Uid, out var keys)) return;
        foreach (var k in keys.ToList())
        {
            if (!_ownersOf.TryGetValue(k, out var entry)) continue;
            if (entry.Owners.Any(u => u != owner.Uid && _refByUid.ContainsKey(u))) continue;
            var r = entry.Ref;
            After(0, () => { try { Store.Delete(r.T, r.Ns, r.Name); } catch (StoreException) { } });
        }
    }

    // ------------------------------------------------------------ helpers
    internal static string Now() => JsonUtil.Now();
    internal static string NowMicro() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private readonly Dictionary<string, int> _streams = new();

    /// <summary>A random source per purpose (e.g. one generateName prefix): the seed, the key and how often the key was used
    /// decide the values, so names do not depend on how controllers interleave.</summary>
    private Random Stream(string key)
    {
        var n = _streams[key] = _streams.GetValueOrDefault(key) + 1;
        uint h = 2166136261;
        foreach (var ch in $"{Opt.Seed}|{key}|{n}") { h ^= ch; h *= 16777619; }
        return new Random((int)h);
    }

    internal string Suffix(int n = 5, string key = null)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var r = key is null ? _rng : Stream("name|" + key);
        var sb = new StringBuilder(n);
        for (var i = 0; i < n; i++) sb.Append(alphabet[r.Next(alphabet.Length)]);
        return sb.ToString();
    }

    internal string NewUid(string key = null)
    {
        var r = key is null ? _rng : Stream("uid|" + key);
        var b = new byte[16]; r.NextBytes(b);
        b[6] = (byte)((b[6] & 0x0f) | 0x40); b[8] = (byte)((b[8] & 0x3f) | 0x80);
        return new Guid(b).ToString();
    }

    /// <summary>Stable short hash of a JSON node (FNV-1a), encoded like the controllers' pod-template-hash.</summary>
    internal static string Hash(JsonNode n)
    {
        var sbc = new StringBuilder();
        Canonical(n, sbc);
        var bytes = Encoding.UTF8.GetBytes(sbc.ToString());
        uint h = 2166136261;
        foreach (var b in bytes) { h ^= b; h *= 16777619; }
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var s = h.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        foreach (var c in s) sb.Append(alphabet[(c - '0' + sb.Length * 7) % alphabet.Length]);
        return sb.ToString();
    }

    /// <summary>JSON with object keys sorted, so equal templates hash equally whatever their key order.</summary>
    private static void Canonical(JsonNode n, StringBuilder sb)
    {
        switch (n)
        {
            case JsonObject o:
                sb.Append('{');
                foreach (var kv in o.Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal)) { sb.Append('"').Append(kv.Key).Append("\":"); Canonical(kv.Value, sb); sb.Append(','); }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                foreach (var x in a) { Canonical(x, sb); sb.Append(','); }
                sb.Append(']');
                break;
            case null: sb.Append("null"); break;
            default: sb.Append(n.ToJsonString()); break;
        }
    }

    internal static JsonObject OwnerRef(StoredObject owner) => new()
    {
        ["apiVersion"] = owner.Type.GroupVersion, ["kind"] = owner.Type.Kind, ["name"] = owner.Name, ["uid"] = owner.Uid,
        ["controller"] = true, ["blockOwnerDeletion"] = true,
    };

    /// <summary>Create an object as the API server would (uid, timestamps, generation, defaults). Name may be a generateName prefix.</summary>
    internal StoredObject CreateObject(ResourceType t, JsonObject o, string generateName = null)
    {
        var meta = JsonUtil.Obj(o, "metadata");
        if (generateName != null)
        {
            meta["generateName"] = generateName;
            string name;
            do name = generateName + Suffix(5, (string)meta["namespace"] + "/" + generateName); while (Store.Get(t, (string)meta["namespace"], name) != null);
            meta["name"] = name;
        }
        meta["uid"] = NewUid(t.Kind + "/" + (string)meta["namespace"] + "/" + (string)meta["name"]);
        meta["creationTimestamp"] = Now();
        if (t.HasGeneration) meta["generation"] = 1;
        o["kind"] = t.Kind; o["apiVersion"] = t.GroupVersion;
        Defaults.OnCreate(t, o);
        var ordered = new JsonObject { ["kind"] = t.Kind, ["apiVersion"] = t.GroupVersion, ["metadata"] = o["metadata"]!.DeepClone() };
        foreach (var kv in o.ToList()) if (kv.Key is not ("kind" or "apiVersion" or "metadata")) ordered[kv.Key] = kv.Value?.DeepClone();
        return Store.Create(t, ordered);
    }

    /// <summary>Replace status of the current object if it changed. Returns the stored object.</summary>
    internal StoredObject WriteStatus(StoredObject cur, JsonObject status)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (JsonNode.DeepEquals(cur.Object["status"], status)) return cur;
            var o = cur.CloneObject();
            o["status"] = status.DeepClone();
            try { return Store.Update(cur.Type, o, cur.ResourceVersion); }
            catch (StoreException e) when (e.Code == 409 && attempt < 3)
            {
                cur = Store.Get(cur.Type, cur.Namespace, cur.Name);
                if (cur is null) return null;
            }
        }
    }

    internal void TryDelete(ResourceType t, string ns, string name)
    {
        try { Store.Delete(t, ns, name); } catch (StoreException) { }
    }

    internal bool NamespaceGone(string ns)
    {
        if (string.IsNullOrEmpty(ns)) return false;
        var n = Store.Get(NsT, null, ns);
        return n is null || n.Object["metadata"]?["deletionTimestamp"] != null;
    }

    internal static JsonObject Cond(string type, string status, string reason, string message, string now, JsonArray old)
    {
        var prev = old?.FirstOrDefault(c => (string)c?["type"] == type);
        var transition = prev != null && (string)prev["status"] == status ? (string)prev["lastTransitionTime"] ?? now : now;
        var c = new JsonObject { ["type"] = type, ["status"] = status };
        c["lastTransitionTime"] = transition;
        if (reason != null) c["reason"] = reason;
        if (message != null) c["message"] = message;
        return c;
    }

    internal static string Ann(JsonNode o, string key) => (string)o?["metadata"]?["annotations"]?[key];
    internal static long Replicas(JsonNode o) => JsonUtil.Long(o, "spec", "replicas") ?? 1;

    internal static LabelSelector Selector(JsonNode sel)
    {
        try { return LabelSelector.Parse(LabelSelector.Format(sel) ?? ""); } catch (FormatException) { return LabelSelector.Parse(""); }
    }

    internal static bool PodActive(JsonNode p) =>
        p?["metadata"]?["deletionTimestamp"] == null && JsonUtil.Str(p, "status", "phase") is not ("Succeeded" or "Failed");

    internal static bool PodReady(JsonNode p) =>
        (p?["status"]?["conditions"] as JsonArray)?.Any(c => (string)c?["type"] == "Ready" && (string)c?["status"] == "True") == true;
}
