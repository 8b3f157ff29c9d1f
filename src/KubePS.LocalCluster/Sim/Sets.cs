using System.Globalization;
using System.Text.Json.Nodes;

namespace KubePS.LocalCluster.Sim;

public sealed partial class Simulation
{
    // ------------------------------------------------------------ StatefulSet
    private void ReconcileStatefulSet(string ns, string name)
    {
        var sts = Store.Get(StsT, ns, name);
        if (sts is null || Deleting(sts)) return;
        var spec = sts.Object["spec"];
        var replicas = Replicas(sts.Object);
        var updateRev = name + "-" + Hash(spec?["template"]);
        var currentRev = JsonUtil.Str(sts.Object, "status", "currentRevision") ?? updateRev;
        var partition = JsonUtil.Long(spec, "updateStrategy", "rollingUpdate", "partition") ?? 0;
        var rolling = (JsonUtil.Str(spec, "updateStrategy", "type") ?? "RollingUpdate") == "RollingUpdate";
        var ordered = (JsonUtil.Str(spec, "podManagementPolicy") ?? "OrderedReady") == "OrderedReady";
        var claims = (spec?["volumeClaimTemplates"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        string Rev(StoredObject p) => (string)p.Object["metadata"]?["labels"]?["controller-revision-hash"];
        var owned = ChildrenOf(sts.Uid, PodT).ToDictionary(p => p.Name);
        var blocked = false;
        for (var i = 0; i < replicas; i++)
        {
            var podName = $"{name}-{i}";
            owned.TryGetValue(podName, out var p);
            if (p != null && !PodActive(p.Object) && !Deleting(p))
            {
                TryDelete(PodT, ns, podName);
                Record(sts, "Normal", "SuccessfulDelete", $"delete Pod {podName} in StatefulSet {name} successful", "statefulset-controller");
                p = null; blocked = true;
            }
            if (p is null)
            {
                if (blocked && ordered) break;
                foreach (var ct in claims)
                {
                    var claimName = $"{(string)ct["metadata"]?["name"]}-{name}-{i}";
                    if (Store.Get(PvcT, ns, claimName) is null)
                    {
                        var pvc = new JsonObject { ["metadata"] = new JsonObject { ["name"] = claimName, ["namespace"] = ns, ["labels"] = ct["metadata"]?["labels"]?.DeepClone() ?? new JsonObject() }, ["spec"] = ct["spec"]?.DeepClone() ?? new JsonObject() };
                        CreateObject(PvcT, pvc);
                        Record(sts, "Normal", "SuccessfulCreate", $"create Claim {claimName} Pod {podName} in StatefulSet {name} success", "statefulset-controller");
                    }
                }
                var rev = !rolling || i >= partition ? updateRev : currentRev;
                var template = spec?["template"]; // only the latest template is kept (no ControllerRevisions)
                var po = PodFromTemplate(sts, template, new()
                {
                    ["controller-revision-hash"] = rev, ["statefulset.kubernetes.io/pod-name"] = podName, ["apps.kubernetes.io/pod-index"] = i.ToString(CultureInfo.InvariantCulture),
                });
                JsonUtil.Obj(po, "metadata")["name"] = podName;
                var ps = JsonUtil.Obj(po, "spec");
                ps["hostname"] = podName;
                if (JsonUtil.Str(spec, "serviceName") is { Length: > 0 } svc) ps["subdomain"] = svc;
                if (claims.Count > 0)
                {
                    var vols = ps["volumes"] as JsonArray ?? new JsonArray();
                    foreach (var ct in claims) vols.Add(new JsonObject { ["name"] = (string)ct["metadata"]?["name"], ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = $"{(string)ct["metadata"]?["name"]}-{name}-{i}" } });
                    ps["volumes"] = vols;
                }
                try { p = CreateObject(PodT, po); } catch (StoreException) { blocked = true; break; }
                Record(sts, "Normal", "SuccessfulCreate", $"create Pod {podName} in StatefulSet {name} successful", "statefulset-controller");
                owned[podName] = p;
                blocked = true;
                if (ordered) break;
                continue;
            }
            if (ordered && !(PodReady(p.Object) && JsonUtil.Str(p.Object, "status", "phase") == "Running")) { blocked = true; break; }
        }
        // scale down: highest ordinal first
        var extra = owned.Values.Where(p => int.TryParse(p.Name[(name.Length + 1)..], out var o) && o >= replicas).OrderByDescending(p => int.Parse(p.Name[(name.Length + 1)..], CultureInfo.InvariantCulture)).ToList();
        if (extra.Count > 0 && !blocked)
        {
            foreach (var v in ordered ? extra.Take(1) : extra)
            {
                DeletePod(v); owned.Remove(v.Name);
                Record(sts, "Normal", "SuccessfulDelete", $"delete Pod {v.Name} in StatefulSet {name} successful", "statefulset-controller");
            }
            blocked = true;
        }
        // rolling update: replace the highest out-of-date ordinal >= partition once everything is ready
        if (rolling && !blocked && owned.Values.All(p => PodReady(p.Object)))
        {
            for (var i = (int)replicas - 1; i >= partition; i--)
                if (owned.TryGetValue($"{name}-{i}", out var p) && Rev(p) != updateRev)
                {
                    DeletePod(p); owned.Remove(p.Name);
                    Record(sts, "Normal", "SuccessfulDelete", $"delete Pod {p.Name} in StatefulSet {name} successful", "statefulset-controller");
                    break;
                }
        }
        var pods = owned.Values.Where(p => PodActive(p.Object)).ToList();
        var ready = pods.Count(p => PodReady(p.Object));
        var updated = pods.Count(p => Rev(p) == updateRev);
        if (updated == replicas && pods.Count == replicas && ready == replicas) currentRev = updateRev;
        var current = pods.Count(p => Rev(p) == currentRev);
        var st = new JsonObject
        {
            ["observedGeneration"] = JsonUtil.Long(sts.Object, "metadata", "generation") ?? 1,
            ["replicas"] = pods.Count, ["readyReplicas"] = ready, ["currentReplicas"] = current, ["updatedReplicas"] = updated,
            ["currentRevision"] = currentRev, ["updateRevision"] = updateRev, ["collisionCount"] = 0, ["availableReplicas"] = ready,
        };
        if (ready == 0) st.Remove("readyReplicas");
        var cur = Store.Get(StsT, ns, name);
        if (cur != null) WriteStatus(cur, st);
    }

    // ------------------------------------------------------------ DaemonSet
    private void ReconcileDaemonSet(string ns, string name)
    {
        var ds = Store.Get(DsT, ns, name);
        if (ds is null || Deleting(ds)) return;
        var template = ds.Object["spec"]?["template"];
        var hash = Hash(template);
        var nodeSel = template?["spec"]?["nodeSelector"] as JsonObject;
        var nodes = Store.List(NodeT).Items.Where(n => nodeSel is null || nodeSel.All(kv => (string)n.Object["metadata"]?["labels"]?[kv.Key] == (string)kv.Value)).Select(n => n.Name).ToList();
        var pods = ChildrenOf(ds.Uid, PodT).Where(p => PodActive(p.Object)).ToList();
        var gen = JsonUtil.Long(ds.Object, "metadata", "generation") ?? 1;
        foreach (var p in pods.Where(p => !nodes.Contains(JsonUtil.Str(p.Object, "spec", "nodeName") ?? "")).ToList())
        {
            DeletePod(p); pods.Remove(p);
            Record(ds, "Normal", "SuccessfulDelete", $"Deleted pod: {p.Name}", "daemonset-controller");
        }
        foreach (var node in nodes)
        {
            var on = pods.Where(p => JsonUtil.Str(p.Object, "spec", "nodeName") == node).ToList();
            if (on.Count == 0)
            {
                var po = PodFromTemplate(ds, template, new() { ["controller-revision-hash"] = hash, ["pod-template-generation"] = gen.ToString(CultureInfo.InvariantCulture) });
                JsonUtil.Obj(po, "spec")["nodeName"] = node;
                var p = CreateObject(PodT, po, name + "-");
                pods.Add(p);
                Record(ds, "Normal", "SuccessfulCreate", $"Created pod: {p.Name}", "daemonset-controller");
            }
            foreach (var p in on.Skip(1)) { DeletePod(p); pods.Remove(p); }
        }
        var rolling = (JsonUtil.Str(ds.Object, "spec", "updateStrategy", "type") ?? "RollingUpdate") == "RollingUpdate";
        if (rolling && pods.All(p => PodReady(p.Object)))
        {
            var stale = pods.FirstOrDefault(p => (string)p.Object["metadata"]?["labels"]?["controller-revision-hash"] != hash);
            if (stale != null)
            {
                DeletePod(stale); pods.Remove(stale);
                Record(ds, "Normal", "SuccessfulDelete", $"Deleted pod: {stale.Name}", "daemonset-controller");
            }
        }
        var ready = pods.Count(p => PodReady(p.Object));
        var updated = pods.Count(p => (string)p.Object["metadata"]?["labels"]?["controller-revision-hash"] == hash);
        var st = new JsonObject
        {
            ["currentNumberScheduled"] = pods.Count, ["numberMisscheduled"] = 0, ["desiredNumberScheduled"] = nodes.Count,
            ["numberReady"] = ready, ["observedGeneration"] = gen, ["updatedNumberScheduled"] = updated, ["numberAvailable"] = ready,
        };
        if (nodes.Count - ready > 0) st["numberUnavailable"] = nodes.Count - ready;
        if (ready == 0) st.Remove("numberAvailable");
        var cur = Store.Get(DsT, ns, name);
        if (cur != null) WriteStatus(cur, st);
    }
}
