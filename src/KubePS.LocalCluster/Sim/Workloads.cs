using System.Globalization;
using System.Text.Json.Nodes;

namespace KubePS.LocalCluster.Sim;

public sealed partial class Simulation
{
    private static bool Deleting(StoredObject o) => o.Object["metadata"]?["deletionTimestamp"] != null;

    private static int IntOrPercent(JsonNode v, long total, bool roundUp, int fallback)
    {
        if (v is null) return fallback;
        var s = v is JsonValue jv && jv.TryGetValue<string>(out var str) ? str : null;
        if (s is null) return (int)(JsonUtil.Long(v) ?? fallback);
        if (s.EndsWith('%') && double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var p))
            return (int)(roundUp ? Math.Ceiling(total * p / 100) : Math.Floor(total * p / 100));
        return int.TryParse(s, out var n) ? n : fallback;
    }

    /// <summary>A pod object from a template, owned by the given controller.</summary>
    private JsonObject PodFromTemplate(StoredObject owner, JsonNode template, Dictionary<string, string> extraLabels = null)
    {
        var tm = template?["metadata"] as JsonObject;
        var labels = (tm?["labels"]?.DeepClone() as JsonObject) ?? new JsonObject();
        if (extraLabels != null) foreach (var kv in extraLabels) labels[kv.Key] = kv.Value;
        var meta = new JsonObject { ["namespace"] = owner.Namespace, ["labels"] = labels };
        if (tm?["annotations"] is JsonObject ann && ann.Count > 0) meta["annotations"] = ann.DeepClone();
        meta["ownerReferences"] = new JsonArray(OwnerRef(owner));
        return new JsonObject { ["metadata"] = meta, ["spec"] = template?["spec"]?.DeepClone() ?? new JsonObject() };
    }

    private static DateTime? ReadySince(JsonNode pod)
    {
        var c = (pod?["status"]?["conditions"] as JsonArray)?.FirstOrDefault(x => (string)x?["type"] == "Ready" && (string)x?["status"] == "True");
        return c is null ? null : JsonUtil.ParseTime((string)c["lastTransitionTime"] ?? "") ?? DateTime.UtcNow;
    }

    private static bool Available(JsonNode pod, long minReadySeconds, DateTime now) =>
        PodActive(pod) && ReadySince(pod) is DateTime t && (minReadySeconds <= 0 || (now - t).TotalSeconds >= minReadySeconds);

    // ------------------------------------------------------------ ReplicaSet
    private void ReconcileReplicaSet(string ns, string name)
    {
        var rs = Store.Get(RsT, ns, name);
        if (rs is null || Deleting(rs)) return;
        var pods = ChildrenOf(rs.Uid, PodT).Where(p => PodActive(p.Object)).ToList();
        var want = Replicas(rs.Object);
        if (pods.Count < want)
        {
            for (var i = pods.Count; i < want; i++)
            {
                var p = CreateObject(PodT, PodFromTemplate(rs, rs.Object["spec"]?["template"]), rs.Name + "-");
                Record(rs, "Normal", "SuccessfulCreate", $"Created pod: {p.Name}", "replicaset-controller");
                pods.Add(p);
            }
        }
        else if (pods.Count > want)
        {
            var victims = pods.OrderBy(p => string.IsNullOrEmpty(JsonUtil.Str(p.Object, "spec", "nodeName")) ? 0 : 1)
                .ThenBy(p => JsonUtil.Str(p.Object, "status", "phase") == "Running" ? 1 : 0)
                .ThenBy(p => PodReady(p.Object) ? 1 : 0)
                .ThenByDescending(p => JsonUtil.Str(p.Object, "metadata", "creationTimestamp"), StringComparer.Ordinal)
                .ThenByDescending(p => p.Name, StringComparer.Ordinal)
                .Take(pods.Count - (int)want).ToList();
            foreach (var v in victims)
            {
                DeletePod(v);
                Record(rs, "Normal", "SuccessfulDelete", $"Deleted pod: {v.Name}", "replicaset-controller");
                pods.Remove(v);
            }
        }
        var now = DateTime.UtcNow;
        var minReady = JsonUtil.Long(rs.Object, "spec", "minReadySeconds") ?? 0;
        var ready = pods.Count(p => PodReady(p.Object));
        var avail = pods.Count(p => Available(p.Object, minReady, now));
        if (avail < ready) AfterReconcile(minReady * 500, "ReplicaSet|" + ns + "|" + name);
        var st = new JsonObject
        {
            ["replicas"] = pods.Count, ["fullyLabeledReplicas"] = pods.Count, ["readyReplicas"] = ready, ["availableReplicas"] = avail,
            ["observedGeneration"] = JsonUtil.Long(rs.Object, "metadata", "generation") ?? 1,
        };
        if (ready == 0) st.Remove("readyReplicas");
        if (avail == 0) st.Remove("availableReplicas");
        if (pods.Count == 0) st.Remove("fullyLabeledReplicas");
        var cur = Store.Get(RsT, ns, name);
        if (cur != null) WriteStatus(cur, st);
    }

    private void ScaleRs(StoredObject d, StoredObject rs, long to, string verb = null)
    {
        var from = Replicas(rs.Object);
        if (from == to) return;
        var o = rs.CloneObject();
        JsonUtil.Obj(o, "spec")["replicas"] = to;
        var meta = JsonUtil.Obj(o, "metadata");
        var ann = JsonUtil.Obj(meta, "annotations");
        ann["deployment.kubernetes.io/desired-replicas"] = Replicas(d.Object).ToString(CultureInfo.InvariantCulture);
        meta["generation"] = (JsonUtil.Long(o, "metadata", "generation") ?? 1) + 1;
        Store.Update(RsT, o);
        Record(d, "Normal", "ScalingReplicaSet", $"Scaled {(to > from ? "up" : "down")} replica set {rs.Name} from {from} to {to}", "deployment-controller");
    }

    // ------------------------------------------------------------ Deployment
    private void ReconcileDeployment(string ns, string name)
    {
        var d = Store.Get(DeployT, ns, name);
        if (d is null || Deleting(d)) return;
        var spec = d.Object["spec"];
        var replicas = Replicas(d.Object);
        var template = (JsonObject)(spec?["template"]?.DeepClone() ?? new JsonObject());
        var hash = Hash(template);
        var rss = ChildrenOf(d.Uid, RsT).Where(r => !Deleting(r)).ToList();
        long Rev(StoredObject r) => long.TryParse(Ann(r.Object, "deployment.kubernetes.io/revision"), out var v) ? v : 0;
        var newRs = rss.FirstOrDefault(r => (string)r.Object["metadata"]?["labels"]?["pod-template-hash"] == hash);
        var olds = rss.Where(r => r != newRs).OrderBy(Rev).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
        var maxRev = rss.Count == 0 ? 0 : rss.Max(Rev);
        var recreate = JsonUtil.Str(spec, "strategy", "type") == "Recreate";
        var surge = recreate ? 0 : IntOrPercent(spec?["strategy"]?["rollingUpdate"]?["maxSurge"], replicas, true, (int)Math.Ceiling(replicas * 0.25));
        var unavailable = recreate ? 0 : IntOrPercent(spec?["strategy"]?["rollingUpdate"]?["maxUnavailable"], replicas, false, (int)Math.Floor(replicas * 0.25));
        if (surge == 0 && unavailable == 0 && !recreate) unavailable = 1;
        var paused = (bool?)spec?["paused"] == true;
        string createdNew = null;
        if (newRs is null && !paused)
        {
            var oldActive = olds.Sum(r => Replicas(r.Object));
            long initial;
            if (recreate) initial = oldActive > 0 ? 0 : replicas;
            else if (oldActive == 0) initial = replicas;
            else initial = Math.Max(0, Math.Min(replicas, replicas + surge - oldActive));
            var tl = JsonUtil.Obj(JsonUtil.Obj(template, "metadata"), "labels");
            tl["pod-template-hash"] = hash;
            var sel = (JsonObject)(spec?["selector"]?.DeepClone() ?? new JsonObject());
            JsonUtil.Obj(sel, "matchLabels")["pod-template-hash"] = hash;
            var rsObj = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["name"] = d.Name + "-" + hash, ["namespace"] = ns, ["labels"] = tl.DeepClone(),
                    ["annotations"] = new JsonObject
                    {
                        ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(CultureInfo.InvariantCulture),
                        ["deployment.kubernetes.io/max-replicas"] = (replicas + surge).ToString(CultureInfo.InvariantCulture),
                        ["deployment.kubernetes.io/revision"] = (maxRev + 1).ToString(CultureInfo.InvariantCulture),
                    },
                    ["ownerReferences"] = new JsonArray(OwnerRef(d)),
                },
                ["spec"] = new JsonObject { ["replicas"] = initial, ["minReadySeconds"] = JsonUtil.Long(spec, "minReadySeconds") ?? 0, ["selector"] = sel, ["template"] = template },
            };
            if (Store.Get(RsT, ns, d.Name + "-" + hash) is { } clash) { TryDelete(RsT, ns, clash.Name); return; }
            newRs = CreateObject(RsT, rsObj);
            createdNew = newRs.Name;
            if (initial > 0) Record(d, "Normal", "ScalingReplicaSet", $"Scaled up replica set {newRs.Name} from 0 to {initial}", "deployment-controller");
        }
        else if (newRs != null && Rev(newRs) < maxRev)
        {
            var o = newRs.CloneObject();
            JsonUtil.Obj(JsonUtil.Obj(o, "metadata"), "annotations")["deployment.kubernetes.io/revision"] = (maxRev + 1).ToString(CultureInfo.InvariantCulture);
            newRs = Store.Update(RsT, o);
        }
        if (newRs != null && Ann(d.Object, "deployment.kubernetes.io/revision") != Ann(newRs.Object, "deployment.kubernetes.io/revision"))
        {
            // the Deployment carries its current revision too (kubectl rollout undo patches /metadata/annotations)
            var dm = d.CloneObject();
            JsonUtil.Obj(JsonUtil.Obj(dm, "metadata"), "annotations")["deployment.kubernetes.io/revision"] = Ann(newRs.Object, "deployment.kubernetes.io/revision");
            d = Store.Update(DeployT, dm, d.ResourceVersion);
        }
        var now = DateTime.UtcNow;
        long Avail(StoredObject r) => JsonUtil.Long(r.Object, "status", "availableReplicas") ?? 0;
        if (!paused && newRs != null && createdNew is null)
        {
            if (recreate)
            {
                foreach (var o in olds) ScaleRs(d, o, 0);
                if (olds.All(o => (JsonUtil.Long(o.Object, "status", "replicas") ?? 0) == 0)) ScaleRs(d, newRs, replicas);
            }
            else
            {
                var oldSpec = olds.Sum(r => Replicas(r.Object));
                long target;
                if (oldSpec == 0) target = replicas;
                else
                {
                    var total = oldSpec + Replicas(newRs.Object);
                    var maxTotal = replicas + surge;
                    target = total >= maxTotal ? Replicas(newRs.Object) : Math.Min(replicas, Replicas(newRs.Object) + (maxTotal - total));
                    target = Math.Min(target, replicas);
                }
                if (target != Replicas(newRs.Object)) { ScaleRs(d, newRs, target); newRs = Store.Get(RsT, ns, newRs.Name) ?? newRs; }
                if (oldSpec > 0)
                {
                    var allSpec = oldSpec + Replicas(newRs.Object);
                    var minAvailable = replicas - unavailable;
                    var newUnavailable = Replicas(newRs.Object) - Avail(newRs);
                    var maxScaledDown = allSpec - minAvailable - newUnavailable;
                    // first: old replicas that are not available anyway
                    foreach (var o in olds)
                    {
                        if (maxScaledDown <= 0) break;
                        var unhealthy = Replicas(o.Object) - Avail(o);
                        if (unhealthy <= 0) continue;
                        var by = Math.Min(unhealthy, maxScaledDown);
                        ScaleRs(d, o, Replicas(o.Object) - by);
                        maxScaledDown -= by;
                    }
                    olds = olds.Select(o => Store.Get(RsT, ns, o.Name) ?? o).ToList();
                    var availableAll = olds.Sum(Avail) + Avail(newRs);
                    var canDown = availableAll - minAvailable;
                    foreach (var o in olds)
                    {
                        if (canDown <= 0) break;
                        var r = Replicas(o.Object);
                        if (r == 0) continue;
                        var by = Math.Min(r, canDown);
                        ScaleRs(d, o, r - by);
                        canDown -= by;
                    }
                }
            }
            // revision history
            var limit = JsonUtil.Long(spec, "revisionHistoryLimit") ?? 10;
            var dead = olds.Select(o => Store.Get(RsT, ns, o.Name)).Where(o => o != null && Replicas(o.Object) == 0 && (JsonUtil.Long(o.Object, "status", "replicas") ?? 0) == 0).ToList();
            for (var i = 0; i < dead.Count - limit; i++) TryDelete(RsT, ns, dead[i].Name);
        }
        // status
        var all = ChildrenOf(d.Uid, RsT).Where(r => !Deleting(r)).ToList();
        if (newRs != null && all.All(r => r.Name != newRs.Name)) all.Add(newRs);
        var nr = newRs is null ? null : all.First(r => r.Name == newRs.Name);
        long S(StoredObject r, string f) => JsonUtil.Long(r.Object, "status", f) ?? 0;
        var statusReplicas = all.Sum(r => S(r, "replicas"));
        var updated = nr is null ? 0 : S(nr, "replicas");
        var readyN = all.Sum(r => S(r, "readyReplicas"));
        var availN = all.Sum(r => S(r, "availableReplicas"));
        var specTotal = all.Sum(r => Replicas(r.Object));
        var old = d.Object["status"] as JsonObject;
        var oldConds = old?["conditions"] as JsonArray;
        var nowS = Now();
        var st = new JsonObject { ["observedGeneration"] = JsonUtil.Long(d.Object, "metadata", "generation") ?? 1 };
        if (statusReplicas > 0) st["replicas"] = statusReplicas;
        if (updated > 0) st["updatedReplicas"] = updated;
        if (readyN > 0) st["readyReplicas"] = readyN;
        if (availN > 0) st["availableReplicas"] = availN;
        var unav = Math.Max(0, Math.Max(specTotal, replicas) - availN);
        if (unav > 0) st["unavailableReplicas"] = unav;
        JsonObject DCond(string type, string status, string reason, string message, bool touch)
        {
            var prev = oldConds?.FirstOrDefault(c => (string)c?["type"] == type) as JsonObject;
            var same = prev != null && (string)prev["status"] == status && (string)prev["reason"] == reason && (string)prev["message"] == message;
            return new JsonObject
            {
                ["type"] = type, ["status"] = status,
                ["lastUpdateTime"] = same && !touch ? (string)prev["lastUpdateTime"] : nowS,
                ["lastTransitionTime"] = prev != null && (string)prev["status"] == status ? (string)prev["lastTransitionTime"] : nowS,
                ["reason"] = reason, ["message"] = message,
            };
        }
        var availableCond = availN >= replicas - unavailable
            ? DCond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", false)
            : DCond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", false);
        var prevProg = oldConds?.FirstOrDefault(c => (string)c?["type"] == "Progressing") as JsonObject;
        var rsName = nr?.Name ?? "";
        var complete = nr != null && updated == replicas && statusReplicas == replicas && availN == replicas && Replicas(nr.Object) == replicas;
        var deadline = JsonUtil.Long(spec, "progressDeadlineSeconds");
        JsonObject prog;
        var progressed = old is null || updated > (JsonUtil.Long(old, "updatedReplicas") ?? 0) || readyN > (JsonUtil.Long(old, "readyReplicas") ?? 0)
            || availN > (JsonUtil.Long(old, "availableReplicas") ?? 0) || statusReplicas - updated < (JsonUtil.Long(old, "replicas") ?? 0) - (JsonUtil.Long(old, "updatedReplicas") ?? 0);
        if (paused) prog = DCond("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", false);
        else if (complete)
            prog = (string)prevProg?["reason"] == "NewReplicaSetAvailable" && (string)prevProg?["message"] == $"ReplicaSet \"{rsName}\" has successfully progressed."
                ? (JsonObject)prevProg.DeepClone()
                : DCond("Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{rsName}\" has successfully progressed.", true);
        else if (createdNew != null) prog = DCond("Progressing", "True", "NewReplicaSetCreated", $"Created new replica set \"{createdNew}\"", true);
        else if (progressed || prevProg is null || (string)prevProg["reason"] == "NewReplicaSetAvailable" || (string)prevProg["reason"] == "DeploymentPaused" || (string)prevProg["reason"] == "ProgressDeadlineExceeded" && progressed)
            prog = DCond("Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{rsName}\" is progressing.", true);
        else prog = (JsonObject)prevProg.DeepClone();
        if (!complete && !paused && deadline is long dl && (string)prog["reason"] != "ProgressDeadlineExceeded")
        {
            var last = JsonUtil.ParseTime((string)prog["lastUpdateTime"] ?? "") ?? now;
            var left = last.AddSeconds(dl) - now;
            if (left <= TimeSpan.Zero)
            {
                prog = DCond("Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{rsName}\" has timed out progressing.", true);
                Record(d, "Warning", "ProgressDeadlineExceeded", $"Deployment \"{d.Name}\" exceeded its progress deadline", "deployment-controller");
            }
            else AfterReconcile(left.TotalMilliseconds + 1100, "Deployment|" + ns + "|" + name);
        }
        st["conditions"] = new JsonArray(availableCond, prog);
        var cur = Store.Get(DeployT, ns, name);
        if (cur != null) WriteStatus(cur, st);
    }
}
