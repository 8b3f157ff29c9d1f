using System.Text.Json.Nodes;

namespace KubePS.LocalCluster.Sim;

public sealed partial class Simulation
{
    private static bool SelectorMatches(JsonObject selector, JsonNode labels) =>
        selector is { Count: > 0 } && selector.All(kv => (string)labels?[kv.Key] == (string)kv.Value);

    private void OnPodChangedForServices(StoredObject pod)
    {
        var labels = pod.Object["metadata"]?["labels"];
        foreach (var svc in Store.List(SvcT, pod.Namespace).Items)
            if (SelectorMatches(svc.Object["spec"]?["selector"] as JsonObject, labels) || EndpointsMention(svc, pod.Name))
                Enqueue(SvcT, svc.Namespace, svc.Name);
    }

    private bool EndpointsMention(StoredObject svc, string pod) =>
        Store.Get(EpT, svc.Namespace, svc.Name)?.Object["subsets"] is JsonArray subs &&
        subs.Any(s => ((s?["addresses"] as JsonArray) ?? []).Concat((s?["notReadyAddresses"] as JsonArray) ?? []).Any(a => (string)a?["targetRef"]?["name"] == pod));

    /// <summary>Endpoints controller: the Endpoints of a service list its ready (and not-ready) pods.</summary>
    private void ReconcileEndpoints(string ns, string name)
    {
        var svc = Store.Get(SvcT, ns, name);
        var ep = Store.Get(EpT, ns, name);
        if (svc is null)
        {
            if (ep != null && Ann(ep.Object, "kubeps.io/managed") == "true") TryDelete(EpT, ns, name);
            return;
        }
        if (svc.Object["spec"]?["selector"] is not JsonObject { Count: > 0 } selector) return;
        var ready = new List<(string Ip, JsonObject Addr, StoredObject Pod)>();
        var notReady = new List<(string Ip, JsonObject Addr, StoredObject Pod)>();
        if (_podsByNs.TryGetValue(ns, out var names))
            foreach (var pn in names)
            {
                var p = Store.Get(PodT, ns, pn);
                if (p is null || !PodActive(p.Object) || !SelectorMatches(selector, p.Object["metadata"]?["labels"])) continue;
                var ip = JsonUtil.Str(p.Object, "status", "podIP");
                if (string.IsNullOrEmpty(ip)) continue;
                var addr = new JsonObject
                {
                    ["ip"] = ip, ["nodeName"] = JsonUtil.Str(p.Object, "spec", "nodeName"),
                    ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = ns, ["name"] = p.Name, ["uid"] = p.Uid },
                };
                (PodReady(p.Object) ? ready : notReady).Add((ip, addr, p));
            }
        ready.Sort((a, b) => string.CompareOrdinal(a.Ip, b.Ip));
        notReady.Sort((a, b) => string.CompareOrdinal(a.Ip, b.Ip));
        var anyPod = ready.Concat(notReady).Select(x => x.Pod).FirstOrDefault();
        var ports = new JsonArray();
        foreach (var sp in (svc.Object["spec"]?["ports"] as JsonArray) ?? [])
        {
            var tp = sp?["targetPort"] ?? sp?["port"];
            long? port = JsonUtil.Long(tp);
            if (port is null && tp is JsonValue v && v.TryGetValue<string>(out var pname))
                port = (anyPod?.Object["spec"]?["containers"] as JsonArray)?.SelectMany(c => (c?["ports"] as JsonArray) ?? []).Where(x => (string)x?["name"] == pname).Select(x => JsonUtil.Long(x, "containerPort")).FirstOrDefault();
            if (port is null) continue;
            var e = new JsonObject();
            if ((string)sp?["name"] is { Length: > 0 } n) e["name"] = n;
            e["port"] = port; e["protocol"] = (string)sp?["protocol"] ?? "TCP";
            ports.Add(e);
        }
        var subsets = new JsonArray();
        if (ready.Count + notReady.Count > 0)
        {
            var s = new JsonObject();
            if (ready.Count > 0) s["addresses"] = new JsonArray(ready.Select(x => (JsonNode)x.Addr).ToArray());
            if (notReady.Count > 0) s["notReadyAddresses"] = new JsonArray(notReady.Select(x => (JsonNode)x.Addr).ToArray());
            s["ports"] = ports;
            subsets.Add(s);
        }
        ReconcileSlice(svc, ready.Concat(notReady).Select(x => x.Pod).ToList(), ports);
        var labels = (svc.Object["metadata"]?["labels"]?.DeepClone() as JsonObject) ?? new JsonObject();
        labels["endpoints.kubernetes.io/managed-by"] = "endpoint-controller";
        if (ep is null)
        {
            var o = new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels, ["annotations"] = new JsonObject { ["kubeps.io/managed"] = "true", ["endpoints.kubernetes.io/last-change-trigger-time"] = Now() } },
            };
            if (subsets.Count > 0) o["subsets"] = subsets;
            CreateObject(EpT, o);
            return;
        }
        var cur = ep.Object["subsets"] ?? new JsonArray();
        if (JsonNode.DeepEquals(cur, subsets)) return;
        var u = ep.CloneObject();
        if (subsets.Count > 0) u["subsets"] = subsets; else u.Remove("subsets");
        var ann = JsonUtil.Obj(JsonUtil.Obj(u, "metadata"), "annotations");
        ann["endpoints.kubernetes.io/last-change-trigger-time"] = Now();
        Store.Update(EpT, u, ep.ResourceVersion);
    }

    /// <summary>EndpointSlice controller: one IPv4 slice per service, owned by it.</summary>
    private void ReconcileSlice(StoredObject svc, List<StoredObject> pods, JsonArray ports)
    {
        var sliceT = Registry.Find("discovery.k8s.io", "v1", "endpointslices");
        if (sliceT is null) return;
        var name = svc.Name + "-" + Hash(JsonValue.Create(svc.Uid))[..5];
        var eps = new JsonArray();
        foreach (var p in pods.OrderBy(p => JsonUtil.Str(p.Object, "status", "podIP"), StringComparer.Ordinal))
        {
            var ready = PodReady(p.Object);
            eps.Add(new JsonObject
            {
                ["addresses"] = new JsonArray(JsonUtil.Str(p.Object, "status", "podIP")),
                ["conditions"] = new JsonObject { ["ready"] = ready, ["serving"] = ready, ["terminating"] = false },
                ["nodeName"] = JsonUtil.Str(p.Object, "spec", "nodeName"),
                ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = p.Namespace, ["name"] = p.Name, ["uid"] = p.Uid },
            });
        }
        var cur = Store.Get(sliceT, svc.Namespace, name);
        if (cur is null)
        {
            var labels = (svc.Object["metadata"]?["labels"]?.DeepClone() as JsonObject) ?? new JsonObject();
            labels["kubernetes.io/service-name"] = svc.Name;
            labels["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io";
            CreateObject(sliceT, new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = svc.Namespace, ["labels"] = labels, ["ownerReferences"] = new JsonArray(OwnerRef(svc)) },
                ["addressType"] = "IPv4", ["endpoints"] = eps, ["ports"] = ports.DeepClone(),
            });
            return;
        }
        if (JsonNode.DeepEquals(cur.Object["endpoints"], eps) && JsonNode.DeepEquals(cur.Object["ports"], ports)) return;
        var u = cur.CloneObject();
        u["endpoints"] = eps; u["ports"] = ports.DeepClone();
        Store.Update(sliceT, u, cur.ResourceVersion);
    }

    // ------------------------------------------------------------ PVC binder
    private void ReconcilePvc(string ns, string name)
    {
        var pvc = Store.Get(PvcT, ns, name);
        if (pvc is null || Deleting(pvc) || JsonUtil.Str(pvc.Object, "status", "phase") == "Bound") return;
        var o = pvc.CloneObject();
        var spec = JsonUtil.Obj(o, "spec");
        var volume = JsonUtil.Str(spec, "volumeName") is { Length: > 0 } vn ? vn : "pvc-" + pvc.Uid;
        spec["volumeName"] = volume;
        var ann = JsonUtil.Obj(JsonUtil.Obj(o, "metadata"), "annotations");
        ann["pv.kubernetes.io/bind-completed"] = "yes";
        ann["pv.kubernetes.io/bound-by-controller"] = "yes";
        o["status"] = new JsonObject
        {
            ["phase"] = "Bound", ["accessModes"] = spec["accessModes"]?.DeepClone() ?? new JsonArray("ReadWriteOnce"),
            ["capacity"] = new JsonObject { ["storage"] = JsonUtil.Str(spec, "resources", "requests", "storage") ?? "1Gi" },
        };
        Store.Update(PvcT, o, pvc.ResourceVersion);
        Record(pvc, "Normal", "ProvisioningSucceeded", $"Successfully provisioned volume {volume} (simulated by kubeps-local)", "kubeps.io/local-provisioner");
    }

    // ------------------------------------------------------------ Namespace lifecycle
    private void ReconcileNamespace(string name)
    {
        var ns = Store.Get(NsT, null, name);
        if (ns is null || ns.Object["metadata"]?["deletionTimestamp"] is null) return;
        var remaining = 0;
        foreach (var t in Registry.All.Where(t => t.Namespaced && !t.Virtual).ToList())
            foreach (var o in Store.List(t, name).Items)
            {
                remaining++;
                TryDelete(t, name, o.Name);
            }
        After(remaining > 0 ? 50 : 20, () =>
        {
            var cur = Store.Get(NsT, null, name);
            if (cur is null || cur.Uid != ns.Uid) return;
            var left = Registry.All.Where(t => t.Namespaced && !t.Virtual).Sum(t => Store.List(t, name).Items.Count);
            if (left > 0) { Enqueue(NsT, "", name); return; }
            TryDelete(NsT, null, name);
        });
    }
}
