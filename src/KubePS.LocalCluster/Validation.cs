using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KubePS.LocalCluster;

public static partial class Validation
{
    public const string Dns1123SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    public const string Dns1123LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    public const string Dns1035LabelMessage = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    public const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    public const string QualifiedNameMessage = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")] private static partial Regex Dns1123Subdomain();
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")] private static partial Regex Dns1123Label();
    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")] private static partial Regex Dns1035Label();
    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")] private static partial Regex LabelValue();
    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")] private static partial Regex QualifiedName();

    public static bool IsLabelValue(string v) => v.Length <= 63 && LabelValue().IsMatch(v);
    public static bool IsDns1123Subdomain(string v) => v.Length <= 253 && Dns1123Subdomain().IsMatch(v);

    public static bool IsQualifiedName(string k)
    {
        var i = k.IndexOf('/');
        var name = i < 0 ? k : k[(i + 1)..];
        if (i >= 0 && !IsDns1123Subdomain(k[..i])) return false;
        return name.Length is > 0 and <= 63 && QualifiedName().IsMatch(name);
    }

    /// <summary>Which name rule a kind uses.</summary>
    private static int NameRule(ResourceType t) => t.Kind switch
    {
        "Namespace" => 1,
        "Service" => 2,
        _ => 0,
    };

    /// <summary>Validate metadata of an object; returns causes (empty = valid).</summary>
    public static List<(string, string, string)> ValidateMeta(ResourceType t, JsonObject obj)
    {
        var causes = new List<(string, string, string)>();
        var meta = obj["metadata"] as JsonObject;
        var name = (string)meta?["name"];
        if (string.IsNullOrEmpty(name))
            causes.Add(("metadata.name", "FieldValueRequired", "Required value: name or generateName is required"));
        else
        {
            var (ok, msg) = NameRule(t) switch
            {
                1 => (name.Length <= 63 && Dns1123Label().IsMatch(name), Dns1123LabelMessage),
                2 => (name.Length <= 63 && Dns1035Label().IsMatch(name), Dns1035LabelMessage),
                _ => (IsDns1123Subdomain(name), Dns1123SubdomainMessage),
            };
            if (t.IsCustom && t.Kind == "CustomResourceDefinition") ok = true;
            if (!ok) causes.Add(("metadata.name", "FieldValueInvalid", $"Invalid value: \"{name}\": {msg}"));
        }
        if (meta?["labels"] is JsonObject labels)
            foreach (var kv in labels)
            {
                if (!IsQualifiedName(kv.Key)) causes.Add(("metadata.labels", "FieldValueInvalid", $"Invalid value: \"{kv.Key}\": {QualifiedNameMessage}"));
                var v = kv.Value is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : null;
                if (v is null) causes.Add(("metadata.labels", "FieldValueInvalid", $"Invalid value: {kv.Value?.ToJsonString() ?? "null"}: label values must be strings"));
                else if (!IsLabelValue(v)) causes.Add(("metadata.labels", "FieldValueInvalid", $"Invalid value: \"{v}\": {LabelValueMessage}"));
            }
        else if (meta?["labels"] is not null) causes.Add(("metadata.labels", "FieldValueInvalid", "Invalid value: labels must be a map of strings"));
        if (meta?["annotations"] is JsonObject ann)
            foreach (var kv in ann)
                if (!IsQualifiedName(kv.Key)) causes.Add(("metadata.annotations", "FieldValueInvalid", $"Invalid value: \"{kv.Key}\": {QualifiedNameMessage}"));
        return causes;
    }

    /// <summary>Kind-specific checks (required fields) returning causes.</summary>
    public static List<(string, string, string)> ValidateSpec(ResourceType t, JsonObject obj)
    {
        var c = new List<(string, string, string)>();
        switch (t.Kind)
        {
            case "Pod":
                if (obj["spec"]?["containers"] is not JsonArray { Count: > 0 } cs) c.Add(("spec.containers", "FieldValueRequired", "Required value"));
                else
                    for (var i = 0; i < cs.Count; i++)
                    {
                        if (string.IsNullOrEmpty((string)cs[i]?["name"])) c.Add(($"spec.containers[{i}].name", "FieldValueRequired", "Required value"));
                        if (string.IsNullOrEmpty((string)cs[i]?["image"])) c.Add(($"spec.containers[{i}].image", "FieldValueRequired", "Required value"));
                    }
                break;
            case "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet":
                if (obj["spec"]?["selector"] is not JsonObject) c.Add(("spec.selector", "FieldValueRequired", "Required value"));
                if (obj["spec"]?["template"]?["spec"]?["containers"] is not JsonArray { Count: > 0 }) c.Add(("spec.template.spec.containers", "FieldValueRequired", "Required value"));
                if (JsonUtil.Long(obj, "spec", "replicas") is < 0) c.Add(("spec.replicas", "FieldValueInvalid", $"Invalid value: {JsonUtil.Long(obj, "spec", "replicas")}: must be greater than or equal to 0"));
                break;
        }
        return c;
    }

    // ---- strict field validation -------------------------------------------------------------

