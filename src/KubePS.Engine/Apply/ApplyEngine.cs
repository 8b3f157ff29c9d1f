using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;
using KubePS.Engine.Resources;
using KubePS.Engine.Yaml;

namespace KubePS.Engine.Apply;

/// <summary>One manifest resolved against discovery: where it goes and how it was validated.</summary>
public sealed class PlannedObject
{
    public required ManifestDocument Document { get; init; }
    /// <summary>The resource type; null while the CRD that defines it is applied in the same batch.</summary>
    public ApiResourceInfo? Resource { get; set; }
    public required string Kind { get; init; }
    public required string ApiVersion { get; init; }
    public required string Name { get; init; }
    /// <summary>The target namespace, null for cluster-scoped kinds.</summary>
    public string? Namespace { get; set; }
    /// <summary>Why the object could not be validated by a dry run before the apply (its CRD or namespace comes with it), or null.</summary>
    public string? Deferred { get; set; }
    /// <summary>HTTP status of the dry-run apply: 201 (would be created) or 200 (exists).</summary>
    public int DryRunStatus { get; set; }
    /// <summary>The object the dry run returned.</summary>
    public JsonElement? DryRunObject { get; set; }
    /// <summary>resourceVersion of the live object before the apply (from the dry run), or null when it does not exist.</summary>
    public string? LiveResourceVersion { get; set; }
    /// <summary>
    /// True when the dry run showed that applying changes nothing: the server returned the stored object, whose
    /// managedFields entry of this field manager is older than the response (a change would have stamped it now).
    /// </summary>
    public bool DryRunNoOp { get; set; }
    public int Wave => ApplyOrdering.WaveOf(Kind);
    public override string ToString() => Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Name} in {Namespace}";
}

/// <summary>The result of <see cref="ApplyEngine.PlanAsync"/>: valid objects, failures, and namespaces to create.</summary>
public sealed class ApplyPlan
{
    public List<PlannedObject> Objects { get; } = new();
    public List<ManifestFailure> Failures { get; } = new();
    /// <summary>Namespaces that do not exist and will be created (-CreateNamespace).</summary>
    public List<string> NamespacesToCreate { get; } = new();
}

/// <summary>
/// Server-side apply of manifests: validate everything with a server dry run first, then apply in waves
/// (CRDs and Namespaces, then config and RBAC, then the rest, then webhooks), each wave in parallel with a
/// bounded number of requests in flight.
/// </summary>
public static class ApplyEngine
{
    public const string ApplyPatchContentType = "application/apply-patch+yaml";

    /// <summary>
    /// Validates and applies <paramref name="documents"/>. Per-object results go to <paramref name="onResult"/> (in wave
    /// order), per-document failures to <paramref name="onFailure"/>. When validation fails and
    /// <see cref="ApplyOptions.ContinueOnError"/> is false, nothing is applied and KubeValidationFailed is thrown
    /// after the failures were reported.
    /// </summary>
    public static async Task ApplyAsync(IKubernetes client, IReadOnlyList<ManifestDocument> documents, ApplyOptions options,
        Action<KubeChangeResult> onResult, Action<ManifestFailure> onFailure, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(client, documents, options, validate: true, cancellationToken).ConfigureAwait(false);
        foreach (var f in plan.Failures)
        {
            onFailure(f);
        }
        if (plan.Failures.Count > 0 && !options.ContinueOnError)
        {
            throw new KubeException(KubeErrorKind.KubeValidationFailed,
                $"{plan.Failures.Count} of {documents.Count} documents failed validation; nothing was applied.")
            {
                RecommendedAction = "Fix the documents named in the errors above, or use -ContinueOnError to apply the valid ones.",
            };
        }

        if (options.DryRun)
        {
            await ReportDryRunAsync(client, plan, options, onResult, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var ns in plan.NamespacesToCreate)
        {
            var created = await CreateNamespaceAsync(client, ns, options.FieldManager, dryRun: false, cancellationToken).ConfigureAwait(false);
            onResult(new KubeChangeResult { Kind = "Namespace", ApiVersion = "v1", Name = ns, Action = KubeChangeAction.Created, Object = ResourceReader.Materialize(created, "v1", "Namespace"), Message = "created by -CreateNamespace" });
        }

        var resolvedCrds = false;
        foreach (var wave in plan.Objects.GroupBy(o => o.Wave).OrderBy(g => g.Key))
        {
            if (!resolvedCrds && wave.Key > 0)
            {
                resolvedCrds = true;
                await ResolveDeferredKindsAsync(client, plan, options, onFailure, cancellationToken).ConfigureAwait(false);
            }
            var results = new KubeChangeResult?[wave.Count()];
            var items = wave.ToList();
            await Parallel.ForEachAsync(Enumerable.Range(0, items.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Concurrency), CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var item = items[i];
                    if (item.Resource is null)
                    {
                        return; // its CRD failed: already reported
                    }
                    if (item.DryRunNoOp && item.DryRunObject is { } stored)
                    {
                        results[i] = ResultOf(item, KubeChangeAction.Unchanged, stored, dryRun: false, null);
                        return; // the dry run proved the apply changes nothing: save the request
                    }
                    try
                    {
                        var (status, body) = await SendApplyAsync(client, item, options, dryRun: false, ct).ConfigureAwait(false);
                        var rv = ResourceVersionOf(body);
                        var action = status == 201 ? KubeChangeAction.Created
                            : item.LiveResourceVersion is not null && rv == item.LiveResourceVersion ? KubeChangeAction.Unchanged
                            : KubeChangeAction.Configured;
                        results[i] = ResultOf(item, action, body, dryRun: false, null);
                    }
                    catch (KubeException ex)
                    {
                        onFailure(new ManifestFailure(item.Document, ex));
                    }
                }).ConfigureAwait(false);
            foreach (var r in results)
            {
                if (r is not null)
                {
                    onResult(r);
                }
            }
        }
    }

