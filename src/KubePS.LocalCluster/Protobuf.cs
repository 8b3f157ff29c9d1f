using System.Text;
using System.Text.Json.Nodes;

namespace KubePS.LocalCluster;

/// <summary>
/// Decoder for the Kubernetes protobuf wire format ("k8s\0" + runtime.Unknown) for the kinds kubectl's typed
/// commands send (create namespace/configmap/secret/serviceaccount, auth can-i, ...). Field tables follow
/// the upstream generated.proto numbering. Unknown fields are rejected so nothing is silently dropped.
/// </summary>
public static class Protobuf
{
    private enum F { Str, Int, Bool, Bytes, Msg, MapStr, MapBytes, StrList, MsgList, Time, IntStr, MapQty, PtrInt }
    private sealed record Field(string Name, F Kind, string Msg = null);

    private static readonly Dictionary<string, Dictionary<int, Field>> Schemas = new()
    {
        ["ObjectMeta"] = new()
        {
            [1] = new("name", F.Str), [2] = new("generateName", F.Str), [3] = new("namespace", F.Str), [4] = new("selfLink", F.Str), [5] = new("uid", F.Str),
            [6] = new("resourceVersion", F.Str), [7] = new("generation", F.Int), [8] = new("creationTimestamp", F.Time), [9] = new("deletionTimestamp", F.Time),
            [10] = new("deletionGracePeriodSeconds", F.PtrInt), [11] = new("labels", F.MapStr), [12] = new("annotations", F.MapStr),
            [13] = new("ownerReferences", F.MsgList, "OwnerReference"), [14] = new("finalizers", F.StrList), [17] = new("managedFields", F.MsgList, "Ignore"),
        },
        ["OwnerReference"] = new() { [1] = new("kind", F.Str), [3] = new("name", F.Str), [4] = new("uid", F.Str), [5] = new("apiVersion", F.Str), [6] = new("controller", F.Bool), [7] = new("blockOwnerDeletion", F.Bool) },
        ["Ignore"] = new(),
        ["Namespace"] = new() { [1] = new("metadata", F.Msg, "ObjectMeta"), [2] = new("spec", F.Msg, "NamespaceSpec"), [3] = new("status", F.Msg, "NamespaceStatus") },
        ["NamespaceSpec"] = new() { [1] = new("finalizers", F.StrList) },
        ["NamespaceStatus"] = new() { [1] = new("phase", F.Str) },
        ["ConfigMap"] = new() { [1] = new("metadata", F.Msg, "ObjectMeta"), [2] = new("data", F.MapStr), [3] = new("binaryData", F.MapBytes), [4] = new("immutable", F.Bool) },
        ["Secret"] = new() { [1] = new("metadata", F.Msg, "ObjectMeta"), [2] = new("data", F.MapBytes), [3] = new("type", F.Str), [4] = new("stringData", F.MapStr), [5] = new("immutable", F.Bool) },
        ["ServiceAccount"] = new() { [1] = new("metadata", F.Msg, "ObjectMeta"), [2] = new("secrets", F.MsgList, "ObjectReference"), [3] = new("imagePullSecrets", F.MsgList, "LocalObjectReference"), [4] = new("automountServiceAccountToken", F.Bool) },
        ["ObjectReference"] = new() { [1] = new("kind", F.Str), [2] = new("namespace", F.Str), [3] = new("name", F.Str), [4] = new("uid", F.Str), [5] = new("apiVersion", F.Str), [6] = new("resourceVersion", F.Str), [7] = new("fieldPath", F.Str) },
        ["LocalObjectReference"] = new() { [1] = new("name", F.Str) },
        ["SelfSubjectAccessReview"] = new() { [1] = new("metadata", F.Msg, "ObjectMeta"), [2] = new("spec", F.Msg, "SelfSubjectAccessReviewSpec"), [3] = new("status", F.Msg, "Ignore") },
        ["SelfSubjectAccessReviewSpec"] = new() { [1] = new("resourceAttributes", F.Msg, "ResourceAttributes"), [2] = new("nonResourceAttributes", F.Msg, "NonResourceAttributes") },
        ["ResourceAttributes"] = new() { [1] = new("namespace", F.Str), [2] = new("verb", F.Str), [3] = new("group", F.Str), [4] = new("version", F.Str), [5] = new("resource", F.Str), [6] = new("subresource", F.Str), [7] = new("name", F.Str), [8] = new("fieldSelector", F.Msg, "Ignore"), [9] = new("labelSelector", F.Msg, "Ignore") },
        ["NonResourceAttributes"] = new() { [1] = new("path", F.Str), [2] = new("verb", F.Str) },
        ["SelfSubjectRulesReview"] = new() { [1] = new("metadata", F.Msg, "ObjectMeta"), [2] = new("spec", F.Msg, "SelfSubjectRulesReviewSpec"), [3] = new("status", F.Msg, "Ignore") },
        ["SelfSubjectRulesReviewSpec"] = new() { [1] = new("namespace", F.Str) },
        ["SelfSubjectReview"] = new() { [1] = new("metadata", F.Msg, "ObjectMeta"), [2] = new("status", F.Msg, "Ignore") },
        // workloads sent by `kubectl create deployment|job|cronjob|service`
        ["Deployment"] = new() { [1] = new("metadata", F.Msg, "ObjectMeta"), [2] = new("spec", F.Msg, "DeploymentSpec"), [3] = new("status", F.Msg, "Ignore") },
        ["DeploymentSpec"] = new() { [1] = new("replicas", F.PtrInt), [2] = new("selector", F.Msg, "LabelSelector"), [3] = new("template", F.Msg, "PodTemplateSpec"), [4] = new("strategy", F.Msg, "DeploymentStrategy"), [5] = new("minReadySeconds", F.Int), [6] = new("revisionHistoryLimit", F.PtrInt), [7] = new("paused", F.Bool), [9] = new("progressDeadlineSeconds", F.PtrInt) },
        ["DeploymentStrategy"] = new() { [1] = new("type", F.Str), [2] = new("rollingUpdate", F.Msg, "RollingUpdateDeployment") },
        ["RollingUpdateDeployment"] = new() { [1] = new("maxUnavailable", F.IntStr), [2] = new("maxSurge", F.IntStr) },
        ["LabelSelector"] = new() { [1] = new("matchLabels", F.MapStr), [2] = new("matchExpressions", F.MsgList, "LabelSelectorRequirement") },
        ["LabelSelectorRequirement"] = new() { [1] = new("key", F.Str), [2] = new("operator", F.Str), [3] = new("values", F.StrList) },
        ["PodTemplateSpec"] = new() { [1] = new("metadata", F.Msg, "ObjectMeta"), [2] = new("spec", F.Msg, "PodSpec") },
        ["PodSpec"] = new()
        {
            [2] = new("containers", F.MsgList, "Container"), [3] = new("restartPolicy", F.Str), [4] = new("terminationGracePeriodSeconds", F.PtrInt), [6] = new("dnsPolicy", F.Str),
            [7] = new("nodeSelector", F.MapStr), [8] = new("serviceAccountName", F.Str), [9] = new("serviceAccount", F.Str), [10] = new("nodeName", F.Str), [11] = new("hostNetwork", F.Bool),
            [12] = new("hostPID", F.Bool), [13] = new("hostIPC", F.Bool), [16] = new("hostname", F.Str), [17] = new("subdomain", F.Str), [19] = new("schedulerName", F.Str),
            [20] = new("initContainers", F.MsgList, "Container"), [24] = new("priorityClassName", F.Str),
        },
        ["Container"] = new()
        {
            [1] = new("name", F.Str), [2] = new("image", F.Str), [3] = new("command", F.StrList), [4] = new("args", F.StrList), [5] = new("workingDir", F.Str),
            [6] = new("ports", F.MsgList, "ContainerPort"), [7] = new("env", F.MsgList, "EnvVar"), [8] = new("resources", F.Msg, "ResourceRequirements"), [13] = new("terminationMessagePath", F.Str),
            [14] = new("imagePullPolicy", F.Str), [16] = new("stdin", F.Bool), [17] = new("stdinOnce", F.Bool), [18] = new("tty", F.Bool), [20] = new("terminationMessagePolicy", F.Str),
        },
        ["ContainerPort"] = new() { [1] = new("name", F.Str), [2] = new("hostPort", F.Int), [3] = new("containerPort", F.Int), [4] = new("protocol", F.Str), [5] = new("hostIP", F.Str) },
        ["EnvVar"] = new() { [1] = new("name", F.Str), [2] = new("value", F.Str) },
        ["ResourceRequirements"] = new() { [1] = new("limits", F.MapQty), [2] = new("requests", F.MapQty) },
        ["Job"] = new() { [1] = new("metadata", F.Msg, "ObjectMeta"), [2] = new("spec", F.Msg, "JobSpec"), [3] = new("status", F.Msg, "Ignore") },
        ["JobSpec"] = new() { [1] = new("parallelism", F.PtrInt), [2] = new("completions", F.PtrInt), [3] = new("activeDeadlineSeconds", F.PtrInt), [4] = new("selector", F.Msg, "LabelSelector"), [5] = new("manualSelector", F.Bool), [6] = new("template", F.Msg, "PodTemplateSpec"), [7] = new("backoffLimit", F.PtrInt), [8] = new("ttlSecondsAfterFinished", F.PtrInt) },
        ["CronJob"] = new() { [1] = new("metadata", F.Msg, "ObjectMeta"), [2] = new("spec", F.Msg, "CronJobSpec"), [3] = new("status", F.Msg, "Ignore") },
        ["CronJobSpec"] = new() { [1] = new("schedule", F.Str), [2] = new("startingDeadlineSeconds", F.PtrInt), [3] = new("concurrencyPolicy", F.Str), [4] = new("suspend", F.Bool), [5] = new("jobTemplate", F.Msg, "JobTemplateSpec"), [6] = new("successfulJobsHistoryLimit", F.PtrInt), [7] = new("failedJobsHistoryLimit", F.PtrInt), [8] = new("timeZone", F.Str) },
        ["JobTemplateSpec"] = new() { [1] = new("metadata", F.Msg, "ObjectMeta"), [2] = new("spec", F.Msg, "JobSpec") },
        ["Service"] = new() { [1] = new("metadata", F.Msg, "ObjectMeta"), [2] = new("spec", F.Msg, "ServiceSpec"), [3] = new("status", F.Msg, "Ignore") },
        ["ServiceSpec"] = new() { [1] = new("ports", F.MsgList, "ServicePort"), [2] = new("selector", F.MapStr), [3] = new("clusterIP", F.Str), [4] = new("type", F.Str), [5] = new("externalIPs", F.StrList), [7] = new("sessionAffinity", F.Str), [8] = new("loadBalancerIP", F.Str), [11] = new("externalName", F.Str) },
        ["ServicePort"] = new() { [1] = new("name", F.Str), [2] = new("protocol", F.Str), [3] = new("port", F.Int), [4] = new("targetPort", F.IntStr), [5] = new("nodePort", F.Int) },
    };

