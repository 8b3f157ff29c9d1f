using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KubePS.LocalCluster;

/// <summary>Source of container logs for pods/log. Part 2 (kubelet simulation) plugs a real one in.</summary>
public interface ILogSource
{
    /// <summary>Log lines (timestamp, text) of a container; previous = the last terminated instance.</summary>
    IReadOnlyList<(DateTime Time, string Line)> GetLines(JsonObject pod, string container, bool previous);
    /// <summary>Lines appended after the given count, for follow; null when following is not supported.</summary>
    IAsyncEnumerable<(DateTime Time, string Line)> Follow(JsonObject pod, string container, CancellationToken ct) => null;
    /// <summary>Lines written after the given time (the time of the last line already served), for follow.</summary>
    IAsyncEnumerable<(DateTime Time, string Line)> Follow(JsonObject pod, string container, DateTime after, CancellationToken ct) => Follow(pod, container, ct);
}

/// <summary>Deterministic placeholder logs until containers are simulated.</summary>
public sealed class StaticLogSource : ILogSource
{
    public IReadOnlyList<(DateTime, string)> GetLines(JsonObject pod, string container, bool previous)
    {
        var created = JsonUtil.ParseTime(JsonUtil.Str(pod, "metadata", "creationTimestamp") ?? "") ?? DateTime.UtcNow;
        var name = JsonUtil.Str(pod, "metadata", "name");
        return Enumerable.Range(1, 5).Select(i => (created.AddSeconds(i), $"{(previous ? "previous " : "")}log line {i} from {name}/{container}")).ToList();
    }
}

/// <summary>
/// The REST semantics of the API server: routing, verbs, validation, defaulting, patching, tables, watch.
/// It is HTTP-facing; in-process controllers should use <see cref="ResourceStore"/> directly.
/// </summary>
public sealed partial class ApiService
{
    public ResourceRegistry Registry { get; }
    public ResourceStore Store { get; }
    public ILogSource Logs { get; set; } = new StaticLogSource();
    /// <summary>Fault injection (latency, error answers, watch drops, slow logs); /kubeps-admin/faults.</summary>
    public Faults Faults { get; } = new();
    /// <summary>When true (controllers running), deleting a namespace marks it Terminating and the namespace controller empties and removes it.</summary>
    public bool AsyncNamespaceDeletion { get; set; }
    /// <summary>When true (kubelet simulated), deleting a scheduled, running pod with a grace period marks it (deletionTimestamp) and the kubelet removes it.</summary>
    public bool GracefulPodDeletion { get; set; }
    public string Token { get; }
    private readonly OpenApi _openApi;
    private static readonly object RngLock = new();
    private static Random Rng = new();

    public ApiService(ResourceRegistry registry, ResourceStore store, string token)
    {
        Registry = registry; Store = store; Token = token;
        _openApi = new OpenApi(registry);
    }