    private static readonly HashSet<string> MetaFields = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields"];
    private static readonly HashSet<string> SpecStatus = ["spec", "status"];
    private static readonly Dictionary<string, HashSet<string>> TopFields = new()
    {
        ["ConfigMap"] = ["data", "binaryData", "immutable"],
        ["Secret"] = ["data", "stringData", "type", "immutable"],
        ["ServiceAccount"] = ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
        ["Endpoints"] = ["subsets"],
        ["Event"] = ["involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime", "series", "action", "related", "reportingComponent", "reportingInstance",
            "reportingController", "regarding", "note", "deprecatedSource", "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount"],
        ["SelfSubjectAccessReview"] = ["spec", "status"],
    };
    private static readonly HashSet<string> PodSpecFields = ["activeDeadlineSeconds", "affinity", "automountServiceAccountToken", "containers", "dnsConfig", "dnsPolicy", "enableServiceLinks", "ephemeralContainers", "hostAliases", "hostIPC", "hostNetwork", "hostPID", "hostUsers", "hostname", "imagePullSecrets", "initContainers", "nodeName", "nodeSelector", "os", "overhead", "preemptionPolicy", "priority", "priorityClassName", "readinessGates", "resourceClaims", "resources", "restartPolicy", "runtimeClassName", "schedulerName", "schedulingGates", "securityContext", "serviceAccount", "serviceAccountName", "setHostnameAsFQDN", "shareProcessNamespace", "subdomain", "terminationGracePeriodSeconds", "tolerations", "topologySpreadConstraints", "volumes"];
    private static readonly HashSet<string> ContainerFields = ["args", "command", "env", "envFrom", "image", "imagePullPolicy", "lifecycle", "livenessProbe", "name", "ports", "readinessProbe", "resizePolicy", "resources", "restartPolicy", "securityContext", "startupProbe", "stdin", "stdinOnce", "terminationMessagePath", "terminationMessagePolicy", "tty", "volumeDevices", "volumeMounts", "workingDir"];
    private static readonly HashSet<string> WorkloadSpecFields = ["replicas", "selector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit", "paused", "progressDeadlineSeconds", "serviceName", "volumeClaimTemplates", "podManagementPolicy", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "ordinals"];
    private static readonly HashSet<string> TemplateFields = ["metadata", "spec"];

    /// <summary>Unknown fields of a built-in object (top level, metadata, workload/pod specs, containers).</summary>
    public static List<string> UnknownFields(ResourceType t, JsonObject obj)
    {
        var unknown = new List<string>();
        if (t.IsCustom && t.CrdSchema != null) { SchemaUnknown(t.CrdSchema, obj, "", unknown, true); return unknown; }
        var top = TopFields.TryGetValue(t.Kind, out var tf) ? tf : SpecStatus;
        foreach (var kv in obj)
            if (kv.Key is not ("apiVersion" or "kind" or "metadata") && !top.Contains(kv.Key) && !t.IsCustom) unknown.Add(kv.Key);
        if (obj["metadata"] is JsonObject m)
            foreach (var kv in m) if (!MetaFields.Contains(kv.Key)) unknown.Add("metadata." + kv.Key);
        if (t.IsCustom) return unknown;
        JsonObject podSpec = null; string podPath = null;
        if (t.Kind == "Pod") { podSpec = obj["spec"] as JsonObject; podPath = "spec"; }
        if (t.Kind is "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet" && obj["spec"] is JsonObject ws)
        {
            foreach (var kv in ws) if (!WorkloadSpecFields.Contains(kv.Key)) unknown.Add("spec." + kv.Key);
            if (ws["template"] is JsonObject tpl)
            {
                foreach (var kv in tpl) if (!TemplateFields.Contains(kv.Key)) unknown.Add("spec.template." + kv.Key);
                podSpec = tpl["spec"] as JsonObject; podPath = "spec.template.spec";
            }
        }
        if (podSpec != null)
        {
            foreach (var kv in podSpec) if (!PodSpecFields.Contains(kv.Key)) unknown.Add(podPath + "." + kv.Key);
            foreach (var listName in new[] { "containers", "initContainers" })
                if (podSpec[listName] is JsonArray cs)
                    for (var i = 0; i < cs.Count; i++)
                        if (cs[i] is JsonObject c)
                            foreach (var kv in c) if (!ContainerFields.Contains(kv.Key)) unknown.Add($"{podPath}.{listName}[{i}].{kv.Key}");
        }
        return unknown;
    }

    private static void SchemaUnknown(JsonObject schema, JsonNode value, string path, List<string> unknown, bool top)
    {
        if (schema is null || (bool?)schema["x-kubernetes-preserve-unknown-fields"] == true) return;
        if (value is JsonObject o)
        {
            if (schema["properties"] is JsonObject props)
            {
                foreach (var kv in o)
                {
                    if (top && kv.Key is "apiVersion" or "kind" or "metadata") continue;
                    var p = path.Length == 0 ? kv.Key : path + "." + kv.Key;
                    if (props[kv.Key] is JsonObject sub) SchemaUnknown(sub, kv.Value, p, unknown, false);
                    else unknown.Add(p);
                }
            }
            else if (schema["additionalProperties"] is JsonObject ap)
                foreach (var kv in o) SchemaUnknown(ap, kv.Value, path + "." + kv.Key, unknown, false);
        }
        else if (value is JsonArray a && schema["items"] is JsonObject items)
            for (var i = 0; i < a.Count; i++) SchemaUnknown(items, a[i], $"{path}[{i}]", unknown, false);
    }
}
