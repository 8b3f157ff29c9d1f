using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KubePS.LocalCluster;

public sealed partial class ApiService
{
    // ---------------------------------------------------------------- update
    private async Task Update(Req req)
    {
        var obj = await ReadBody(req);
        StrictCheck(req, obj);
        CheckNamespace(req, obj);
        var old = Store.Get(req.Type, req.Namespace, req.Name) ?? throw ApiError.NotFound(req.Type, req.Name);
        long? expected = long.TryParse(JsonUtil.Str(obj, "metadata", "resourceVersion"), out var e) ? e : null;
        var result = UpdateObject(req, old, obj, req.FieldManager("unknown"), expected, req.Sub);
        await WriteObject(req, 200, result);
    }

    /// <summary>Merge server-owned fields, validate and store an update. Returns the stored (or dry-run) object.</summary>
    private JsonObject UpdateObject(Req req, StoredObject old, JsonObject obj, string manager, long? expectedRv, string sub, bool recordFields = true)
    {
        var name = JsonUtil.Str(obj, "metadata", "name");
        if (string.IsNullOrEmpty(name)) JsonUtil.Obj(obj, "metadata")["name"] = name = req.Name;
        if (name != req.Name) throw ApiError.BadRequest($"the name of the object ({name}) does not match the name on the URL ({req.Name})");
        if (expectedRv is long ev && ev != old.ResourceVersion)
            throw ApiError.From(new StoreException(409, "Conflict", $"Operation cannot be fulfilled on {req.Type} \"{req.Name}\": the object has been modified; please apply your changes to the latest version and try again"), req.Type, req.Name);
        var prev = old.Object;
        JsonObject result;
        if (sub == "status")
        {
            result = old.CloneObject();
            if (obj["status"] is { } st) result["status"] = st.DeepClone(); else result.Remove("status");
        }
        else
        {
            result = obj;
            if (req.Type.Subresources.Contains("status") && req.Type.Kind != "Namespace")
            {
                if (prev["status"] is { } ps) result["status"] = ps.DeepClone(); else result.Remove("status");
            }
            if (req.Type.Kind == "Namespace") result["status"] = prev["status"]?.DeepClone();
        }
        var meta = JsonUtil.Obj(result, "metadata");
        var pm = (JsonObject)prev["metadata"]!;
        meta["uid"] = pm["uid"]?.DeepClone();
        meta["creationTimestamp"] = pm["creationTimestamp"]?.DeepClone();
        if (pm["deletionTimestamp"] != null) { meta["deletionTimestamp"] = pm["deletionTimestamp"]!.DeepClone(); meta["deletionGracePeriodSeconds"] = pm["deletionGracePeriodSeconds"]?.DeepClone(); }
        else { meta.Remove("deletionTimestamp"); meta.Remove("deletionGracePeriodSeconds"); }
        if (sub == null && req.Type.Kind == "Service" && result["spec"] is JsonObject ss && prev["spec"] is JsonObject ps2)
        {
            ss["clusterIP"] ??= ps2["clusterIP"]?.DeepClone();
            ss["clusterIPs"] ??= ps2["clusterIPs"]?.DeepClone();
        }
        if (req.Type.Kind == "Secret") ConvertStringData(result);
        if (req.Type.Kind == "CustomResourceDefinition") { ValidateCrd(req, result); Defaults.CrdStatus(result); }
        if (req.Type.Kind == "Namespace") Defaults.OnCreate(req.Type, result);
        if (req.Type.HasGeneration || req.Type.IsCustom)
        {
            var gen = JsonUtil.Long(prev, "metadata", "generation") ?? 1;
            var specChanged = !JsonNode.DeepEquals(Without(prev, "status", "metadata"), Without(result, "status", "metadata"));
            meta["generation"] = specChanged && sub == null ? gen + 1 : gen;
        }
        Validate(req, result);
        if (recordFields) FieldManager.RecordUpdate(prev, result, manager, req.Type.GroupVersion, !req.Type.IsCustom, sub);
        Reorder(result);
        meta["resourceVersion"] = old.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        if (JsonNode.DeepEquals(WithoutMfTime(result), WithoutMfTime(prev))) return old.Object; // no-op update keeps the version
        if (req.DryRun) return result;
        var finalizers = meta["finalizers"] as JsonArray;
        if (meta["deletionTimestamp"] != null && (finalizers is null || finalizers.Count == 0))
        {
            StoredObject del;
            try { Store.Update(req.Type, result, old.ResourceVersion); del = Store.Delete(req.Type, req.Namespace, req.Name); }
            catch (StoreException se) { throw ApiError.From(se, req.Type, req.Name); }
            AfterDelete(req.Type, del);
            return del.Object;
        }
        StoredObject so;
        try { so = Store.Update(req.Type, result, old.ResourceVersion); }
        catch (StoreException se) { throw ApiError.From(se, req.Type, req.Name); }
        AfterWrite(req.Type, old, so);
        return so.Object;
    }

