namespace KubePS.Engine.Discovery;

/// <summary>
/// The everyday built-in kinds, as every conformant API server serves them. The typed Get-Kube*
/// shortcuts use these directly, so their first call needs no discovery round trips; Get-KubeResource
/// always goes through discovery.
/// </summary>
public static class BuiltinResources
{
    private static readonly string[] All = { "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection" };

    private static ApiResourceInfo R(string group, string kind, string plural, bool namespaced, params string[] shortNames) => new()
    {
        Group = group,
        Version = "v1",
        Kind = kind,
        Plural = plural,
        Singular = kind.ToLowerInvariant(),
        ShortNames = shortNames,
        Namespaced = namespaced,
        Verbs = All,
        Preferred = true,
    };

    /// <summary>Keyed by the names the typed cmdlets use (plural or plural.group).</summary>
    public static IReadOnlyDictionary<string, ApiResourceInfo> ByName { get; } = new Dictionary<string, ApiResourceInfo>(StringComparer.OrdinalIgnoreCase)
    {
        ["pods"] = R("", "Pod", "pods", true, "po"),
        ["services"] = R("", "Service", "services", true, "svc"),
        ["configmaps"] = R("", "ConfigMap", "configmaps", true, "cm"),
        ["secrets"] = R("", "Secret", "secrets", true),
        ["namespaces"] = R("", "Namespace", "namespaces", false, "ns"),
        ["nodes"] = R("", "Node", "nodes", false, "no"),
        ["persistentvolumeclaims"] = R("", "PersistentVolumeClaim", "persistentvolumeclaims", true, "pvc"),
        ["events"] = R("", "Event", "events", true, "ev"),
        ["serviceaccounts"] = R("", "ServiceAccount", "serviceaccounts", true, "sa"),
        ["endpoints"] = R("", "Endpoints", "endpoints", true, "ep"),
        ["deployments.apps"] = R("apps", "Deployment", "deployments", true, "deploy"),
        ["replicasets.apps"] = R("apps", "ReplicaSet", "replicasets", true, "rs"),
        ["statefulsets.apps"] = R("apps", "StatefulSet", "statefulsets", true, "sts"),
        ["daemonsets.apps"] = R("apps", "DaemonSet", "daemonsets", true, "ds"),
        ["jobs.batch"] = R("batch", "Job", "jobs", true),
        ["cronjobs.batch"] = R("batch", "CronJob", "cronjobs", true, "cj"),
        ["ingresses.networking.k8s.io"] = R("networking.k8s.io", "Ingress", "ingresses", true, "ing"),
    };

    /// <summary>The built-in resource for a typed cmdlet's kind name, or null.</summary>
    public static ApiResourceInfo? Find(string name) => ByName.TryGetValue(name, out var r) ? r : null;
}
