using System.Globalization;
using System.Text.Json.Nodes;

namespace KubePS.LocalCluster.Sim;

public sealed partial class Simulation
{
    private readonly Dictionary<string, (string Ns, string Name)> _eventByKey = new();
    private readonly Queue<(string Ns, string Name, string Key)> _eventOrder = new();
    private long _eventSeq;

    private void OnEventObject(StoredObject o, bool deleted) { }

    /// <summary>Record a core/v1 Event about an object, aggregating repeats (count, lastTimestamp) like the event broadcaster.</summary>
    internal void Record(StoredObject involved, string type, string reason, string message, string component, string host = null, string fieldPath = null)
    {
        var ns = involved.Namespace.Length > 0 ? involved.Namespace : "default";
        if (NamespaceGone(ns)) return;
        var now = NowMicro();
        var nowS = Now();
        var key = involved.Uid + "|" + reason + "|" + type + "|" + fieldPath + "|" + message;
        if (_eventByKey.TryGetValue(key, out var existing) && Store.Get(EventT, existing.Ns, existing.Name) is { } ev)
        {
            var u = ev.CloneObject();
            u["count"] = (JsonUtil.Long(u, "count") ?? 1) + 1;
            u["lastTimestamp"] = nowS;
            try { Store.Update(EventT, u); } catch (StoreException) { }
            return;
        }
        var seq = ++_eventSeq;
        var name = $"{involved.Name}.{(0x180000000000000L + Opt.Seed * 0x10000000L + seq).ToString("x", CultureInfo.InvariantCulture)}";
        var io = new JsonObject
        {
            ["kind"] = involved.Type.Kind, ["namespace"] = involved.Namespace.Length > 0 ? involved.Namespace : null, ["name"] = involved.Name,
            ["uid"] = involved.Uid, ["apiVersion"] = involved.Type.GroupVersion, ["resourceVersion"] = involved.ResourceVersion.ToString(CultureInfo.InvariantCulture),
        };
        if (io["namespace"] is null) io.Remove("namespace");
        if (fieldPath != null) io["fieldPath"] = fieldPath;
        var source = new JsonObject { ["component"] = component };
        if (host != null) source["host"] = host;
        var e = new JsonObject
        {
            ["kind"] = "Event", ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = NewUid(), ["creationTimestamp"] = nowS },
            ["involvedObject"] = io, ["reason"] = reason, ["message"] = message, ["source"] = source,
            ["firstTimestamp"] = nowS, ["lastTimestamp"] = nowS, ["count"] = 1, ["type"] = type,
            ["eventTime"] = null, ["reportingComponent"] = component, ["reportingInstance"] = host ?? "",
        };
        try { Store.Create(EventT, e); } catch (StoreException) { return; }
        _eventByKey[key] = (ns, name);
        _eventOrder.Enqueue((ns, name, key));
        while (_eventOrder.Count > Opt.MaxEvents)
        {
            var old = _eventOrder.Dequeue();
            _eventByKey.Remove(old.Key);
            TryDelete(EventT, old.Ns, old.Name);
        }
    }
}