    private static JsonObject Without(JsonObject o, params string[] keys)
    {
        var c = (JsonObject)o.DeepClone();
        foreach (var k in keys) c.Remove(k);
        return c;
    }

    private static JsonObject WithoutMfTime(JsonObject o)
    {
        var c = (JsonObject)o.DeepClone();
        if (c["metadata"]?["managedFields"] is JsonArray mf) foreach (var e in mf.OfType<JsonObject>()) e.Remove("time");
        return c;
    }

    // ---------------------------------------------------------------- patch
    private async Task Patch(Req req)
    {
        var ct = (req.Ctx.Request.ContentType ?? "").Split(';')[0].Trim();
        string text;
        using (var sr = new StreamReader(req.Ctx.Request.Body, Encoding.UTF8)) text = await sr.ReadToEndAsync();
        var old = Store.Get(req.Type, req.Namespace, req.Name);
        if (ct == "application/apply-patch+yaml") { await ApplyPatch(req, old, text); return; }
        if (old is null) throw ApiError.NotFound(req.Type, req.Name);
        var patched = PatchObject(req, old.CloneObject(), ct, text);
        await WriteObject(req, 200, FinishPatch(req, old, patched, req.FieldManager("unknown")));
    }

    private JsonObject FinishPatch(Req req, StoredObject old, JsonObject patched, string manager)
    {
        if ((string)patched["kind"] != req.Type.Kind || (string)patched["apiVersion"] != req.Type.GroupVersion)
            throw ApiError.BadRequest("the kind or apiVersion of the object cannot be changed by a patch");
        StrictCheck(req, patched);
        CheckNamespace(req, patched);
        long? expected = long.TryParse(JsonUtil.Str(patched, "metadata", "resourceVersion"), out var e) ? e : null;
        return UpdateObject(req, old, patched, manager, expected, req.Sub);
    }

    private JsonObject PatchObject(Req req, JsonObject current, string contentType, string text)
    {
        var patch = JsonUtil.ParseBody(text, contentType, out var err);
        if (err != null || patch is null) throw ApiError.BadRequest("error decoding patch: " + (err ?? "empty patch"));
        try
        {
            switch (contentType)
            {
                case "application/json-patch+json":
                    if (patch is not JsonArray ops) throw ApiError.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
                    return Patching.ApplyJsonPatch(current, ops) as JsonObject ?? throw new PatchException("patch replaced the object with a non-object");
                case "application/merge-patch+json":
                    if (patch is not JsonObject mp) throw ApiError.BadRequest("json: cannot unmarshal array into Go value of type map[string]interface {}");
                    return (JsonObject)Patching.MergePatch(current, mp);
                case "application/strategic-merge-patch+json":
                    if (req.Type.IsCustom) throw new ApiError(415, "UnsupportedMediaType", $"strategic merge patch is not supported for {req.Type.Kind}.{req.Type.Group}");
                    if (patch is not JsonObject sp) throw ApiError.BadRequest("json: cannot unmarshal array into Go value of type map[string]interface {}");
                    return Patching.StrategicMerge(current, sp);
                default:
                    throw new ApiError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml{(req.Type.IsCustom ? "" : ", application/strategic-merge-patch+json")}");
            }
        }
        catch (PatchException pe) { throw new ApiError(422, "Invalid", pe.Message); }
    }

