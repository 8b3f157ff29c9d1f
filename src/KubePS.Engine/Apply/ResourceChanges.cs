using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;
using KubePS.Engine.Resources;

namespace KubePS.Engine.Apply;

/// <summary>Options of a delete.</summary>
public sealed record DeleteOptions
{
    /// <summary>Foreground, Background or Orphan; null leaves the server's default.</summary>
    public string? Propagation { get; init; }
    /// <summary>Seconds of grace (0 = immediately); null leaves the object's default.</summary>
    public long? GracePeriodSeconds { get; init; }
    public bool DryRun { get; init; }
}

/// <summary>
/// Targeted changes to one object: delete (and wait until gone), scale, rollout restart, labels and annotations,
/// container images. Each takes dryRun (sent as dryRun=All) and returns a <see cref="KubeChangeResult"/>.
/// </summary>
public static class ResourceChanges
{
    public const string MergePatch = "application/merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    private static readonly string[] RestartableKinds = { "Deployment", "StatefulSet", "DaemonSet" };

    /// <summary>Deletes one object. Returns what the server answered (the object with deletionTimestamp, or its last state).</summary>
    public static async Task<KubeChangeResult> DeleteAsync(IKubernetes client, ApiResourceInfo resource, string? @namespace, string name, DeleteOptions options, CancellationToken cancellationToken)
    {
        var ns = resource.Namespaced ? @namespace : null;
        var body = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1" };
        if (options.Propagation is not null)
        {
            body["propagationPolicy"] = options.Propagation;
        }
        if (options.GracePeriodSeconds is long g)
        {
            body["gracePeriodSeconds"] = g;
        }
        if (options.DryRun)
        {
            body["dryRun"] = new JsonArray("All");
        }
        var path = resource.PathFor(ns, name) + (options.DryRun ? "?dryRun=All" : "");
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, KubeRequest.Json);
        var element = await SendAsync(client, HttpMethod.Delete, path, content, cancellationToken).ConfigureAwait(false);
        var isStatus = element.TryGetProperty("kind", out var k) && k.GetString() == "Status";
        return new KubeChangeResult
        {
            Kind = resource.Kind,
            ApiVersion = resource.ApiVersion,
            Namespace = ns,
            Name = name,
            Action = KubeChangeAction.Deleted,
            DryRun = options.DryRun,
            Object = isStatus ? null : ResourceReader.Materialize(element, resource.ApiVersion, resource.Kind),
            Message = !isStatus && element.TryGetProperty("metadata", out var m) && m.TryGetProperty("finalizers", out var f) && f.GetArrayLength() > 0
                ? "deletion pending on finalizers: " + string.Join(", ", f.EnumerateArray().Select(x => x.GetString()))
                : null,
        };
    }

    /// <summary>Names of the objects a label selector matches (for deletes by selector).</summary>
    public static async Task<IReadOnlyList<(string? Namespace, string Name)>> ListNamesAsync(IKubernetes client, ApiResourceInfo resource, string? @namespace, bool allNamespaces, string? labelSelector, CancellationToken cancellationToken)
    {
        var names = new List<(string?, string)>();
        var query = new ResourceQuery { Resource = resource, Namespace = @namespace, AllNamespaces = allNamespaces, LabelSelector = labelSelector };
        await foreach (var o in ResourceReader.ListAsync(client, query, cancellationToken).ConfigureAwait(false))
        {
            var (n, ns) = o switch
            {
                IKubernetesObject<k8s.Models.V1ObjectMeta> ko => (ko.Metadata?.Name, ko.Metadata?.NamespaceProperty),
                JsonElement e when e.TryGetProperty("metadata", out var m) => (m.TryGetProperty("name", out var nn) ? nn.GetString() : null, m.TryGetProperty("namespace", out var nsp) ? nsp.GetString() : null),
                _ => (null, null),
            };
            if (n is not null)
            {
                names.Add((resource.Namespaced ? ns ?? @namespace : null, n));
            }
        }
        return names;
    }

    /// <summary>
    /// Waits until the object is gone (404, or replaced by another object with a different uid), watching the
    /// collection for its DELETED event. Throws KubeTimeout after <paramref name="timeout"/>.
    /// </summary>
    public static async Task WaitDeletedAsync(IKubernetes client, ApiResourceInfo resource, string? @namespace, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ns = resource.Namespaced ? @namespace : null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        string? uid = null;
        try
        {
            while (true)
            {
                string rv;
                try
                {
                    using var doc = await KubeRequest.GetJsonAsync(client, resource.PathFor(ns, name), deadline.Token).ConfigureAwait(false);
                    var meta = doc.RootElement.GetProperty("metadata");
                    var currentUid = meta.TryGetProperty("uid", out var u) ? u.GetString() : null;
                    uid ??= currentUid;
                    if (uid != currentUid)
                    {
                        return; // deleted and created again
                    }
                    rv = meta.TryGetProperty("resourceVersion", out var r) ? r.GetString() ?? "" : "";
                }
                catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeNotFound)
                {
                    return;
                }
                var remaining = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
                var watchPath = resource.PathFor(ns) + "?watch=true&fieldSelector=" + Uri.EscapeDataString("metadata.name=" + name)
                    + "&resourceVersion=" + Uri.EscapeDataString(rv) + "&timeoutSeconds=" + remaining.ToString(CultureInfo.InvariantCulture);
                try
                {
                    using var response = await KubeRequest.SendAsync(client, HttpMethod.Get, watchPath, deadline.Token, streamResponse: true).ConfigureAwait(false);
                    await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
                    using var reader = new StreamReader(stream);
                    string? line;
                    while ((line = await reader.ReadLineAsync(deadline.Token).ConfigureAwait(false)) is not null)
                    {
                        if (line.Length == 0)
                        {
                            continue;
                        }
                        using var ev = JsonDocument.Parse(line);
                        var type = ev.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
                        if (type == "DELETED")
                        {
                            return;
                        }
                        if (type == "ERROR")
                        {
                            break; // 410 Gone and the like: GET again and watch from there
                        }
                    }
                }
                catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeGone)
                {
                    // resourceVersion too old: loop (GET again)
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KubeException(KubeErrorKind.KubeTimeout, $"{resource.Kind}/{name} still exists after {timeout.TotalSeconds:0}s.")
            {
                Target = $"{resource.Kind}/{name}",
                RecommendedAction = "Check its finalizers (metadata.finalizers) and the controllers that own them, or wait longer with -Timeout.",
            };
        }
    }

    /// <summary>Sets spec.replicas through the scale subresource.</summary>
    public static async Task<KubeChangeResult> ScaleAsync(IKubernetes client, ApiResourceInfo resource, string? @namespace, string name, int replicas, bool dryRun, CancellationToken cancellationToken)
    {
        var ns = resource.Namespaced ? @namespace : null;
        var patch = new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } };
        using var content = Content(patch, MergePatch);
        JsonElement scale;
        try
        {
            scale = await SendAsync(client, HttpMethod.Patch, resource.PathFor(ns, name, "scale") + DryRunQuery(dryRun), content, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeNotFound)
        {
            // Either the object or its scale subresource is missing: say which.
            await GetAsync(client, resource, ns, name, cancellationToken).ConfigureAwait(false);
            throw new KubeException(KubeErrorKind.KubeUnsupportedKind, $"{resource.Kind} has no scale subresource, so {resource.Kind}/{name} cannot be scaled.", ex) { Target = $"{resource.Kind}/{name}" };
        }
        var status = scale.TryGetProperty("status", out var st) && st.TryGetProperty("replicas", out var r) ? r.GetInt32() : (int?)null;
        return new KubeChangeResult
        {
            Kind = resource.Kind, ApiVersion = resource.ApiVersion, Namespace = ns, Name = name,
            Action = KubeChangeAction.Scaled, DryRun = dryRun,
            Object = ResourceReader.Materialize(scale, "autoscaling/v1", "Scale"),
            Message = $"replicas: {replicas}" + (status is null ? "" : $" (currently {status})"),
        };
    }

    /// <summary>Rollout restart: sets the pod template annotation kubectl.kubernetes.io/restartedAt to now.</summary>
    public static async Task<KubeChangeResult> RestartAsync(IKubernetes client, ApiResourceInfo resource, string? @namespace, string name, bool dryRun, CancellationToken cancellationToken, DateTime? now = null)
    {
        if (!RestartableKinds.Contains(resource.Kind, StringComparer.Ordinal) || resource.Group != "apps")
        {
            throw new KubeException(KubeErrorKind.KubeUnsupportedKind, $"{resource.Kind} cannot be restarted: only Deployments, StatefulSets and DaemonSets roll out their pods again.") { Target = $"{resource.Kind}/{name}" };
        }
        var ns = resource.Namespaced ? @namespace : null;
        var stamp = (now ?? DateTime.UtcNow).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var patch = new JsonObject
        {
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RestartedAtAnnotation] = stamp } } } },
        };
        using var content = Content(patch, MergePatch);
        var obj = await SendAsync(client, HttpMethod.Patch, resource.PathFor(ns, name) + DryRunQuery(dryRun, "kubectl-rollout"), content, cancellationToken).ConfigureAwait(false);
        return Result(resource, ns, name, KubeChangeAction.Restarted, dryRun, obj, $"restartedAt {stamp}");
    }

    /// <summary>
    /// Adds, changes or removes labels (<paramref name="annotations"/> false) or annotations, with kubectl's overwrite
    /// rule. The patch carries the resourceVersion read, and a stale write is retried with the fresh object.
    /// </summary>
    public static async Task<KubeChangeResult> EditMetadataAsync(IKubernetes client, ApiResourceInfo resource, string? @namespace, string name, IReadOnlyList<MetadataEdit> edits, bool overwrite, bool annotations, bool dryRun, CancellationToken cancellationToken)
    {
        var ns = resource.Namespaced ? @namespace : null;
        var field = annotations ? "annotations" : "labels";
        var action = annotations ? KubeChangeAction.Annotated : KubeChangeAction.Labeled;
        for (var attempt = 0; ; attempt++)
        {
            var live = await GetAsync(client, resource, ns, name, cancellationToken).ConfigureAwait(false);
            var meta = live.GetProperty("metadata");
            var current = new Dictionary<string, string>(StringComparer.Ordinal);
            if (meta.TryGetProperty(field, out var map) && map.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in map.EnumerateObject())
                {
                    current[p.Name] = p.Value.GetString() ?? "";
                }
            }
            var plan = MetadataEdits.Plan(current, edits, overwrite, annotations ? "annotation" : "label", $"{resource.Kind}/{name}");
            if (plan.Count == 0)
            {
                return Result(resource, ns, name, action, dryRun, live, "no change");
            }
            var values = new JsonObject();
            foreach (var kv in plan)
            {
                values[kv.Key] = kv.Value is null ? null : JsonValue.Create(kv.Value);
            }
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject { [field] = values, ["resourceVersion"] = meta.GetProperty("resourceVersion").GetString() },
            };
            using var content = Content(patch, MergePatch);
            try
            {
                var obj = await SendAsync(client, HttpMethod.Patch, resource.PathFor(ns, name) + DryRunQuery(dryRun, "kubeps"), content, cancellationToken).ConfigureAwait(false);
                return Result(resource, ns, name, action, dryRun, obj, string.Join(", ", plan.Select(kv => kv.Value is null ? kv.Key + "-" : kv.Key + "=" + kv.Value)));
            }
            catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeConflict && attempt < 4)
            {
                // Someone else wrote the object since we read it: read it again and re-check the overwrite rule.
            }
        }
    }

    /// <summary>
    /// Sets container images. <paramref name="images"/> maps a container name (or "*" for every container) to an image.
    /// Works on Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and any kind with a pod template.
    /// </summary>
    public static async Task<KubeChangeResult> SetImageAsync(IKubernetes client, ApiResourceInfo resource, string? @namespace, string name, IReadOnlyDictionary<string, string> images, bool dryRun, CancellationToken cancellationToken)
    {
        var ns = resource.Namespaced ? @namespace : null;
        for (var attempt = 0; ; attempt++)
        {
            var live = await GetAsync(client, resource, ns, name, cancellationToken).ConfigureAwait(false);
            var node = JsonNode.Parse(live.GetRawText())!.AsObject();
            var (specPath, podSpec) = FindPodSpec(node);
            if (podSpec is null)
            {
                throw new KubeException(KubeErrorKind.KubeUnsupportedKind, $"{resource.Kind}/{name} has no pod template, so it has no container images to set.") { Target = $"{resource.Kind}/{name}" };
            }
            var ops = new JsonArray();
            var changed = new List<string>();
            var matched = new HashSet<string>(StringComparer.Ordinal);
            foreach (var listName in new[] { "initContainers", "containers" })
            {
                if (podSpec[listName] is not JsonArray list)
                {
                    continue;
                }
                for (var i = 0; i < list.Count; i++)
                {
                    var cname = list[i]?["name"]?.GetValue<string>() ?? "";
                    string? image = images.TryGetValue(cname, out var img) ? img : images.TryGetValue("*", out var all) ? all : null;
                    if (image is null)
                    {
                        continue;
                    }
                    matched.Add(images.ContainsKey(cname) ? cname : "*");
                    if (list[i]?["image"]?.GetValue<string>() == image)
                    {
                        continue;
                    }
                    var p = $"{specPath}/{listName}/{i}";
                    ops.Add(new JsonObject { ["op"] = "test", ["path"] = p + "/name", ["value"] = cname });
                    ops.Add(new JsonObject { ["op"] = "replace", ["path"] = p + "/image", ["value"] = image });
                    changed.Add($"{cname}={image}");
                }
            }
            var unknown = images.Keys.Where(k => !matched.Contains(k)).ToList();
            if (unknown.Count > 0)
            {
                var names = (podSpec["containers"] as JsonArray ?? new JsonArray()).Concat(podSpec["initContainers"] as JsonArray ?? new JsonArray())
                    .Select(c => c?["name"]?.GetValue<string>()).Where(n => n is not null);
                throw new KubeException(KubeErrorKind.KubeNotFound, $"{resource.Kind}/{name} has no container named {string.Join(", ", unknown.Select(u => "'" + u + "'"))}; its containers are: {string.Join(", ", names)}.") { Target = $"{resource.Kind}/{name}" };
            }
            if (ops.Count == 0)
            {
                return Result(resource, ns, name, KubeChangeAction.ImageUpdated, dryRun, live, "no change");
            }
            using var content = Content(ops, JsonPatch);
            try
            {
                var obj = await SendAsync(client, HttpMethod.Patch, resource.PathFor(ns, name) + DryRunQuery(dryRun, "kubeps"), content, cancellationToken).ConfigureAwait(false);
                return Result(resource, ns, name, KubeChangeAction.ImageUpdated, dryRun, obj, string.Join(", ", changed));
            }
            catch (KubeException ex) when (ex.Kind is KubeErrorKind.KubeInvalid or KubeErrorKind.KubeConflict && attempt < 2 && ex.Message.Contains("test", StringComparison.OrdinalIgnoreCase))
            {
                // The containers moved since we read them (the test op failed): read again.
            }
        }
    }

    /// <summary>The JSON-pointer path and object of the pod spec inside a workload (spec, spec/template/spec, spec/jobTemplate/spec/template/spec).</summary>
    public static (string Path, JsonObject? Spec) FindPodSpec(JsonObject obj)
    {
        if (obj["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"] is JsonObject cron)
        {
            return ("/spec/jobTemplate/spec/template/spec", cron);
        }
        if (obj["spec"]?["template"]?["spec"] is JsonObject tmpl)
        {
            return ("/spec/template/spec", tmpl);
        }
        if (obj["kind"]?.GetValue<string>() == "Pod" && obj["spec"] is JsonObject pod)
        {
            return ("/spec", pod);
        }
        return ("", null);
    }

    public static async Task<JsonElement> GetAsync(IKubernetes client, ApiResourceInfo resource, string? ns, string name, CancellationToken cancellationToken)
    {
        using var doc = await KubeRequest.GetJsonAsync(client, resource.PathFor(resource.Namespaced ? ns : null, name), cancellationToken).ConfigureAwait(false);
        return doc.RootElement.Clone();
    }

    private static string DryRunQuery(bool dryRun, string? fieldManager = null)
    {
        var q = new List<string>();
        if (fieldManager is not null)
        {
            q.Add("fieldManager=" + Uri.EscapeDataString(fieldManager));
        }
        if (dryRun)
        {
            q.Add("dryRun=All");
        }
        return q.Count == 0 ? "" : "?" + string.Join("&", q);
    }

    private static StringContent Content(JsonNode body, string mediaType)
    {
        var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        return content;
    }

    private static async Task<JsonElement> SendAsync(IKubernetes client, HttpMethod method, string path, HttpContent content, CancellationToken cancellationToken)
    {
        using var response = await KubeRequest.SendAsync(client, method, path, cancellationToken, content).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text);
        return doc.RootElement.Clone();
    }

    private static KubeChangeResult Result(ApiResourceInfo resource, string? ns, string name, KubeChangeAction action, bool dryRun, JsonElement obj, string? message) => new()
    {
        Kind = resource.Kind,
        ApiVersion = resource.ApiVersion,
        Namespace = ns,
        Name = name,
        Action = action,
        DryRun = dryRun,
        Object = ResourceReader.Materialize(obj, resource.ApiVersion, resource.Kind),
        Message = message,
    };
}