    // ---------------------------------------------------------------- entry point
    public async Task Handle(HttpContext ctx)
    {
        try
        {
            var auth = ctx.Request.Headers.Authorization.ToString();
            if (auth != "Bearer " + Token)
            {
                await WriteJson(ctx, 401, new ApiError(401, "Unauthorized", "Unauthorized").ToStatus());
                return;
            }
            var reqCt = ctx.Request.ContentType ?? "";
            if (reqCt.Contains("protobuf", StringComparison.OrdinalIgnoreCase))
            {
                // Translate k8s protobuf bodies (kubectl's typed commands) into JSON before routing.
                var ms = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(ms);
                JsonObject decoded;
                try { decoded = Protobuf.Decode(ms.ToArray()); }
                catch (FormatException fe)
                {
                    await WriteJson(ctx, 415, new ApiError(415, "UnsupportedMediaType", fe.Message).ToStatus());
                    return;
                }
                ctx.Request.Body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(decoded, JsonUtil.Options));
                ctx.Request.ContentType = "application/json";
            }
            if (reqCt.Contains("cbor", StringComparison.OrdinalIgnoreCase))
            {
                await WriteJson(ctx, 415, new ApiError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml").ToStatus());
                return;
            }
            var path0 = ctx.Request.Path.Value ?? "/";
            if (path0 == "/kubeps-admin" || path0.StartsWith("/kubeps-admin/", StringComparison.Ordinal))
            {
                await Faults.Admin(ctx, path0.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries));
                return;
            }
            if (await Faults.Before(ctx) != 0) return;
            await Route(ctx);
        }
        catch (ApiError e)
        {
            if (ctx.Response.HasStarted) return;
            if (e.PlainText)
            {
                ctx.Response.StatusCode = e.Code;
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.Response.WriteAsync(e.Message + "\n");
            }
            else await WriteJson(ctx, e.Code, e.ToStatus());
        }
        catch (OperationCanceledException) { }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            await WriteJson(ctx, 500, new ApiError(500, "InternalError", "Internal error occurred: " + e.Message).ToStatus());
        }
    }

    private async Task Route(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var method = ctx.Request.Method;
        var segs = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segs.Length == 0) { await WriteJson(ctx, 200, new JsonObject { ["paths"] = new JsonArray("/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v2", "/openapi/v3", "/readyz", "/version") }); return; }
        switch (segs[0])
        {
            case "healthz" or "livez" or "readyz":
                ctx.Response.ContentType = "text/plain; charset=utf-8"; await ctx.Response.WriteAsync("ok"); return;
            case "version":
                await WriteJson(ctx, 200, Discovery.Version()); return;
            case "openapi":
                await _openApi.Serve(ctx, segs); return;
            case "api":
                if (segs.Length == 1) { await WriteJson(ctx, 200, Discovery.ApiVersions(ctx)); return; }
                if (segs[1] != "v1") throw ApiError.PageNotFound();
                if (segs.Length == 2) { await WriteJson(ctx, 200, Discovery.ResourceList(Registry, "", "v1")); return; }
                await Resource(ctx, method, "", "v1", segs[2..]);
                return;
            case "apis":
                if (segs.Length == 1) { await WriteJson(ctx, 200, Discovery.GroupList(Registry)); return; }
                if (!Registry.HasGroup(segs[1])) throw ApiError.PageNotFound();
                if (segs.Length == 2) { await WriteJson(ctx, 200, Discovery.Group(Registry, segs[1])); return; }
                if (!Registry.HasGroupVersion(segs[1], segs[2])) throw ApiError.PageNotFound();
                if (segs.Length == 3) { await WriteJson(ctx, 200, Discovery.ResourceList(Registry, segs[1], segs[2])); return; }
                await Resource(ctx, method, segs[1], segs[2], segs[3..]);
                return;
        }
        throw ApiError.PageNotFound();
    }

    private sealed record Req(ResourceType Type, string Namespace, string Name, string Sub, IQueryCollection Query, HttpContext Ctx)
    {
        public bool DryRun => Query["dryRun"].Any(v => v == "All");
        public string FieldManager(string fallback)
        {
            var fm = Query["fieldManager"].ToString();
            if (!string.IsNullOrEmpty(fm)) return fm;
            var ua = Ctx.Request.Headers.UserAgent.ToString();
            var i = ua.IndexOf('/');
            return ua.Length == 0 ? fallback : i > 0 ? ua[..i] : ua;
        }
        public bool Strict => Query["fieldValidation"].ToString() == "Strict";
    }

    private async Task Resource(HttpContext ctx, string method, string group, string version, string[] rest)
    {
        string ns = null; string[] r = rest;
        if (rest.Length >= 3 && rest[0] == "namespaces" && Registry.Find(group, version, rest[2]) is { Namespaced: true })
        {
            ns = rest[1]; r = rest[2..];
        }
        var t = Registry.Find(group, version, r[0]);
        if (t is null || (ns is null && r.Length > 1 && t.Namespaced && false))
            throw new ApiError(404, "NotFound", "the server could not find the requested resource", new JsonObject());
        var name = r.Length > 1 ? r[1] : null;
        var sub = r.Length > 2 ? string.Join("/", r[2..]) : null;
        if (sub != null && !t.Subresources.Contains(sub))
            throw new ApiError(404, "NotFound", "the server could not find the requested resource", new JsonObject());
        if (t.Namespaced && ns is null && name != null)
            throw new ApiError(404, "NotFound", "the server could not find the requested resource", new JsonObject());
        var req = new Req(t, ns, name, sub, ctx.Request.Query, ctx);

        if (t.Virtual)
        {
            if (method != "POST" || name != null) throw ApiError.MethodNotAllowed();
            await Review(req); return;
        }
        if (name is null)
        {
            switch (method)
            {
                case "GET":
                    if (IsTrue(req.Query["watch"])) await Watch(req); else await List(req);
                    return;
                case "POST": if (ns is null && t.Namespaced) throw ApiError.MethodNotAllowed(); await Create(req); return;
                case "DELETE": if (ns is null && t.Namespaced) throw ApiError.MethodNotAllowed(); await DeleteCollection(req); return;
            }
            throw ApiError.MethodNotAllowed();
        }
        if (sub == "log") { if (method != "GET") throw ApiError.MethodNotAllowed(); await PodLog(req); return; }
        if (sub == "scale") { await Scale(req, method); return; }
        if (sub is not (null or "status")) throw ApiError.MethodNotAllowed();
        switch (method)
        {
            case "GET": await Get(req); return;
            case "PUT": await Update(req); return;
            case "PATCH": await Patch(req); return;
            case "DELETE": if (sub != null) throw ApiError.MethodNotAllowed(); await Delete(req); return;
        }
        throw ApiError.MethodNotAllowed();
    }

    private static bool IsTrue(string s) => s is "true" or "1" or "True";

    // ---------------------------------------------------------------- output helpers
    public static async Task WriteJson(HttpContext ctx, int code, JsonNode body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, JsonUtil.Options);
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes);
    }

    private static async Task WriteRaw(HttpContext ctx, int code, byte[] bytes)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes);
    }

    private static bool WantsTable(HttpContext ctx) => ctx.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);
    private static bool WantsPartial(HttpContext ctx) => ctx.Request.Headers.Accept.ToString().Contains("as=PartialObjectMetadata", StringComparison.Ordinal);

    private async Task WriteObject(Req req, int code, StoredObject so) => await WriteObject(req, code, so.Object, so.Json);

    private async Task WriteObject(Req req, int code, JsonObject obj, byte[] json = null)
    {
        if (WantsTable(req.Ctx))
        {
            req.Ctx.Response.StatusCode = code;
            req.Ctx.Response.ContentType = "application/json";
            var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = JsonUtil.Options.Encoder }))
                Tables.Write(w, req.Type, [obj], JsonUtil.Str(obj, "metadata", "resourceVersion") ?? Store.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture), null, true, IncludeObject(req));
            await req.Ctx.Response.Body.WriteAsync(ms.ToArray());
            return;
        }
        await WriteRaw(req.Ctx, code, json ?? JsonSerializer.SerializeToUtf8Bytes(obj, JsonUtil.Options));
    }

    private static string IncludeObject(Req req) => req.Query["includeObject"].ToString() is { Length: > 0 } s ? s : "Metadata";

    // ---------------------------------------------------------------- reads
    private async Task Get(Req req)
    {
        var so = Store.Get(req.Type, req.Namespace, req.Name) ?? throw ApiError.NotFound(req.Type, req.Name);
        await WriteObject(req, 200, so);
    }

    private (LabelSelector, FieldSelector) Selectors(Req req)
    {
        try
        {
            return (LabelSelector.Parse(req.Query["labelSelector"].ToString()), FieldSelector.Parse(req.Query["fieldSelector"].ToString(), req.Type));
        }
        catch (FormatException e) { throw ApiError.BadRequest(e.Message); }
    }

    private static bool Matches(StoredObject o, LabelSelector ls, FieldSelector fs) =>
        (ls.IsEmpty || ls.Matches(o.Object["metadata"]?["labels"] as JsonObject)) && (fs.IsEmpty || fs.Matches(o.Object));

    private async Task List(Req req)
    {
        var (ls, fs) = Selectors(req);
        string startAfter = null; long? tokenRv = null;
        var cont = req.Query["continue"].ToString();
        if (cont.Length > 0)
        {
            try
            {
                var pad = cont.Replace('-', '+').Replace('_', '/');
                pad += new string('=', (4 - pad.Length % 4) % 4);
                var tok = JsonNode.Parse(Convert.FromBase64String(pad))!;
                startAfter = ((string)tok["start"])!.TrimEnd('\0');
                tokenRv = JsonUtil.Long(tok, "rv");
            }
            catch (Exception e) when (e is FormatException or JsonException or NullReferenceException)
            {
                throw ApiError.BadRequest("continue key is not valid: " + e.Message);
            }
        }
        var (all, rv) = Store.List(req.Type, req.Namespace, startAfter);
        var items = ls.IsEmpty && fs.IsEmpty ? all : all.Where(o => Matches(o, ls, fs)).ToList();
        long.TryParse(req.Query["limit"], out var limit);
        string next = null; long remaining = 0;
        if (limit > 0 && items.Count > limit)
        {
            remaining = items.Count - limit;
            items = items.GetRange(0, (int)limit);
            var last = items[^1].StoreKey;
            var tokJson = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = tokenRv ?? rv, ["start"] = last + "\0" }.ToJsonString();
            next = Convert.ToBase64String(Encoding.UTF8.GetBytes(tokJson)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }
        var rvText = (tokenRv ?? rv).ToString(CultureInfo.InvariantCulture);
        var resp = req.Ctx.Response;
        resp.StatusCode = 200;
        resp.ContentType = "application/json";
        var pipe = resp.BodyWriter;
        if (WantsTable(req.Ctx))
        {
            using (var w = new Utf8JsonWriter(pipe, new JsonWriterOptions { Encoder = JsonUtil.Options.Encoder }))
                Tables.Write(w, req.Type, items.Select(i => i.Object), rvText, next, true, IncludeObject(req), remaining);
        }
        else if (WantsPartial(req.Ctx))
        {
            using var w = new Utf8JsonWriter(pipe, new JsonWriterOptions { Encoder = JsonUtil.Options.Encoder });
            w.WriteStartObject();
            w.WriteString("kind", "PartialObjectMetadataList"); w.WriteString("apiVersion", "meta.k8s.io/v1");
            WriteListMeta(w, rvText, next, remaining);
            w.WriteStartArray("items");
            foreach (var i in items)
            {
                w.WriteStartObject(); w.WriteString("kind", "PartialObjectMetadata"); w.WriteString("apiVersion", "meta.k8s.io/v1");
                w.WritePropertyName("metadata"); i.Object["metadata"]!.WriteTo(w); w.WriteEndObject();
            }
            w.WriteEndArray(); w.WriteEndObject();
            w.Flush();
        }
        else
        {
            var head = new StringBuilder();
            head.Append("{\"kind\":\"").Append(req.Type.ListKind).Append("\",\"apiVersion\":\"").Append(req.Type.GroupVersion).Append("\",\"metadata\":{\"resourceVersion\":\"").Append(rvText).Append('"');
            if (next != null) head.Append(",\"continue\":\"").Append(next).Append("\",\"remainingItemCount\":").Append(remaining);
            head.Append("},\"items\":[");
            pipe.Write(Encoding.UTF8.GetBytes(head.ToString()));
            long pending = 0;
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0) pipe.Write(","u8);
                pipe.Write(items[i].Json);
                pending += items[i].Json.Length;
                if (pending > 1 << 18) { await pipe.FlushAsync(); pending = 0; }
            }
            pipe.Write("]}"u8);
        }
        await pipe.FlushAsync();
    }

    internal static void WriteListMeta(Utf8JsonWriter w, string rv, string next, long remaining)
    {
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", rv);
        if (next != null) { w.WriteString("continue", next); w.WriteNumber("remainingItemCount", remaining); }
        w.WriteEndObject();
    }

    // ---------------------------------------------------------------- body parsing
    private async Task<JsonObject> ReadBody(Req req, bool checkKind = true)
    {
        string text;
        using (var sr = new StreamReader(req.Ctx.Request.Body, Encoding.UTF8)) text = await sr.ReadToEndAsync();
        var node = JsonUtil.ParseBody(text, req.Ctx.Request.ContentType, out var err);
        var shown = text.Length > 30 ? text[..30] + " ..." : text;
        if (err != null || node is not JsonObject obj)
            throw ApiError.BadRequest($"the object provided is unrecognized (must be of type {req.Type.Kind}): couldn't get version/kind; {err ?? "json: cannot unmarshal into Go value of type struct"} ({shown})");
        if (checkKind) CheckKind(req, obj, shown);
        return obj;
    }

    private void CheckKind(Req req, JsonObject obj, string shown)
    {
        var kind = (string)obj["kind"];
        var apiVersion = (string)obj["apiVersion"];
        var t = req.Type;
        if (string.IsNullOrEmpty(kind))
            throw ApiError.BadRequest($"Object 'Kind' is missing in '{shown}'");
        if (string.IsNullOrEmpty(apiVersion))
            throw ApiError.BadRequest($"Object 'apiVersion' is missing in '{shown}'");
        if (kind != t.Kind || apiVersion != t.GroupVersion)
        {
            var (g, v) = ResourceRegistry.SplitApiVersion(apiVersion);
            if (kind == t.Kind && g == t.Group && Registry.FindByKind(g, v, kind) != null) { obj["apiVersion"] = t.GroupVersion; return; }
            var internalGroup = t.Group.Length == 0 ? "core" : t.Group.Split('.')[0];
            var srcGroup = g.Length == 0 ? "v1" : g.Split('.')[0] + "/" + v;
            throw ApiError.BadRequest($"{kind} in version \"{v}\" cannot be handled as a {t.Kind}: converting ({srcGroup.Replace("/", ".")}.{kind}) to ({internalGroup}.{t.Kind}): unknown conversion");
        }
    }

    private void StrictCheck(Req req, JsonObject obj)
    {
        var mode = req.Query["fieldValidation"].ToString();
        if (mode is not ("Strict" or "Warn")) return;
        var unknown = Validation.UnknownFields(req.Type, obj);
        if (unknown.Count == 0) return;
        if (mode == "Warn")
        {
            foreach (var u in unknown) req.Ctx.Response.Headers.Append("Warning", $"299 - \"unknown field \\\"{u}\\\"\"");
            return;
        }
        var v = ResourceRegistry.SplitApiVersion((string)obj["apiVersion"]).Version;
        throw ApiError.BadRequest($"{req.Type.Kind} in version \"{v}\" cannot be handled as a {req.Type.Kind}: strict decoding error: " + string.Join(", ", unknown.Select(u => $"unknown field \"{u}\"")));
    }

    private void Validate(Req req, JsonObject obj)
    {
        var causes = Validation.ValidateMeta(req.Type, obj);
        causes.AddRange(Validation.ValidateSpec(req.Type, obj));
        if (causes.Count > 0) throw ApiError.Invalid(req.Type, JsonUtil.Str(obj, "metadata", "name") ?? "", causes);
    }

    private void CheckNamespace(Req req, JsonObject obj)
    {
        var meta = JsonUtil.Obj(obj, "metadata");
        if (!req.Type.Namespaced) { meta.Remove("namespace"); return; }
        var ns = (string)meta["namespace"];
        if (string.IsNullOrEmpty(ns)) meta["namespace"] = req.Namespace;
        else if (ns != req.Namespace) throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
    }

    private void RequireNamespace(Req req)
    {
        if (!req.Type.Namespaced) return;
        var nsType = Registry.Find("", "v1", "namespaces")!;
        var ns = Store.Get(nsType, null, req.Namespace) ?? throw ApiError.NotFound(nsType, req.Namespace);
        if (ns.Object["metadata"]?["deletionTimestamp"] != null)
            throw new ApiError(403, "Forbidden", $"{req.Type} \"{req.Name}\" is forbidden: unable to create new content in namespace {req.Namespace} because it is being terminated");
    }

    // ---------------------------------------------------------------- create
    private async Task Create(Req req)
    {
        var obj = await ReadBody(req);
        StrictCheck(req, obj);
        CheckNamespace(req, obj);
        var so = CreateObject(req, obj, req.FieldManager("unknown"));
        if (so is null) { await WriteObject(req, 201, obj); return; }
        await WriteObject(req, 201, so);
    }

    /// <summary>Validate, default and store a new object; returns null on dry run (obj holds the result).</summary>
    private StoredObject CreateObject(Req req, JsonObject obj, string manager, bool recordFields = true)
    {
        var meta = JsonUtil.Obj(obj, "metadata");
        if (string.IsNullOrEmpty((string)meta["name"]) && meta["generateName"] is JsonValue gv && ((string)gv)?.Length > 0)
            meta["name"] = (string)gv + RandomSuffix();
        req = req with { Name = (string)meta["name"] };
        Validate(req, obj);
        RequireNamespace(req);
        if (req.Type.Kind == "CustomResourceDefinition") ValidateCrd(req, obj);
        foreach (var k in new[] { "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink" }) meta.Remove(k);
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = JsonUtil.Now();
        if (req.Type.HasGeneration || req.Type.IsCustom) meta["generation"] = 1; else meta.Remove("generation");
        Defaults.OnCreate(req.Type, obj);
        if (req.Type.Kind == "Secret") ConvertStringData(obj);
        if (recordFields) FieldManager.RecordUpdate(null, obj, manager, req.Type.GroupVersion, !req.Type.IsCustom);
        Reorder(obj);
        if (req.DryRun) { meta.Remove("resourceVersion"); return null; }
        if (Store.Get(req.Type, req.Namespace, req.Name) != null) throw ApiError.From(new StoreException(409, "AlreadyExists", $"{req.Type} \"{req.Name}\" already exists"), req.Type, req.Name);
        StoredObject so;
        try { so = Store.Create(req.Type, obj); }
        catch (StoreException e) { throw ApiError.From(e, req.Type, req.Name); }
        AfterWrite(req.Type, null, so);
        return so;
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var sb = new StringBuilder();
        lock (RngLock) for (var i = 0; i < 5; i++) sb.Append(alphabet[Rng.Next(alphabet.Length)]);
        return sb.ToString();
    }

    private static void ConvertStringData(JsonObject obj)
    {
        if (obj["stringData"] is JsonObject sd)
        {
            var data = JsonUtil.Obj(obj, "data");
            foreach (var kv in sd) data[kv.Key] = Convert.ToBase64String(Encoding.UTF8.GetBytes((string)kv.Value ?? ""));
            obj.Remove("stringData");
        }
        if (obj["data"] is JsonObject d)
            foreach (var kv in d.ToList())
            {
                try { Convert.FromBase64String((string)kv.Value ?? ""); }
                catch (FormatException) { throw ApiError.BadRequest($"Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0"); }
            }
    }

    /// <summary>Order top-level keys as the real server serializes them: kind, apiVersion, metadata, then the rest.</summary>
    private static void Reorder(JsonObject obj)
    {
        var props = obj.ToList();
        obj.Clear();
        foreach (var key in new[] { "kind", "apiVersion", "metadata" })
            if (props.FirstOrDefault(p => p.Key == key) is { Key: not null } p) obj[key] = p.Value;
        foreach (var p in props) if (p.Key is not ("kind" or "apiVersion" or "metadata")) obj[p.Key] = p.Value;
        if (obj["metadata"] is JsonObject m)
        {
            var order = new[] { "name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields" };
            var mp = m.ToList(); m.Clear();
            foreach (var k in order) if (mp.FirstOrDefault(p => p.Key == k) is { Key: not null } p) m[k] = p.Value;
            foreach (var p in mp) if (!order.Contains(p.Key)) m[p.Key] = p.Value;
        }
    }
}

public sealed partial class ApiService
{
    /// <summary>Cancelled when the server shuts down, so open watches end.</summary>
    public CancellationToken StopToken { get; set; }

    public static void SetSeed(int seed) { lock (RngLock) Rng = new Random(seed); }
}
