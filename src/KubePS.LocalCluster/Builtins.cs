using System.Globalization;
using System.Text.Json.Nodes;

namespace KubePS.LocalCluster;

/// <summary>The built-in kinds: their discovery data, table columns and row cells.</summary>
public static class Builtins
{
    private const string NameDesc = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: http://kubernetes.io/docs/user-guide/identifiers#names";
    private const string AgeDesc = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    public static TableColumn NameCol => new("Name", "string", "name", NameDesc, 0);
    public static TableColumn AgeCol => new("Age", "string", "", AgeDesc, 0);
    private static TableColumn S(string name, string desc, int prio = 0) => new(name, "string", "", desc, prio);
    private static TableColumn I(string name, string desc, int prio = 0) => new(name, "integer", "", desc, prio);

    public static string HumanDuration(TimeSpan d)
    {
        if (d < TimeSpan.FromSeconds(-1)) return "<invalid>";
        if (d < TimeSpan.Zero) return "0s";
        var seconds = (long)d.TotalSeconds;
        if (seconds < 120) return seconds + "s";
        var minutes = (long)d.TotalMinutes;
        if (minutes < 10) { var s = seconds % 60; return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s"; }
        if (minutes < 180) return minutes + "m";
        var hours = (long)d.TotalHours;
        if (hours < 8) { var m = minutes % 60; return m == 0 ? $"{hours}h" : $"{hours}h{m}m"; }
        if (hours < 48) return hours + "h";
        if (hours < 24 * 8) { var h = hours % 24; return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h"; }
        if (hours < 24 * 365 * 2) return hours / 24 + "d";
        if (hours < 24 * 365 * 8) { var dy = hours / 24 % 365; return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d"; }
        return hours / 24 / 365 + "y";
    }

    public static string Age(JsonNode o, DateTime now, params string[] path)
    {
        var s = JsonUtil.Str(o, path.Length == 0 ? ["metadata", "creationTimestamp"] : path);
        return s is null || JsonUtil.ParseTime(s) is not DateTime t ? "<unknown>" : HumanDuration(now - t);
    }

    private static string Name(JsonObject o) => JsonUtil.Str(o, "metadata", "name") ?? "";
    private static long N(JsonNode o, params string[] p) => JsonUtil.Long(o, p) ?? 0;
    private static string OrNone(string s) => string.IsNullOrEmpty(s) ? "<none>" : s;

    private static (string Containers, string Images) ContainersOf(JsonNode podSpec)
    {
        var cs = podSpec?["containers"] as JsonArray;
        if (cs is null) return ("", "");
        return (string.Join(",", cs.Select(c => (string)c?["name"] ?? "")), string.Join(",", cs.Select(c => (string)c?["image"] ?? "")));
    }

    private static string MapText(JsonNode m) => m is JsonObject o && o.Count > 0 ? string.Join(",", o.Select(kv => $"{kv.Key}={(string)kv.Value}")) : null;

    public static void Register(ResourceRegistry r)
    {
        // ---- core/v1 ----
        r.Add(new ResourceType
        {
            Kind = "Namespace", Plural = "namespaces", Singular = "namespace", ShortNames = ["ns"], Namespaced = false,
            Verbs = ["create", "delete", "get", "list", "patch", "update", "watch"], Subresources = ["status", "finalize"],
            Columns = [NameCol, S("Status", "The status of the namespace"), AgeCol],
            Cells = (o, now) => [Name(o), JsonUtil.Str(o, "status", "phase") ?? "Active", Age(o, now)],
        });
        r.Add(new ResourceType
        {
            Kind = "Pod", Plural = "pods", Singular = "pod", ShortNames = ["po"], Categories = ["all"], Subresources = ["status", "log", "eviction", "binding", "ephemeralcontainers"],
            Columns = [NameCol, S("Ready", "The aggregate readiness state of this pod for accepting traffic."), S("Status", "The aggregate status of the containers in this pod."),
                S("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."), AgeCol,
                S("IP", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
                S("Node", "NodeName is a request to schedule this pod onto a specific node.", 1),
                S("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node.", 1),
                S("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.", 1)],
            Cells = PodCells,
        });
        r.Add(new ResourceType
        {
            Kind = "Service", Plural = "services", Singular = "service", ShortNames = ["svc"], Categories = ["all"], Subresources = ["status", "proxy"],
            Columns = [NameCol, S("Type", "type determines how the Service is exposed."), S("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
                S("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
                S("Port(s)", "The list of ports that are exposed by this service."), AgeCol,
                S("Selector", "Route service traffic to pods with label keys and values matching this selector.", 1)],
            Cells = ServiceCells,
        });
        r.Add(new ResourceType
        {
            Kind = "Endpoints", Plural = "endpoints", Singular = "endpoints", ShortNames = ["ep"],
            Columns = [NameCol, S("Endpoints", "Endpoints of the service"), AgeCol],
            Cells = (o, now) => [Name(o), EndpointsText(o), Age(o, now)],
        });
        r.Add(new ResourceType
        {
            Kind = "ConfigMap", Plural = "configmaps", Singular = "configmap", ShortNames = ["cm"],
            Columns = [NameCol, S("Data", "Data contains the configuration data."), AgeCol],
            Cells = (o, now) => [Name(o), (long)((o["data"] as JsonObject)?.Count ?? 0) + ((o["binaryData"] as JsonObject)?.Count ?? 0), Age(o, now)],
        });
        r.Add(new ResourceType
        {
            Kind = "Secret", Plural = "secrets", Singular = "secret",
            Columns = [NameCol, S("Type", "Used to facilitate programmatic handling of secret data."), S("Data", "Data contains the secret data."), AgeCol],
            Cells = (o, now) => [Name(o), JsonUtil.Str(o, "type") ?? "Opaque", (long)((o["data"] as JsonObject)?.Count ?? 0), Age(o, now)],
        });
        r.Add(new ResourceType
        {
            Kind = "ServiceAccount", Plural = "serviceaccounts", Singular = "serviceaccount", ShortNames = ["sa"], Subresources = ["token"],
            Columns = [NameCol, S("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), AgeCol],
            Cells = (o, now) => [Name(o), (long)((o["secrets"] as JsonArray)?.Count ?? 0), Age(o, now)],
        });
        r.Add(new ResourceType
        {
            Kind = "Event", Plural = "events", Singular = "event", ShortNames = ["ev"],
            Columns = EventColumns(), Cells = EventCells,
        });
        r.Add(new ResourceType
        {
            Kind = "Node", Plural = "nodes", Singular = "node", ShortNames = ["no"], Namespaced = false, Subresources = ["status", "proxy"],
            Columns = [NameCol, S("Status", "The status of the node"), S("Roles", "The roles of the node"), AgeCol, S("Version", "Kubelet Version reported by the node."),
                S("Internal-IP", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1),
                S("External-IP", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1),
                S("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
                S("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
                S("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1)],
            Cells = NodeCells,
        });
        r.Add(new ResourceType
        {
            Kind = "PersistentVolumeClaim", Plural = "persistentvolumeclaims", Singular = "persistentvolumeclaim", ShortNames = ["pvc"], Subresources = ["status"],
            Columns = [NameCol, S("Status", "Phase represents the current phase of PersistentVolumeClaim."), S("Volume", "VolumeName is the binding reference to the PersistentVolume backing this claim."),
                S("Capacity", "Represents the actual resources of the underlying volume."), S("Access Modes", "AccessModes contains the desired access modes the volume should have."),
                S("StorageClass", "Name of the StorageClass required by the claim."), AgeCol, S("VolumeMode", "volumeMode defines what type of volume is required by the claim.", 1)],
            Cells = (o, now) => [Name(o), JsonUtil.Str(o, "status", "phase") ?? "Pending", JsonUtil.Str(o, "spec", "volumeName") ?? "", JsonUtil.Str(o, "status", "capacity", "storage") ?? "",
                AccessModes(o["status"]?["accessModes"]), JsonUtil.Str(o, "spec", "storageClassName") ?? "", Age(o, now), JsonUtil.Str(o, "spec", "volumeMode") ?? "Filesystem"],
        });
        // ---- apps/v1 ----
        var containersCols = new[] { S("Containers", "Names of each container in the template.", 1), S("Images", "Images referenced by each container in the template.", 1) };
        var selectorCol = S("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1);
        r.Add(new ResourceType
        {
            Group = "apps", Kind = "Deployment", Plural = "deployments", Singular = "deployment", ShortNames = ["deploy"], Categories = ["all"], Subresources = ["status", "scale"], HasGeneration = true,
            Columns = [NameCol, S("Ready", "Number of the pod with ready state"), S("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
                S("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."), AgeCol, .. containersCols, selectorCol],
            Cells = (o, now) =>
            {
                var (c, i) = ContainersOf(o["spec"]?["template"]?["spec"]);
                return [Name(o), $"{N(o, "status", "readyReplicas")}/{JsonUtil.Long(o, "spec", "replicas") ?? 1}", N(o, "status", "updatedReplicas"), N(o, "status", "availableReplicas"), Age(o, now), c, i, OrNone(LabelSelector.Format(o["spec"]?["selector"]))];
            },
        });
        r.Add(new ResourceType
        {
            Group = "apps", Kind = "ReplicaSet", Plural = "replicasets", Singular = "replicaset", ShortNames = ["rs"], Categories = ["all"], Subresources = ["status", "scale"], HasGeneration = true,
            Columns = [NameCol, I("Desired", "Replicas is the number of desired replicas."), I("Current", "Replicas is the most recently observed number of replicas."),
                I("Ready", "The number of ready replicas for this replica set."), AgeCol, .. containersCols, selectorCol],
            Cells = (o, now) =>
            {
                var (c, i) = ContainersOf(o["spec"]?["template"]?["spec"]);
                return [Name(o), JsonUtil.Long(o, "spec", "replicas") ?? 1, N(o, "status", "replicas"), N(o, "status", "readyReplicas"), Age(o, now), c, i, OrNone(LabelSelector.Format(o["spec"]?["selector"]))];
            },
        });
        r.Add(new ResourceType
        {
            Group = "apps", Kind = "StatefulSet", Plural = "statefulsets", Singular = "statefulset", ShortNames = ["sts"], Categories = ["all"], Subresources = ["status", "scale"], HasGeneration = true,
            Columns = [NameCol, S("Ready", "Number of the pod with ready state"), AgeCol, .. containersCols],
            Cells = (o, now) =>
            {
                var (c, i) = ContainersOf(o["spec"]?["template"]?["spec"]);
                return [Name(o), $"{N(o, "status", "readyReplicas")}/{JsonUtil.Long(o, "spec", "replicas") ?? 1}", Age(o, now), c, i];
            },
        });
        r.Add(new ResourceType
        {
            Group = "apps", Kind = "DaemonSet", Plural = "daemonsets", Singular = "daemonset", ShortNames = ["ds"], Categories = ["all"], Subresources = ["status"], HasGeneration = true,
            Columns = [NameCol, I("Desired", "The total number of nodes that should be running the daemon pod."), I("Current", "The number of nodes that are running at least 1 daemon pod."),
                I("Ready", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
                I("Up-to-date", "The total number of nodes that are running updated daemon pod"), I("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available."),
                S("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."), AgeCol, .. containersCols, selectorCol],
            Cells = (o, now) =>
            {
                var (c, i) = ContainersOf(o["spec"]?["template"]?["spec"]);
                return [Name(o), N(o, "status", "desiredNumberScheduled"), N(o, "status", "currentNumberScheduled"), N(o, "status", "numberReady"), N(o, "status", "updatedNumberScheduled"),
                    N(o, "status", "numberAvailable"), OrNone(MapText(o["spec"]?["template"]?["spec"]?["nodeSelector"])), Age(o, now), c, i, OrNone(LabelSelector.Format(o["spec"]?["selector"]))];
            },
        });
        // ---- batch/v1 ----
        r.Add(new ResourceType
        {
            Group = "batch", Kind = "Job", Plural = "jobs", Singular = "job", Categories = ["all"], Subresources = ["status"], HasGeneration = true,
            Columns = [NameCol, S("Completions", "The desired number of successfully finished pods the job should be run with."), S("Duration", "Time required to complete the job."), AgeCol, .. containersCols,
                S("Selector", "A label query over pods that should match the pod count.", 1)],
            Cells = (o, now) =>
            {
                var (c, i) = ContainersOf(o["spec"]?["template"]?["spec"]);
                var start = JsonUtil.ParseTime(JsonUtil.Str(o, "status", "startTime") ?? "");
                var end = JsonUtil.ParseTime(JsonUtil.Str(o, "status", "completionTime") ?? "");
                var dur = start is null ? "" : HumanDuration((end ?? now) - start.Value);
                var comp = JsonUtil.Long(o, "spec", "completions");
                var completions = comp is null ? $"{N(o, "status", "succeeded")}/1 of {JsonUtil.Long(o, "spec", "parallelism") ?? 1}" : $"{N(o, "status", "succeeded")}/{comp}";
                if (comp is null && JsonUtil.Long(o, "spec", "parallelism") is null) completions = $"{N(o, "status", "succeeded")}/1";
                return [Name(o), completions, dur, Age(o, now), c, i, OrNone(LabelSelector.Format(o["spec"]?["selector"]))];
            },
        });
        r.Add(new ResourceType
        {
            Group = "batch", Kind = "CronJob", Plural = "cronjobs", Singular = "cronjob", ShortNames = ["cj"], Categories = ["all"], Subresources = ["status"], HasGeneration = true,
            Columns = [NameCol, S("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."), new TableColumn("Suspend", "boolean", "", "This flag tells the controller to suspend subsequent executions.", 0),
                I("Active", "A list of pointers to currently running jobs."), S("Last Schedule", "Information when was the last time the job was successfully scheduled."), AgeCol, .. containersCols,
                S("Selector", "A label query over pods that should match the pod count.", 1)],
            Cells = (o, now) =>
            {
                var (c, i) = ContainersOf(o["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]);
                var last = JsonUtil.Str(o, "status", "lastScheduleTime");
                return [Name(o), JsonUtil.Str(o, "spec", "schedule") ?? "", (bool?)o["spec"]?["suspend"] == true ? "True" : "False", (long)((o["status"]?["active"] as JsonArray)?.Count ?? 0),
                    last is null ? "<none>" : Age(o, now, "status", "lastScheduleTime"), Age(o, now), c, i, OrNone(LabelSelector.Format(o["spec"]?["jobTemplate"]?["spec"]?["selector"]))];
            },
        });
        // ---- networking.k8s.io/v1 ----
        r.Add(new ResourceType
        {
            Group = "networking.k8s.io", Kind = "Ingress", Plural = "ingresses", Singular = "ingress", ShortNames = ["ing"], Subresources = ["status"], HasGeneration = true,
            Columns = [NameCol, S("Class", "The name of the IngressClass resource."), S("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
                S("Address", "Address is a list containing ingress points for the load-balancer"), S("Ports", "Ports of TLS configurations that open"), AgeCol],
            Cells = (o, now) =>
            {
                var hosts = (o["spec"]?["rules"] as JsonArray)?.Select(x => (string)x?["host"]).Where(h => !string.IsNullOrEmpty(h)).ToList() ?? [];
                var addr = (o["status"]?["loadBalancer"]?["ingress"] as JsonArray)?.Select(x => (string)x?["ip"] ?? (string)x?["hostname"]).ToList() ?? [];
                return [Name(o), JsonUtil.Str(o, "spec", "ingressClassName") ?? "<none>", hosts.Count == 0 ? "*" : string.Join(",", hosts), string.Join(",", addr),
                    o["spec"]?["tls"] is JsonArray { Count: > 0 } ? "80, 443" : "80", Age(o, now)];
            },
        });
        // ---- discovery.k8s.io/v1 ----
        r.Add(new ResourceType
        {
            Group = "discovery.k8s.io", Kind = "EndpointSlice", Plural = "endpointslices", Singular = "endpointslice",
            Columns = [NameCol, S("AddressType", "The IP protocol for this slice"), S("Ports", "The ports of this slice"), S("Endpoints", "The addresses of this slice"), AgeCol],
            Cells = (o, now) =>
            {
                var ports = (o["ports"] as JsonArray)?.Select(p => JsonUtil.Long(p, "port")?.ToString(CultureInfo.InvariantCulture) ?? "").ToList() ?? [];
                var addrs = (o["endpoints"] as JsonArray)?.SelectMany(e => (e?["addresses"] as JsonArray)?.Select(a => (string)a) ?? []).ToList() ?? [];
                var ep = addrs.Count == 0 ? "<unset>" : addrs.Count > 3 ? string.Join(",", addrs.Take(3)) + $" + {addrs.Count - 3} more..." : string.Join(",", addrs);
                return [Name(o), JsonUtil.Str(o, "addressType") ?? "", ports.Count == 0 ? "<unset>" : string.Join(",", ports), ep, Age(o, now)];
            },
        });
        // ---- events.k8s.io/v1 ----
        r.Add(new ResourceType { Group = "events.k8s.io", Kind = "Event", Plural = "events", Singular = "event", ShortNames = ["ev"], Columns = EventColumns(), Cells = EventCells });
        // ---- apiextensions.k8s.io/v1 ----
        r.Add(new ResourceType
        {
            Group = "apiextensions.k8s.io", Kind = "CustomResourceDefinition", Plural = "customresourcedefinitions", Singular = "customresourcedefinition", ShortNames = ["crd", "crds"],
            Categories = ["api-extensions"], Namespaced = false, Subresources = ["status"], HasGeneration = true,
            Columns = [NameCol, new TableColumn("Created At", "date", "", AgeDesc, 0)],
            Cells = (o, now) => [Name(o), JsonUtil.Str(o, "metadata", "creationTimestamp") ?? ""],
        });
        // ---- authorization.k8s.io/v1 (create-only, nothing stored) ----
        r.Add(new ResourceType { Group = "authorization.k8s.io", Kind = "SelfSubjectAccessReview", Plural = "selfsubjectaccessreviews", Singular = "selfsubjectaccessreview", Namespaced = false, Verbs = ["create"], Virtual = true });
        r.Add(new ResourceType { Group = "authorization.k8s.io", Kind = "SelfSubjectRulesReview", Plural = "selfsubjectrulesreviews", Singular = "selfsubjectrulesreview", Namespaced = false, Verbs = ["create"], Virtual = true });
        r.Add(new ResourceType { Group = "authentication.k8s.io", Kind = "SelfSubjectReview", Plural = "selfsubjectreviews", Singular = "selfsubjectreview", Namespaced = false, Verbs = ["create"], Virtual = true });
    }

    private static List<TableColumn> EventColumns() =>
    [
        S("Last Seen", "Time when last event was observed."), S("Type", "Type of this event (Normal, Warning), new types could be added in the future."),
        S("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        S("Object", "The object that this event is about."), S("Subobject", "FieldPath of the involved object.", 1), S("Source", "The component reporting this event.", 1),
        S("Message", "A human-readable description of the status of this operation."), S("First Seen", "The time at which the event was first recorded.", 1),
        S("Count", "The number of times this event has occurred.", 1), new TableColumn("Name", "string", "name", NameDesc, 1),
    ];

    private static object[] EventCells(JsonObject o, DateTime now)
    {
        var involved = o["involvedObject"] ?? o["regarding"];
        var last = JsonUtil.Str(o, "lastTimestamp") ?? JsonUtil.Str(o, "deprecatedLastTimestamp") ?? JsonUtil.Str(o, "eventTime") ?? JsonUtil.Str(o, "metadata", "creationTimestamp");
        var first = JsonUtil.Str(o, "firstTimestamp") ?? JsonUtil.Str(o, "deprecatedFirstTimestamp") ?? JsonUtil.Str(o, "eventTime") ?? JsonUtil.Str(o, "metadata", "creationTimestamp");
        string AgeOf(string s) => s is null || JsonUtil.ParseTime(s) is not DateTime t ? "<unknown>" : HumanDuration(now - t);
        var src = o["source"] ?? o["deprecatedSource"];
        var component = (string)src?["component"] ?? JsonUtil.Str(o, "reportingComponent") ?? JsonUtil.Str(o, "reportingController") ?? "";
        var host = (string)src?["host"];
        var count = JsonUtil.Long(o, "count") ?? JsonUtil.Long(o, "deprecatedCount") ?? 1;
        return [AgeOf(last), JsonUtil.Str(o, "type") ?? "", JsonUtil.Str(o, "reason") ?? "",
            $"{((string)involved?["kind"] ?? "").ToLowerInvariant()}/{(string)involved?["name"]}", (string)involved?["fieldPath"] ?? "",
            string.IsNullOrEmpty(host) ? component : $"{component}, {host}", JsonUtil.Str(o, "message") ?? JsonUtil.Str(o, "note") ?? "", AgeOf(first), count.ToString(CultureInfo.InvariantCulture), Name(o)];
    }

    /// <summary>
    /// The real server's pod row (kubectl's READY, STATUS and RESTARTS): init containers first (Init:N/M, Init:&lt;reason&gt;,
    /// sidecars counted), then the app containers from the last to the first, Completed-but-running as Running/NotReady,
    /// Terminating for a deleted pod that has not finished, restarts with the time of the last one.
    /// </summary>
    private static object[] PodCells(JsonObject o, DateTime now)
    {
        var spec = o["spec"];
        var status = o["status"];
        var total = (spec?["containers"] as JsonArray)?.Count ?? 0;
        var ready = 0;
        long restarts = 0, sidecarRestarts = 0;
        DateTime? lastRestart = null, lastSidecarRestart = null;
        var phase = JsonUtil.Str(status, "phase") ?? "";
        var reason = string.IsNullOrEmpty(JsonUtil.Str(status, "reason")) ? phase : JsonUtil.Str(status, "reason");
        var conditions = (status?["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (conditions.Any(c => (string)c["type"] == "PodScheduled" && (string)c["reason"] == "SchedulingGated")) reason = "SchedulingGated";
        bool CondTrue(string type) => conditions.FirstOrDefault(c => (string)c["type"] == type) is { } c && (string)c["status"] == "True";
        var initSpecs = (spec?["initContainers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var sidecars = initSpecs.Where(c => (string)c["restartPolicy"] == "Always").Select(c => (string)c["name"]).ToHashSet();
        total += sidecars.Count;
        static DateTime? Later(DateTime? a, JsonNode s) =>
            JsonUtil.ParseTime(JsonUtil.Str(s, "lastState", "terminated", "finishedAt")) is DateTime t && (a is null || t > a) ? t : a;

        var initializing = false;
        var inits = (status?["initContainerStatuses"] as JsonArray ?? []).ToList();
        for (var i = 0; i < inits.Count; i++)
        {
            var s = inits[i];
            restarts += JsonUtil.Long(s, "restartCount") ?? 0;
            lastRestart = Later(lastRestart, s);
            var sidecar = sidecars.Contains((string)s?["name"] ?? "");
            if (sidecar) { sidecarRestarts += JsonUtil.Long(s, "restartCount") ?? 0; lastSidecarRestart = Later(lastSidecarRestart, s); }
            var term = s?["state"]?["terminated"];
            var waiting = JsonUtil.Str(s, "state", "waiting", "reason");
            if (term != null && (JsonUtil.Long(term, "exitCode") ?? 0) == 0) continue;
            if (sidecar && (bool?)s?["started"] == true) { if ((bool?)s?["ready"] == true) ready++; continue; }
            if (term != null)
            {
                var tr = JsonUtil.Str(term, "reason");
                reason = !string.IsNullOrEmpty(tr) ? "Init:" + tr
                    : (JsonUtil.Long(term, "signal") ?? 0) != 0 ? $"Init:Signal:{JsonUtil.Long(term, "signal")}" : $"Init:ExitCode:{JsonUtil.Long(term, "exitCode") ?? 0}";
            }
            else if (!string.IsNullOrEmpty(waiting) && waiting != "PodInitializing") reason = "Init:" + waiting;
            else reason = $"Init:{i}/{initSpecs.Count}";
            initializing = true;
            break;
        }
        if (!initializing || CondTrue("Initialized"))
        {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            var hasRunning = false;
            var statuses = (status?["containerStatuses"] as JsonArray ?? []).ToList();
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var s = statuses[i];
                restarts += JsonUtil.Long(s, "restartCount") ?? 0;
                lastRestart = Later(lastRestart, s);
                var w = JsonUtil.Str(s, "state", "waiting", "reason");
                var term = s?["state"]?["terminated"];
                if (!string.IsNullOrEmpty(w)) reason = w;
                else if (term != null && !string.IsNullOrEmpty(JsonUtil.Str(term, "reason"))) reason = JsonUtil.Str(term, "reason");
                else if (term != null) reason = (JsonUtil.Long(term, "signal") ?? 0) != 0 ? $"Signal:{JsonUtil.Long(term, "signal")}" : $"ExitCode:{JsonUtil.Long(term, "exitCode") ?? 0}";
                else if ((bool?)s?["ready"] == true && s?["state"]?["running"] != null) { hasRunning = true; ready++; }
            }
            if (reason == "Completed" && hasRunning) reason = CondTrue("Ready") ? "Running" : "NotReady";
        }
        if (o["metadata"]?["deletionTimestamp"] != null)
        {
            if (JsonUtil.Str(status, "reason") == "NodeLost") reason = "Unknown";
            else if (phase is not ("Succeeded" or "Failed")) reason = "Terminating";
        }
        var restartText = restarts.ToString(CultureInfo.InvariantCulture);
        if (restarts != 0 && lastRestart is DateTime lr) restartText += $" ({HumanDuration(now - lr)} ago)";
        var gates = spec?["readinessGates"] as JsonArray;
        var gatesText = "<none>";
        if (gates is { Count: > 0 })
            gatesText = $"{gates.Count(g => CondTrue((string)g?["conditionType"] ?? ""))}/{gates.Count}";
        var podIp = (status?["podIPs"] as JsonArray)?.FirstOrDefault()?["ip"] is JsonNode ip ? (string)ip : null;
        return [Name(o), $"{ready}/{total}", reason, restartText, Age(o, now), OrNone(podIp), OrNone(JsonUtil.Str(spec, "nodeName")),
            OrNone(JsonUtil.Str(status, "nominatedNodeName")), gatesText];
    }

    private static object[] ServiceCells(JsonObject o, DateTime now)
    {
        var type = JsonUtil.Str(o, "spec", "type") ?? "ClusterIP";
        var ext = (o["spec"]?["externalIPs"] as JsonArray)?.Select(x => (string)x).ToList() ?? [];
        var lb = (o["status"]?["loadBalancer"]?["ingress"] as JsonArray)?.Select(x => (string)x?["ip"] ?? (string)x?["hostname"]).ToList() ?? [];
        string external = type switch
        {
            "ExternalName" => JsonUtil.Str(o, "spec", "externalName") ?? "<none>",
            "LoadBalancer" => lb.Count + ext.Count > 0 ? string.Join(",", lb.Concat(ext)) : "<pending>",
            _ => ext.Count > 0 ? string.Join(",", ext) : "<none>",
        };
        var ports = (o["spec"]?["ports"] as JsonArray)?.Select(p =>
        {
            var np = JsonUtil.Long(p, "nodePort");
            return $"{JsonUtil.Long(p, "port")}{(np is > 0 ? ":" + np : "")}/{(string)p?["protocol"] ?? "TCP"}";
        }).ToList() ?? [];
        return [Name(o), type, JsonUtil.Str(o, "spec", "clusterIP") ?? "<none>", external, ports.Count == 0 ? "<none>" : string.Join(",", ports), Age(o, now), OrNone(MapText(o["spec"]?["selector"]))];
    }

    private static string EndpointsText(JsonObject o)
    {
        var list = new List<string>();
        if (o["subsets"] is JsonArray subsets)
            foreach (var s in subsets)
            {
                var ips = (s?["addresses"] as JsonArray)?.Select(a => (string)a?["ip"]).ToList() ?? [];
                var ports = (s?["ports"] as JsonArray)?.Select(p => JsonUtil.Long(p, "port")).ToList() ?? [];
                foreach (var ip in ips)
                    if (ports.Count == 0) list.Add(ip);
                    else list.AddRange(ports.Select(p => $"{ip}:{p}"));
            }
        if (list.Count == 0) return "<none>";
        return list.Count > 3 ? string.Join(",", list.Take(3)) + $" + {list.Count - 3} more..." : string.Join(",", list);
    }

    private static object[] NodeCells(JsonObject o, DateTime now)
    {
        var cond = (o["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => (string)c?["type"] == "Ready");
        var status = cond is null ? "Unknown" : (string)cond["status"] == "True" ? "Ready" : (string)cond["status"] == "False" ? "NotReady" : "Unknown";
        if ((bool?)o["spec"]?["unschedulable"] == true) status += ",SchedulingDisabled";
        var roles = (o["metadata"]?["labels"] as JsonObject)?.Select(kv => kv.Key).Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
            .Select(k => k["node-role.kubernetes.io/".Length..]).Where(x => x.Length > 0).ToList() ?? [];
        string Addr(string type) => (o["status"]?["addresses"] as JsonArray)?.Where(a => (string)a?["type"] == type).Select(a => (string)a?["address"]).FirstOrDefault() ?? "<none>";
        string Info(string f) => JsonUtil.Str(o, "status", "nodeInfo", f) is { Length: > 0 } s ? s : "<unknown>";
        return [Name(o), status, roles.Count == 0 ? "<none>" : string.Join(",", roles), Age(o, now), JsonUtil.Str(o, "status", "nodeInfo", "kubeletVersion") ?? "",
            Addr("InternalIP"), Addr("ExternalIP"), Info("osImage"), Info("kernelVersion"), Info("containerRuntimeVersion")];
    }

    private static string AccessModes(JsonNode n)
    {
        if (n is not JsonArray a) return "";
        return string.Join(",", a.Select(x => (string)x switch
        {
            "ReadWriteOnce" => "RWO", "ReadOnlyMany" => "ROX", "ReadWriteMany" => "RWX", "ReadWriteOncePod" => "RWOP", var s => s,
        }));
    }
}