    private async Task ApplyPatch(Req req, StoredObject old, string text)
    {
        var manager = req.Query["fieldManager"].ToString();
        if (string.IsNullOrEmpty(manager)) throw new ApiError(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        var applied = JsonUtil.ParseBody(text, "application/yaml", out var err) as JsonObject;
        if (err != null || applied is null) throw ApiError.BadRequest("error decoding YAML: " + (err ?? "empty body"));
        CheckKind(req, applied, text.Length > 30 ? text[..30] + " ..." : text);
        StrictCheck(req, applied);
        var an = JsonUtil.Str(applied, "metadata", "name");
        if (an != null && an != req.Name) throw ApiError.BadRequest($"the name of the object ({an}) does not match the name on the URL ({req.Name})");
        CheckNamespace(req, applied);
        var force = IsTrue(req.Query["force"]);
        var keyed = !req.Type.IsCustom;
        if (req.Sub == "status" && old != null)
        {
            var cur = old.CloneObject();
            cur["status"] = applied["status"]?.DeepClone();
            await WriteObject(req, 200, UpdateObject(req, old, cur, manager, null, "status"));
            return;
        }
        var merged = FieldManager.Apply(old?.CloneObject(), applied, manager, req.Type.GroupVersion, force, keyed);
        merged["kind"] = req.Type.Kind; merged["apiVersion"] = req.Type.GroupVersion;
        if (old is null)
        {
            JsonUtil.Obj(merged, "metadata")["name"] = req.Name;
            var so = CreateObject(req, merged, manager, recordFields: false);
            await WriteObject(req, 201, so?.Object ?? merged, so?.Json);
            return;
        }
        long? expected = long.TryParse(JsonUtil.Str(applied, "metadata", "resourceVersion"), out var e) ? e : null;
        await WriteObject(req, 200, UpdateObject(req, old, merged, manager, expected, null, recordFields: false));
    }

    // ---------------------------------------------------------------- delete
    private sealed record DeleteOpts(string Propagation, long? Grace, string PreconditionUid, long? PreconditionRv, bool DryRun);

    private async Task<DeleteOpts> ReadDeleteOptions(Req req)
    {
        string text;
        using (var sr = new StreamReader(req.Ctx.Request.Body, Encoding.UTF8)) text = await sr.ReadToEndAsync();
        JsonObject body = null;
        if (!string.IsNullOrWhiteSpace(text))
        {
            body = JsonUtil.ParseBody(text, req.Ctx.Request.ContentType, out var err) as JsonObject;
            if (err != null) throw ApiError.BadRequest("the body of the request was in an unknown format: " + err);
        }
        var prop = (string)body?["propagationPolicy"] ?? req.Query["propagationPolicy"].ToString();
        if ((bool?)body?["orphanDependents"] == true || req.Query["orphanDependents"] == "true") prop = "Orphan";
        if (prop is not ("" or "Foreground" or "Background" or "Orphan"))
            throw new ApiError(422, "Invalid", $"DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{prop}\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        long? grace = JsonUtil.Long(body, "gracePeriodSeconds") ?? (long.TryParse(req.Query["gracePeriodSeconds"], out var g) ? g : null);
        var dry = req.DryRun || (body?["dryRun"] as JsonArray)?.Any(x => (string)x == "All") == true;
        long? prv = long.TryParse(JsonUtil.Str(body, "preconditions", "resourceVersion"), out var p) ? p : null;
        return new DeleteOpts(prop.Length == 0 ? "Background" : prop, grace, JsonUtil.Str(body, "preconditions", "uid"), prv, dry);
    }

    private async Task Delete(Req req)
    {
        var opts = await ReadDeleteOptions(req);
        var so = Store.Get(req.Type, req.Namespace, req.Name) ?? throw ApiError.NotFound(req.Type, req.Name);
        if (opts.PreconditionUid != null && opts.PreconditionUid != so.Uid)
            throw new ApiError(409, "Conflict", $"Precondition failed: UID in precondition: {opts.PreconditionUid}, UID in object meta: {so.Uid}", ApiError.NameDetails(req.Type, req.Name));
        if (opts.PreconditionRv is long prv && prv != so.ResourceVersion)
            throw new ApiError(409, "Conflict", $"Precondition failed: ResourceVersion in precondition: {prv}, ResourceVersion in object meta: {so.ResourceVersion}", ApiError.NameDetails(req.Type, req.Name));
        var (obj, pending) = DeleteObject(req.Type, so, opts);
        if (pending || req.Type.Kind is "Pod" or "Namespace" or "Service" || req.Type.IsCustom)
        {
            await WriteObject(req, 200, obj);
            return;
        }
        var details = ApiError.NameDetails(req.Type, req.Name);
        details["uid"] = so.Uid;
        await WriteJson(req.Ctx, 200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["details"] = details });
    }

    /// <summary>Delete honouring finalizers and propagation. Returns the final/pending object and whether deletion is pending.</summary>
    private (JsonObject Obj, bool Pending) DeleteObject(ResourceType t, StoredObject so, DeleteOpts opts)
    {
        var obj = so.CloneObject();
        var meta = JsonUtil.Obj(obj, "metadata");
        var finalizers = (meta["finalizers"] as JsonArray)?.Select(x => (string)x).ToList() ?? [];
        if (opts.DryRun)
        {
            if (finalizers.Count > 0) meta["deletionTimestamp"] ??= JsonUtil.Now();
            return (obj, finalizers.Count > 0);
        }
        var dependents = Store.FindDependents(so.Uid);
        if (opts.Propagation == "Orphan")
            foreach (var d in dependents) RemoveOwnerRef(d, so.Uid);
        if (GracefulPodDeletion && t.Kind == "Pod" && t.Group.Length == 0 && finalizers.Count == 0)
        {
            var grace = opts.Grace ?? JsonUtil.Long(obj, "spec", "terminationGracePeriodSeconds") ?? 30;
            var running = !string.IsNullOrEmpty(JsonUtil.Str(obj, "spec", "nodeName")) && JsonUtil.Str(obj, "status", "phase") is not ("Succeeded" or "Failed");
            if (grace > 0 && running)
            {
                if (meta["deletionTimestamp"] is null)
                {
                    meta["deletionTimestamp"] = JsonUtil.Now(); meta["deletionGracePeriodSeconds"] = grace;
                    so = Store.Update(t, obj);
                }
                return (so.CloneObject(), true);
            }
        }
        if (t.Kind == "Namespace" && AsyncNamespaceDeletion)
        {
            if (meta["deletionTimestamp"] is null)
            {
                meta["deletionTimestamp"] = JsonUtil.Now(); meta["deletionGracePeriodSeconds"] = 0;
                var nst = JsonUtil.Obj(obj, "status");
                nst["phase"] = "Terminating";
                nst["conditions"] = new JsonArray(
                    new JsonObject { ["type"] = "NamespaceDeletionDiscoveryFailure", ["status"] = "False", ["lastTransitionTime"] = JsonUtil.Now(), ["reason"] = "ResourcesDiscovered", ["message"] = "All resources successfully discovered" },
                    new JsonObject { ["type"] = "NamespaceContentRemaining", ["status"] = "False", ["lastTransitionTime"] = JsonUtil.Now(), ["reason"] = "ContentDeleted", ["message"] = "All content successfully removed" });
                so = Store.Update(t, obj);
            }
            return (so.CloneObject(), true);
        }
        if (t.Kind == "Namespace")
        {
            foreach (var rt in Registry.All.Where(x => x.Namespaced && !x.Virtual).ToList())
                foreach (var item in Store.List(rt, so.Name).Items)
                    try { var del = Store.Delete(rt, item.Namespace, item.Name); AfterDelete(rt, del); } catch (StoreException) { }
            JsonUtil.Obj(obj, "status")["phase"] = "Terminating";
        }
        if (opts.Propagation == "Foreground" && dependents.Count > 0)
        {
            // Mark the owner, delete the dependents (as the garbage collector would), then finish.
            if (!finalizers.Contains("foregroundDeletion")) { finalizers.Add("foregroundDeletion"); meta["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray()); }
            meta["deletionTimestamp"] = JsonUtil.Now(); meta["deletionGracePeriodSeconds"] = 0;
            var marked = Store.Update(t, obj);
            var response = marked.CloneObject();
            foreach (var d in dependents) DeleteCascade(d, "Foreground");
            finalizers.Remove("foregroundDeletion");
            obj = marked.CloneObject();
            meta = JsonUtil.Obj(obj, "metadata");
            if (finalizers.Count > 0) { meta["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray()); Store.Update(t, obj); }
            else { Store.Update(t, ClearFinalizers(obj)); AfterDelete(t, Store.Delete(t, so.Namespace, so.Name)); }
            return (response, true);
        }
        if (finalizers.Count > 0)
        {
            if (meta["deletionTimestamp"] is null)
            {
                meta["deletionTimestamp"] = JsonUtil.Now(); meta["deletionGracePeriodSeconds"] = opts.Grace ?? 0;
                so = Store.Update(t, obj);
            }
            return (so.CloneObject(), true);
        }
        var deleted = Store.Delete(t, so.Namespace, so.Name);
        AfterDelete(t, deleted);
        if (opts.Propagation == "Background") foreach (var d in dependents) DeleteCascade(d, "Background");
        var result = deleted.CloneObject();
        if (t.Kind == "Namespace") JsonUtil.Obj(result, "status")["phase"] = "Terminating";
        return (result, false);
    }

    private static JsonObject ClearFinalizers(JsonObject o) { JsonUtil.Obj(o, "metadata").Remove("finalizers"); return o; }

    private void DeleteCascade(StoredObject d, string propagation)
    {
        var cur = Store.Get(d.Type, d.Namespace, d.Name);
        if (cur is null) return;
        try { DeleteObject(d.Type, cur, new DeleteOpts(propagation, 0, null, null, false)); } catch (StoreException) { }
    }

    private void RemoveOwnerRef(StoredObject d, string ownerUid)
    {
        var o = d.CloneObject();
        if (o["metadata"]?["ownerReferences"] is JsonArray refs)
        {
            foreach (var r in refs.Where(r => (string)r?["uid"] == ownerUid).ToList()) refs.Remove(r);
            if (refs.Count == 0) ((JsonObject)o["metadata"]!).Remove("ownerReferences");
            try { Store.Update(d.Type, o); } catch (StoreException) { }
        }
    }

    private async Task DeleteCollection(Req req)
    {
        var opts = await ReadDeleteOptions(req);
        var (ls, fs) = Selectors(req);
        var (items, rv) = Store.List(req.Type, req.Namespace);
        var arr = new JsonArray();
        foreach (var so in items.Where(o => Matches(o, ls, fs)))
        {
            try { arr.Add(DeleteObject(req.Type, so, opts).Obj); } catch (StoreException) { }
        }
        await WriteJson(req.Ctx, 200, new JsonObject { ["kind"] = req.Type.ListKind, ["apiVersion"] = req.Type.GroupVersion, ["metadata"] = new JsonObject { ["resourceVersion"] = Store.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture) }, ["items"] = arr });
    }

    // ---------------------------------------------------------------- side effects of writes
    private void AfterWrite(ResourceType t, StoredObject old, StoredObject now)
    {
        if (t.Kind == "CustomResourceDefinition" && t.Group == "apiextensions.k8s.io") Crds.Register(Registry, Store, now.Object, old?.Object);
        if (t.Kind == "Namespace" && t.Group == "" && old is null)
        {
            var sa = Registry.Find("", "v1", "serviceaccounts")!;
            if (Store.Get(sa, now.Name, "default") is null)
                try
                {
                    Store.Create(sa, new JsonObject
                    {
                        ["kind"] = "ServiceAccount", ["apiVersion"] = "v1",
                        ["metadata"] = new JsonObject { ["name"] = "default", ["namespace"] = now.Name, ["uid"] = Guid.NewGuid().ToString(), ["creationTimestamp"] = JsonUtil.Now() },
                    });
                }
                catch (StoreException) { }
        }
    }

    private void AfterDelete(ResourceType t, StoredObject deleted)
    {
        if (t.Kind == "CustomResourceDefinition" && t.Group == "apiextensions.k8s.io") Crds.Unregister(Registry, Store, deleted.Object);
    }

    private void ValidateCrd(Req req, JsonObject obj)
    {
        var causes = new List<(string, string, string)>();
        var group = JsonUtil.Str(obj, "spec", "group");
        var plural = JsonUtil.Str(obj, "spec", "names", "plural");
        if (string.IsNullOrEmpty(group)) causes.Add(("spec.group", "FieldValueRequired", "Required value"));
        if (string.IsNullOrEmpty(plural)) causes.Add(("spec.names.plural", "FieldValueRequired", "Required value"));
        if (string.IsNullOrEmpty(JsonUtil.Str(obj, "spec", "names", "kind"))) causes.Add(("spec.names.kind", "FieldValueRequired", "Required value"));
        if (obj["spec"]?["versions"] is not JsonArray { Count: > 0 }) causes.Add(("spec.versions", "FieldValueInvalid", "Invalid value: null: must have exactly one version marked as storage version"));
        var name = JsonUtil.Str(obj, "metadata", "name");
        if (group != null && plural != null && name != plural + "." + group)
            causes.Add(("metadata.name", "FieldValueInvalid", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group"));
        if (causes.Count > 0) throw ApiError.Invalid(req.Type, name ?? "", causes);
    }

    // ---------------------------------------------------------------- scale
    private JsonObject ToScale(ResourceType t, JsonObject o)
    {
        var m = o["metadata"]!;
        var specPath = t.ScaleSpecPath.TrimStart('.').Split('.');
        var statusPath = t.ScaleStatusPath.TrimStart('.').Split('.');
        var selector = t.ScaleSelectorPath != null ? JsonUtil.Str(o, t.ScaleSelectorPath.TrimStart('.').Split('.')) : LabelSelector.Format(o["spec"]?["selector"]);
        var status = new JsonObject { ["replicas"] = JsonUtil.Long(o, statusPath) ?? 0 };
        if (selector != null) status["selector"] = selector;
        return new JsonObject
        {
            ["kind"] = "Scale", ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject { ["name"] = m["name"]?.DeepClone(), ["namespace"] = m["namespace"]?.DeepClone(), ["uid"] = m["uid"]?.DeepClone(), ["resourceVersion"] = m["resourceVersion"]?.DeepClone(), ["creationTimestamp"] = m["creationTimestamp"]?.DeepClone() },
            ["spec"] = new JsonObject { ["replicas"] = JsonUtil.Long(o, specPath) ?? (t.IsCustom ? 0 : 1) },
            ["status"] = status,
        };
    }

    private async Task Scale(Req req, string method)
    {
        var old = Store.Get(req.Type, req.Namespace, req.Name) ?? throw ApiError.NotFound(req.Type, req.Name);
        var scale = ToScale(req.Type, old.Object);
        if (method == "GET") { await WriteJson(req.Ctx, 200, scale); return; }
        string text;
        using (var sr = new StreamReader(req.Ctx.Request.Body, Encoding.UTF8)) text = await sr.ReadToEndAsync();
        JsonObject newScale;
        var ct = (req.Ctx.Request.ContentType ?? "").Split(';')[0].Trim();
        if (method == "PUT")
        {
            newScale = JsonUtil.ParseBody(text, ct, out var err) as JsonObject;
            if (err != null || newScale is null) throw ApiError.BadRequest("the object provided is unrecognized (must be of type Scale): " + err);
        }
        else if (method == "PATCH")
        {
            if (ct == "application/apply-patch+yaml")
            {
                var ap = JsonUtil.ParseBody(text, "application/yaml", out var err) as JsonObject;
                if (err != null || ap is null) throw ApiError.BadRequest("error decoding YAML: " + err);
                newScale = (JsonObject)Patching.MergePatch(scale, new JsonObject { ["spec"] = ap["spec"]?.DeepClone() });
            }
            else newScale = PatchObject(req with { Type = req.Type }, (JsonObject)scale.DeepClone(), ct == "application/strategic-merge-patch+json" ? "application/merge-patch+json" : ct, text);
        }
        else throw ApiError.MethodNotAllowed();
        var replicas = JsonUtil.Long(newScale, "spec", "replicas");
        if (replicas is null or < 0) throw new ApiError(422, "Invalid", $"Scale.autoscaling \"{req.Name}\" is invalid: spec.replicas: Invalid value: {replicas?.ToString(CultureInfo.InvariantCulture) ?? "null"}: must be greater than or equal to 0");
        long? expected = long.TryParse(JsonUtil.Str(newScale, "metadata", "resourceVersion"), out var e) ? e : null;
        if (method == "PATCH" && expected == old.ResourceVersion) expected = null;
        var obj = old.CloneObject();
        JsonNode n = obj;
        var path = req.Type.ScaleSpecPath.TrimStart('.').Split('.');
        for (var i = 0; i < path.Length - 1; i++) n = JsonUtil.Obj((JsonObject)n, path[i]);
        ((JsonObject)n)[path[^1]] = replicas;
        var result = UpdateObject(req with { Sub = null }, old, obj, req.FieldManager("unknown"), expected, null);
        await WriteJson(req.Ctx, 200, ToScale(req.Type, result));
    }

    // ---------------------------------------------------------------- pods/log
    private async Task PodLog(Req req)
    {
        var pod = Store.Get(req.Type, req.Namespace, req.Name) ?? throw ApiError.NotFound(req.Type, req.Name);
        var q = req.Query;
        var containers = (pod.Object["spec"]?["containers"] as JsonArray)?.Select(c => (string)c?["name"]).ToList() ?? [];
        var container = q["container"].ToString();
        if (container.Length == 0)
        {
            if (containers.Count != 1) throw ApiError.BadRequest($"a container name must be specified for pod {req.Name}, choose one of: [{string.Join(" ", containers)}]");
            container = containers[0];
        }
        else if (!containers.Contains(container) && (pod.Object["spec"]?["initContainers"] as JsonArray)?.Any(c => (string)c?["name"] == container) != true)
            throw ApiError.BadRequest($"container {container} is not valid for pod {req.Name}");
        long? tail = long.TryParse(q["tailLines"], out var tl) ? tl : null;
        long? sinceSeconds = long.TryParse(q["sinceSeconds"], out var ss) ? ss : null;
        var sinceTime = q["sinceTime"].Count > 0 ? JsonUtil.ParseTime(q["sinceTime"]!) : null;
        long? limitBytes = long.TryParse(q["limitBytes"], out var lb) ? lb : null;
        var timestamps = IsTrue(q["timestamps"]);
        var previous = IsTrue(q["previous"]);
        var follow = IsTrue(q["follow"]);
        if (sinceSeconds is <= 0) throw new ApiError(422, "Invalid", "PodLogOptions \"\" is invalid: sinceSeconds: Invalid value: must be greater than 0");
        if (tail is < 0) throw new ApiError(422, "Invalid", "PodLogOptions \"\" is invalid: tailLines: Invalid value: must be greater than or equal to 0");
        var allLines = Logs.GetLines(pod.Object, container, previous);
        var lastServed = allLines.Count > 0 ? allLines[^1].Time : DateTime.MinValue;
        IEnumerable<(DateTime Time, string Line)> lines = allLines;
        var lineDelay = Faults.Current.LogLineDelayMs;
        var since = sinceTime ?? (sinceSeconds is long s2 ? DateTime.UtcNow.AddSeconds(-s2) : null);
        if (since != null) lines = lines.Where(l => l.Time >= since);
        if (tail != null) { var list = lines.ToList(); lines = list.Skip(Math.Max(0, list.Count - (int)tail.Value)); }
        var resp = req.Ctx.Response;
        resp.StatusCode = 200;
        resp.ContentType = "text/plain";
        long written = 0;
        string Format((DateTime Time, string Line) l) => (timestamps ? l.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture) + " " : "") + l.Line + "\n";
        async Task<bool> Emit((DateTime, string) l)
        {
            var bytes = Encoding.UTF8.GetBytes(Format(l));
            if (limitBytes is long lim && written + bytes.Length > lim) { await resp.Body.WriteAsync(bytes.AsMemory(0, (int)(lim - written))); written = lim; return false; }
            written += bytes.Length;
            await resp.Body.WriteAsync(bytes);
            if (lineDelay > 0) { await resp.Body.FlushAsync(); await Task.Delay(lineDelay, req.Ctx.RequestAborted); }
            return true;
        }
        foreach (var l in lines) if (!await Emit(l)) return;
        if (follow && !previous && Logs.Follow(pod.Object, container, lastServed, req.Ctx.RequestAborted) is { } stream)
        {
            await resp.Body.FlushAsync();
            await foreach (var l in stream) { if (!await Emit(l)) return; await resp.Body.FlushAsync(); }
        }
    }

    // ---------------------------------------------------------------- authorization / authentication reviews
    private async Task Review(Req req)
    {
        var obj = await ReadBody(req);
        var status = req.Type.Kind switch
        {
            "SelfSubjectAccessReview" => new JsonObject { ["allowed"] = true, ["reason"] = "kubeps-local allows every request" },
            "SelfSubjectRulesReview" => new JsonObject
            {
                ["resourceRules"] = new JsonArray(new JsonObject { ["verbs"] = new JsonArray("*"), ["apiGroups"] = new JsonArray("*"), ["resources"] = new JsonArray("*") }),
                ["nonResourceRules"] = new JsonArray(new JsonObject { ["verbs"] = new JsonArray("*"), ["nonResourceURLs"] = new JsonArray("*") }),
                ["incomplete"] = false,
            },
            _ => new JsonObject { ["userInfo"] = new JsonObject { ["username"] = "kubeps-local", ["groups"] = new JsonArray("system:masters", "system:authenticated") } },
        };
        obj["status"] = status;
        JsonUtil.Obj(obj, "metadata")["creationTimestamp"] = null;
        await WriteJson(req.Ctx, 201, obj);
    }
}