    public static bool IsProtobuf(ReadOnlySpan<byte> body) => body.Length >= 4 && body[0] == (byte)'k' && body[1] == (byte)'8' && body[2] == (byte)'s' && body[3] == 0;

    /// <summary>Decode a k8s protobuf body into JSON, or throw FormatException naming the unsupported kind.</summary>
    public static JsonObject Decode(byte[] body)
    {
        var r = new Reader(body, 4, body.Length);
        string apiVersion = null, kind = null; byte[] raw = null;
        while (!r.End)
        {
            var (num, wt) = r.Tag();
            if (num == 1 && wt == 2)
            {
                var tm = r.Sub();
                while (!tm.End) { var (n2, w2) = tm.Tag(); if (n2 == 1) apiVersion = tm.Str(); else if (n2 == 2) kind = tm.Str(); else tm.Skip(w2); }
            }
            else if (num == 2 && wt == 2) raw = r.BytesVal();
            else r.Skip(wt);
        }
        if (kind is null || !Schemas.ContainsKey(kind)) throw new FormatException($"protobuf encoding of {kind ?? "unknown kind"} is not supported by kubeps-local; send application/json");
        var obj = Message(new Reader(raw ?? [], 0, raw?.Length ?? 0), kind);
        var result = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
        foreach (var kv in obj.ToList()) { obj.Remove(kv.Key); result[kv.Key] = kv.Value; }
        return result;
    }