    /// <summary>
    /// Resolves every document against discovery, checks namespaces, and (with <paramref name="validate"/>) sends a
    /// server dry-run apply of each, in parallel. Nothing is changed on the server.
    /// </summary>
    public static async Task<ApplyPlan> PlanAsync(IKubernetes client, IReadOnlyList<ManifestDocument> documents, ApplyOptions options, bool validate, CancellationToken cancellationToken)
    {
        var plan = new ApplyPlan();
        var cache = DiscoveryCache.For(client);
        var all = await cache.GetAllAsync(cancellationToken).ConfigureAwait(false);
        var refreshed = false;

        // CRDs in the batch: their kinds can be applied after them, though discovery does not serve them yet.
        var batchCrds = new Dictionary<(string Group, string Kind), JsonObject>();
        var batchNamespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var doc in documents)
        {
            if (ManifestCollector.CheckShape(doc) is not null)
            {
                continue;
            }
            if (ApplyOrdering.CrdDefines(doc.Object) is { } crd)
            {
                batchCrds[(crd.Group, crd.Kind)] = doc.Object;
            }
            if (doc.Kind == "Namespace" && doc.ApiVersion == "v1")
            {
                batchNamespaces.Add(doc.Name!);
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var doc in documents)
        {
            if (ManifestCollector.CheckShape(doc) is { } shapeError)
            {
                plan.Failures.Add(new ManifestFailure(doc, shapeError));
                continue;
            }
            var kind = doc.Kind!;
            var apiVersion = doc.ApiVersion!;
            var resource = Find(all, kind, apiVersion);
            if (resource is null && !refreshed)
            {
                refreshed = true;
                all = await cache.GetAllAsync(cancellationToken, refresh: true).ConfigureAwait(false);
                resource = Find(all, kind, apiVersion);
            }
            var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";
            var item = new PlannedObject { Document = doc, Resource = resource, Kind = kind, ApiVersion = apiVersion, Name = doc.Name! };
            if (resource is null)
            {
                if (batchCrds.TryGetValue((group, kind), out var crdObject))
                {
                    item.Deferred = $"its CustomResourceDefinition is applied in the same batch";
                    var namespaced = crdObject["spec"]?["scope"]?.GetValue<string>() != "Cluster";
                    item.Namespace = namespaced ? doc.Namespace ?? options.DefaultNamespace : null;
                }
                else
                {
                    var isCustom = group.Length > 0 && group.Contains('.') && !group.EndsWith(".k8s.io", StringComparison.Ordinal);
                    plan.Failures.Add(new ManifestFailure(doc, new KubeException(KubeErrorKind.KubeUnknownKind,
                        $"{doc}: the server doesn't serve kind \"{kind}\" in \"{apiVersion}\"" + (isCustom ? "; is its CustomResourceDefinition installed?" : ".") )
                    {
                        Target = $"{kind}/{doc.Name}",
                        RecommendedAction = isCustom ? "Install the CRD first (or include it in the same apply), or fix apiVersion/kind." : "Run Get-KubeApiResource to list the kinds this cluster serves.",
                    }));
                    continue;
                }
            }
            else
            {
                item.Namespace = resource.Namespaced ? doc.Namespace ?? options.DefaultNamespace : null;
            }
            var key = $"{group}/{kind}/{item.Namespace}/{item.Name}";
            if (!seen.Add(key))
            {
                plan.Failures.Add(new ManifestFailure(doc, new KubeException(KubeErrorKind.KubeManifestInvalid,
                    $"{doc}: {item} appears more than once in the input.") { Target = item.ToString() }));
                continue;
            }
            plan.Objects.Add(item);
        }

        // Namespaces the objects live in.
        var targetNamespaces = plan.Objects.Where(o => o.Namespace is not null).Select(o => o.Namespace!).Distinct(StringComparer.Ordinal).ToList();
        var missing = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(targetNamespaces, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Concurrency), CancellationToken = cancellationToken }, async (ns, ct) =>
        {
            try
            {
                using var _ = await KubeRequest.SendAsync(client, HttpMethod.Get, "/api/v1/namespaces/" + Uri.EscapeDataString(ns), ct).ConfigureAwait(false);
            }
            catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeNotFound)
            {
                missing.Add(ns);
            }
        }).ConfigureAwait(false);
        var missingSet = missing.ToHashSet(StringComparer.Ordinal);
        foreach (var ns in missingSet.Where(n => !batchNamespaces.Contains(n)).OrderBy(n => n, StringComparer.Ordinal))
        {
            if (options.CreateNamespace)
            {
                plan.NamespacesToCreate.Add(ns);
            }
        }
        foreach (var item in plan.Objects.ToList())
        {
            if (item.Namespace is null || !missingSet.Contains(item.Namespace))
            {
                continue;
            }
            if (batchNamespaces.Contains(item.Namespace) || options.CreateNamespace)
            {
                item.Deferred ??= $"its namespace \"{item.Namespace}\" is created by this apply";
            }
            else
            {
                plan.Objects.Remove(item);
                plan.Failures.Add(new ManifestFailure(item.Document, new KubeException(KubeErrorKind.KubeNotFound,
                    $"{item.Document}: namespace \"{item.Namespace}\" not found (for {item}).")
                {
                    Target = item.Namespace,
                    StatusCode = 404,
                    RecommendedAction = "Create the namespace (New-KubeNamespace), include it in the manifests, or use -CreateNamespace.",
                }));
            }
        }

        if (!validate)
        {
            return plan;
        }

        var failures = new ConcurrentBag<(int Index, ManifestFailure Failure)>();
        var indexed = plan.Objects.Select((o, i) => (o, i)).Where(x => x.o.Deferred is null).ToList();
        await Parallel.ForEachAsync(indexed, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Concurrency), CancellationToken = cancellationToken }, async (x, ct) =>
        {
            try
            {
                var (status, body, date) = await SendApplyWithDateAsync(client, x.o, options, dryRun: true, ct).ConfigureAwait(false);
                x.o.DryRunStatus = status;
                x.o.DryRunObject = body;
                x.o.LiveResourceVersion = status == 201 ? null : ResourceVersionOf(body);
                x.o.DryRunNoOp = status == 200 && IsNoOp(body, options.FieldManager, date);
            }
            catch (KubeException ex)
            {
                failures.Add((x.i, new ManifestFailure(x.o.Document, ex)));
            }
        }).ConfigureAwait(false);
        foreach (var f in failures.OrderBy(f => f.Index))
        {
            plan.Objects.Remove(plan.Objects.First(o => ReferenceEquals(o.Document, f.Failure.Document)));
            plan.Failures.Add(f.Failure);
        }
        // Failures in input order.
        var order = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < documents.Count; i++)
        {
            order.TryAdd(documents[i], i);
        }
        plan.Failures.Sort((a, b) => order.GetValueOrDefault(a.Document, 0).CompareTo(order.GetValueOrDefault(b.Document, 0)));
        return plan;
    }

    /// <summary>
    /// One server-side apply request (PATCH with application/apply-patch+yaml). Returns the HTTP status and the
    /// object; a 409 field-manager conflict becomes KubeApplyConflict naming fields and managers.
    /// </summary>
    public static async Task<(int Status, JsonElement Body)> SendApplyAsync(IKubernetes client, PlannedObject item, ApplyOptions options, bool dryRun, CancellationToken cancellationToken)
    {
        var (status, body, _) = await SendApplyWithDateAsync(client, item, options, dryRun, cancellationToken).ConfigureAwait(false);
        return (status, body);
    }

    /// <summary><see cref="SendApplyAsync"/>, plus the server's Date header (for no-op detection).</summary>
    public static async Task<(int Status, JsonElement Body, DateTimeOffset? Date)> SendApplyWithDateAsync(IKubernetes client, PlannedObject item, ApplyOptions options, bool dryRun, CancellationToken cancellationToken)
    {
        var resource = item.Resource ?? throw new InvalidOperationException($"{item}: the kind is not resolved.");
        var query = new StringBuilder("?fieldManager=").Append(Uri.EscapeDataString(options.FieldManager));
        if (options.Force)
        {
            query.Append("&force=true");
        }
        if (dryRun)
        {
            query.Append("&dryRun=All");
        }
        var body = (JsonObject)item.Document.Object.DeepClone();
        if (item.Namespace is not null && body["metadata"] is JsonObject meta && meta["namespace"] is null)
        {
            meta["namespace"] = item.Namespace;
        }
        var path = resource.PathFor(item.Namespace, item.Name) + query;
        try
        {
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(ApplyPatchContentType);
            using var response = await KubeRequest.SendAsync(client, HttpMethod.Patch, path, cancellationToken, content).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(text);
            return ((int)response.StatusCode, doc.RootElement.Clone(), response.Headers.Date);
        }
        catch (KubeException ex)
        {
            throw Describe(item, ex);
        }
    }

    /// <summary>Adds the manifest's place and the object to a server error; turns field-manager conflicts into KubeApplyConflict.</summary>
    public static KubeException Describe(PlannedObject item, KubeException ex)
    {
        if (ex.Kind == KubeErrorKind.KubeConflict && (ex.Message.Contains("Apply failed", StringComparison.Ordinal) || ex.Causes.Count > 0))
        {
            return new KubeException(KubeErrorKind.KubeApplyConflict,
                $"{item}: {ex.Message}" + Environment.NewLine + "Use -Force to take ownership of these fields from the other field manager(s), or remove them from the manifest.", ex)
            {
                StatusCode = ex.StatusCode,
                Reason = ex.Reason,
                Causes = ex.Causes,
                Target = item.ToString(),
                RecommendedAction = "Re-run with -Force to take over the conflicting fields.",
            };
        }
        return new KubeException(ex.Kind, $"{item.Document}: {item}: {ex.Message}", ex)
        {
            StatusCode = ex.StatusCode,
            Reason = ex.Reason,
            Causes = ex.Causes,
            Target = item.ToString(),
            RecommendedAction = ex.RecommendedAction,
        };
    }

    /// <summary>POSTs a namespace (dryRun=All when asked) and returns the server's object.</summary>
    public static async Task<JsonElement> CreateNamespaceAsync(IKubernetes client, string name, string fieldManager, bool dryRun, CancellationToken cancellationToken, IDictionary<string, string>? labels = null)
    {
        var meta = new JsonObject { ["name"] = name };
        if (labels is { Count: > 0 })
        {
            var l = new JsonObject();
            foreach (var kv in labels)
            {
                l[kv.Key] = kv.Value;
            }
            meta["labels"] = l;
        }
        var obj = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = meta };
        var query = "?fieldManager=" + Uri.EscapeDataString(fieldManager) + (dryRun ? "&dryRun=All" : "");
        using var content = new StringContent(obj.ToJsonString(), Encoding.UTF8, KubeRequest.Json);
        using var response = await KubeRequest.SendAsync(client, HttpMethod.Post, "/api/v1/namespaces" + query, cancellationToken, content).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    private static async Task ReportDryRunAsync(IKubernetes client, ApplyPlan plan, ApplyOptions options, Action<KubeChangeResult> onResult, CancellationToken cancellationToken)
    {
        foreach (var ns in plan.NamespacesToCreate)
        {
            var created = await CreateNamespaceAsync(client, ns, options.FieldManager, dryRun: true, cancellationToken).ConfigureAwait(false);
            onResult(new KubeChangeResult { Kind = "Namespace", ApiVersion = "v1", Name = ns, Action = KubeChangeAction.Created, DryRun = true, Object = ResourceReader.Materialize(created, "v1", "Namespace"), Message = "would be created by -CreateNamespace" });
        }
        // Unchanged or Configured: compare the dry-run result with the live object.
        var live = new ConcurrentDictionary<PlannedObject, JsonElement?>();
        await Parallel.ForEachAsync(plan.Objects.Where(o => o.DryRunStatus == 200 && !o.DryRunNoOp), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Concurrency), CancellationToken = cancellationToken }, async (o, ct) =>
        {
            live[o] = await ResourceDiff.GetLiveAsync(client, o, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        foreach (var o in plan.Objects.OrderBy(o => o.Wave))
        {
            if (o.Deferred is not null)
            {
                var manifest = JsonDocument.Parse(o.Document.Object.ToJsonString()).RootElement.Clone();
                onResult(ResultOf(o, KubeChangeAction.Created, manifest, dryRun: true, $"not validated by the server: {o.Deferred}"));
                continue;
            }
            var action = o.DryRunStatus == 201 ? KubeChangeAction.Created
                : o.DryRunNoOp ? KubeChangeAction.Unchanged
                : live.TryGetValue(o, out var l) && l is { } le && ResourceDiff.ChangedPaths(le, o.DryRunObject!.Value).Count == 0 ? KubeChangeAction.Unchanged
                : KubeChangeAction.Configured;
            onResult(ResultOf(o, action, o.DryRunObject!.Value, dryRun: true, null));
        }
    }

    private static async Task ResolveDeferredKindsAsync(IKubernetes client, ApplyPlan plan, ApplyOptions options, Action<ManifestFailure> onFailure, CancellationToken cancellationToken)
    {
        var pending = plan.Objects.Where(o => o.Resource is null).ToList();
        if (pending.Count == 0)
        {
            return;
        }
        var cache = DiscoveryCache.For(client);
        var deadline = DateTime.UtcNow + options.CrdWaitTimeout;
        while (true)
        {
            var all = await cache.GetAllAsync(cancellationToken, refresh: true).ConfigureAwait(false);
            foreach (var o in pending.ToList())
            {
                if (Find(all, o.Kind, o.ApiVersion) is { } r)
                {
                    o.Resource = r;
                    o.Namespace = r.Namespaced ? o.Document.Namespace ?? options.DefaultNamespace : null;
                    pending.Remove(o);
                }
            }
            if (pending.Count == 0)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                foreach (var o in pending)
                {
                    onFailure(new ManifestFailure(o.Document, new KubeException(KubeErrorKind.KubeTimeout,
                        $"{o.Document}: kind \"{o.Kind}\" in \"{o.ApiVersion}\" was not served within {options.CrdWaitTimeout.TotalSeconds:0}s after its CustomResourceDefinition was applied.")
                    { Target = o.ToString() }));
                }
                return;
            }
            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// True when an apply response is the stored object untouched: the field manager's Apply entry in managedFields
    /// is at least 2 s older than the server's Date header (an apply that changes anything stamps its entry with the
    /// server's current time). Uses only the server's clock; false when unsure.
    /// </summary>
    public static bool IsNoOp(JsonElement body, string fieldManager, DateTimeOffset? serverDate)
    {
        if (serverDate is not { } date || body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty("metadata", out var meta) || !meta.TryGetProperty("managedFields", out var fields) || fields.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        foreach (var e in fields.EnumerateArray())
        {
            if (e.TryGetProperty("manager", out var m) && m.GetString() == fieldManager
                && e.TryGetProperty("operation", out var op) && op.GetString() == "Apply"
                && !e.TryGetProperty("subresource", out _)
                && e.TryGetProperty("time", out var t) && DateTimeOffset.TryParse(t.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
            {
                return date - time >= TimeSpan.FromSeconds(2);
            }
        }
        return false;
    }

    internal static ApiResourceInfo? Find(IReadOnlyList<ApiResourceInfo> all, string kind, string apiVersion)
    {
        var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";
        var version = apiVersion.Contains('/') ? apiVersion[(apiVersion.IndexOf('/') + 1)..] : apiVersion;
        return all.FirstOrDefault(r => r.Kind == kind && r.Group == group && r.Version == version);
    }

    private static string? ResourceVersionOf(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("metadata", out var m) && m.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() : null;

    private static KubeChangeResult ResultOf(PlannedObject item, KubeChangeAction action, JsonElement body, bool dryRun, string? message) => new()
    {
        Kind = item.Kind,
        ApiVersion = item.ApiVersion,
        Namespace = item.Namespace,
        Name = item.Name,
        Action = action,
        DryRun = dryRun,
        Object = ResourceReader.Materialize(body, item.ApiVersion, item.Kind),
        Source = item.Document.ToString(),
        Message = message,
    };
}
