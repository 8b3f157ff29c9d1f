using System.Text.Json.Nodes;

namespace KubePS.LocalCluster;

/// <summary>Server-side defaulting done at create (and some at update), as the real API server's defaulters do.</summary>
public static class Defaults
{
    private static int _nextIp = 10;

    private static void Set(JsonObject o, string key, JsonNode value) { if (o[key] is null || o[key] is JsonObject { Count: 0 } && value is JsonObject { Count: > 0 }) o[key] = value; }

    public static void PodSpec(JsonObject spec)
    {
        if (spec is null) return;
        Set(spec, "restartPolicy", "Always");
        Set(spec, "terminationGracePeriodSeconds", 30);
        Set(spec, "dnsPolicy", "ClusterFirst");
        Set(spec, "securityContext", new JsonObject());
        Set(spec, "schedulerName", "default-scheduler");
        foreach (var list in new[] { "containers", "initContainers" })
            if (spec[list] is JsonArray cs)
                foreach (var c in cs.OfType<JsonObject>())
                {
                    Set(c, "resources", new JsonObject());
                    Set(c, "terminationMessagePath", "/dev/termination-log");
                    Set(c, "terminationMessagePolicy", "File");
                    var image = (string)c["image"] ?? "";
                    var lastSeg = image[(image.LastIndexOf('/') + 1)..];
                    Set(c, "imagePullPolicy", !lastSeg.Contains(':') || lastSeg.EndsWith(":latest", StringComparison.Ordinal) ? "Always" : "IfNotPresent");
                    if (c["ports"] is JsonArray ps) foreach (var p in ps.OfType<JsonObject>()) Set(p, "protocol", "TCP");
                }
    }

    public static void OnCreate(ResourceType t, JsonObject o)
    {
        var spec = o["spec"] as JsonObject;
        switch (t.Kind)
        {
            case "Namespace":
                JsonUtil.Obj(o, "spec")["finalizers"] ??= new JsonArray("kubernetes");
                JsonUtil.Obj(o, "status")["phase"] = "Active";
                JsonUtil.Obj(JsonUtil.Obj(o, "metadata"), "labels")["kubernetes.io/metadata.name"] = JsonUtil.Str(o, "metadata", "name");
                break;
            case "Pod":
                PodSpec(spec);
                if (spec != null) { Set(spec, "serviceAccountName", "default"); Set(spec, "serviceAccount", (string)spec["serviceAccountName"]); Set(spec, "enableServiceLinks", true); Set(spec, "preemptionPolicy", "PreemptLowerPriority"); Set(spec, "priority", 0); }
                var st = JsonUtil.Obj(o, "status");
                Set(st, "phase", "Pending");
                Set(st, "qosClass", "BestEffort");
                break;
            case "Service":
                if (spec is null) break;
                Set(spec, "type", "ClusterIP");
                if ((string)spec["type"] != "ExternalName")
                {
                    if (spec["clusterIP"] is null)
                    {
                        var n = Interlocked.Increment(ref _nextIp);
                        spec["clusterIP"] = $"10.96.{n / 250}.{n % 250 + 1}";
                    }
                    Set(spec, "clusterIPs", new JsonArray((string)spec["clusterIP"]));
                    Set(spec, "ipFamilies", new JsonArray("IPv4"));
                    Set(spec, "ipFamilyPolicy", "SingleStack");
                    Set(spec, "internalTrafficPolicy", "Cluster");
                }
                Set(spec, "sessionAffinity", "None");
                if (spec["ports"] is JsonArray ports)
                    foreach (var p in ports.OfType<JsonObject>()) { Set(p, "protocol", "TCP"); Set(p, "targetPort", p["port"]?.DeepClone()); }
                Set(JsonUtil.Obj(o, "status"), "loadBalancer", new JsonObject());
                break;
            case "Secret":
                Set(o, "type", "Opaque");
                break;
            case "PersistentVolumeClaim":
                if (spec != null) Set(spec, "volumeMode", "Filesystem");
                Set(JsonUtil.Obj(o, "status"), "phase", "Pending");
                break;
            case "Deployment":
                if (spec is null) break;
                Set(spec, "replicas", 1);
                Set(spec, "strategy", new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" } });
                Set(spec, "revisionHistoryLimit", 10);
                Set(spec, "progressDeadlineSeconds", 600);
                PodSpec(spec["template"]?["spec"] as JsonObject);
                break;
            case "ReplicaSet":
                if (spec is null) break;
                Set(spec, "replicas", 1);
                PodSpec(spec["template"]?["spec"] as JsonObject);
                break;
            case "StatefulSet":
                if (spec is null) break;
                Set(spec, "replicas", 1);
                Set(spec, "podManagementPolicy", "OrderedReady");
                Set(spec, "updateStrategy", new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["partition"] = 0 } });
                Set(spec, "revisionHistoryLimit", 10);
                PodSpec(spec["template"]?["spec"] as JsonObject);
                break;
            case "DaemonSet":
                if (spec is null) break;
                Set(spec, "updateStrategy", new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 1, ["maxSurge"] = 0 } });
                Set(spec, "revisionHistoryLimit", 10);
                PodSpec(spec["template"]?["spec"] as JsonObject);
                break;
            case "Job":
                if (spec is null) break;
                Set(spec, "parallelism", 1);
                Set(spec, "completions", 1);
                Set(spec, "backoffLimit", 6);
                Set(spec, "completionMode", "NonIndexed");
                Set(spec, "suspend", false);
                var uid = JsonUtil.Str(o, "metadata", "uid");
                if (spec["selector"] is null && (bool?)spec["manualSelector"] != true)
                {
                    spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = uid } };
                    var tl = JsonUtil.Obj(JsonUtil.Obj(JsonUtil.Obj(spec, "template"), "metadata"), "labels");
                    tl["batch.kubernetes.io/controller-uid"] = uid;
                    tl["batch.kubernetes.io/job-name"] = JsonUtil.Str(o, "metadata", "name");
                    tl["controller-uid"] = uid;
                    tl["job-name"] = JsonUtil.Str(o, "metadata", "name");
                }
                PodSpec(spec["template"]?["spec"] as JsonObject);
                break;
            case "CronJob":
                if (spec is null) break;
                Set(spec, "suspend", false);
                Set(spec, "concurrencyPolicy", "Allow");
                Set(spec, "successfulJobsHistoryLimit", 3);
                Set(spec, "failedJobsHistoryLimit", 1);
                PodSpec(spec["jobTemplate"]?["spec"]?["template"]?["spec"] as JsonObject);
                break;
            case "CustomResourceDefinition":
                CrdStatus(o);
                break;
        }
    }

    public static void CrdStatus(JsonObject o)
    {
        var now = JsonUtil.Now();
        var st = JsonUtil.Obj(o, "status");
        st["acceptedNames"] = o["spec"]?["names"]?.DeepClone() ?? new JsonObject();
        st["conditions"] = new JsonArray(
            new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "NoConflicts", ["message"] = "no conflicts found" },
            new JsonObject { ["type"] = "Established", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted" });
        st["storedVersions"] = new JsonArray((o["spec"]?["versions"] as JsonArray)?.Where(v => (bool?)v?["storage"] == true).Select(v => (JsonNode)JsonValue.Create((string)v!["name"])).ToArray() ?? []);
    }
}