    private static JsonObject Message(Reader r, string type)
    {
        var schema = Schemas[type];
        var o = new JsonObject();
        while (!r.End)
        {
            var (num, wt) = r.Tag();
            if (!schema.TryGetValue(num, out var f))
            {
                // Unknown fields are skipped only when empty (gogo-protobuf writes zero values of non-pointer fields);
                // anything with content is refused rather than silently dropped.
                if (type == "Ignore" || r.SkipIfEmpty(wt)) continue;
                throw new FormatException($"protobuf field {num} of {type} is not supported by kubeps-local; send application/json");
            }
            switch (f.Kind)
            {
                case F.Str: { var s = r.Str(); if (s.Length > 0) o[f.Name] = s; break; }
                case F.Int: { var v = (long)r.Varint(); if (v != 0) o[f.Name] = v; break; }
                case F.PtrInt: o[f.Name] = (long)r.Varint(); break;
                case F.Bool: { var v = r.Varint() != 0; if (v) o[f.Name] = true; break; }
                case F.Bytes: o[f.Name] = Convert.ToBase64String(r.BytesVal()); break;
                case F.Msg: { var m = Message(r.Sub(), f.Msg); if (f.Msg != "Ignore") o[f.Name] = m; break; }
                case F.MsgList: { var m = Message(r.Sub(), f.Msg); if (f.Msg != "Ignore") { if (o[f.Name] is not JsonArray a) o[f.Name] = a = new JsonArray(); a.Add(m); } break; }
                case F.StrList: { if (o[f.Name] is not JsonArray a) o[f.Name] = a = new JsonArray(); a.Add(r.Str()); break; }
                case F.Time:
                {
                    var t = r.Sub(); long secs = 0;
                    while (!t.End) { var (n2, w2) = t.Tag(); if (n2 == 1) secs = (long)t.Varint(); else t.Skip(w2); }
                    if (secs != 0) o[f.Name] = DateTimeOffset.FromUnixTimeSeconds(secs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
                    break;
                }
                case F.MapStr or F.MapBytes:
                {
                    var e = r.Sub(); string k = "", v = "";
                    while (!e.End)
                    {
                        var (n2, w2) = e.Tag();
                        if (n2 == 1) k = e.Str();
                        else if (n2 == 2) v = f.Kind == F.MapStr ? e.Str() : Convert.ToBase64String(e.BytesVal());
                        else e.Skip(w2);
                    }
                    if (o[f.Name] is not JsonObject map) o[f.Name] = map = new JsonObject();
                    map[k] = v;
                    break;
                }
                case F.IntStr:
                {
                    var e = r.Sub(); long type2 = 0, iv = 0; string sv = "";
                    while (!e.End) { var (n2, w2) = e.Tag(); if (n2 == 1) type2 = (long)e.Varint(); else if (n2 == 2) iv = (long)e.Varint(); else if (n2 == 3) sv = e.Str(); else e.Skip(w2); }
                    o[f.Name] = type2 == 1 ? JsonValue.Create(sv) : JsonValue.Create(iv);
                    break;
                }
                case F.MapQty:
                {
                    var e = r.Sub(); string k = "", v = "";
                    while (!e.End)
                    {
                        var (n2, w2) = e.Tag();
                        if (n2 == 1) k = e.Str();
                        else if (n2 == 2) { var q = e.Sub(); while (!q.End) { var (n3, w3) = q.Tag(); if (n3 == 1) v = q.Str(); else q.Skip(w3); } }
                        else e.Skip(w2);
                    }
                    if (o[f.Name] is not JsonObject map) o[f.Name] = map = new JsonObject();
                    map[k] = v;
                    break;
                }
                default: r.Skip(wt); break;
            }
        }
        return o;
    }

    private sealed class Reader(byte[] buf, int pos, int end)
    {
        private int _pos = pos;
        public bool End => _pos >= end;
        public ulong Varint()
        {
            ulong v = 0; var shift = 0;
            while (true)
            {
                if (_pos >= end) throw new FormatException("truncated protobuf varint");
                var b = buf[_pos++];
                v |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return v;
                shift += 7;
                if (shift > 63) throw new FormatException("bad protobuf varint");
            }
        }
        public (int Num, int Wire) Tag() { var t = Varint(); return ((int)(t >> 3), (int)(t & 7)); }
        private int Len() { var l = (int)Varint(); if (l < 0 || _pos + l > end) throw new FormatException("truncated protobuf field"); return l; }
        public byte[] BytesVal() { var l = Len(); var b = buf.AsSpan(_pos, l).ToArray(); _pos += l; return b; }
        public string Str() { var l = Len(); var s = Encoding.UTF8.GetString(buf, _pos, l); _pos += l; return s; }
        public Reader Sub() { var l = Len(); var r = new Reader(buf, _pos, _pos + l); _pos += l; return r; }
        public bool SkipIfEmpty(int wire)
        {
            var save = _pos;
            if (wire == 0 && Varint() == 0) return true;
            if (wire == 2 && Len() == 0) return true;
            _pos = save;
            return false;
        }
        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _pos += 8; break;
                case 2: { var l = Len(); _pos += l; break; }
                case 5: _pos += 4; break;
                default: throw new FormatException("unsupported protobuf wire type " + wire);
            }
        }
    }
}
