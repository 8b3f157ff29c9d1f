using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KubePS.LocalCluster;

/// <summary>
/// Faults injected on request, for client reliability tests. Set at start with flags and at run time through
/// GET/PUT/PATCH/DELETE /kubeps-admin/faults (same bearer token). JSON property names are the camelCase ones below.
/// </summary>
public sealed class FaultSettings
{
    /// <summary>Added delay before every matching request is answered (ms).</summary>
    public int LatencyMs { get; set; }
    /// <summary>Fraction (0..1) of matching requests answered with an error from ErrorCodes.</summary>
    public double ErrorRate { get; set; }
    /// <summary>Error answers to choose from (500, 503, 429, 504, ...); 429 and 503 carry Retry-After.</summary>
    public int[] ErrorCodes { get; set; } = [500, 503, 429];
    /// <summary>Seconds in Retry-After (and details.retryAfterSeconds).</summary>
    public int RetryAfterSeconds { get; set; } = 1;
    /// <summary>The next N matching requests fail (deterministic), before ErrorRate applies; counts down.</summary>
    public int FailNext { get; set; }
    /// <summary>Only requests whose path starts with this are affected (default: all API paths /api and /apis).</summary>
    public string PathPrefix { get; set; } = "/api";
    /// <summary>Only these verbs (GET, LIST, WATCH, POST, PUT, PATCH, DELETE); empty = all.</summary>
    public string[] Verbs { get; set; } = [];
    /// <summary>Watches end (the server closes the stream) after this many events (0 = never).</summary>
    public int WatchDropAfterEvents { get; set; }
    /// <summary>Watches end after this many seconds (0 = never).</summary>
    public double WatchDropAfterSeconds { get; set; }
    /// <summary>Watches that resume from a resourceVersion get a 410 Expired ERROR event.</summary>
    public bool WatchResumeExpired { get; set; }
    /// <summary>Delay per streamed log line with follow, and per line of plain log reads (ms).</summary>
    public int LogLineDelayMs { get; set; }

    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = false, PropertyNameCaseInsensitive = true };
    public FaultSettings Clone() => JsonSerializer.Deserialize<FaultSettings>(JsonSerializer.Serialize(this, Json), Json)!;
}

public sealed class Faults
{
    private readonly object _gate = new();
    private FaultSettings _s = new();
    private Random _rng = new(1);
    public long Injected;

    public FaultSettings Current { get { lock (_gate) return _s.Clone(); } }
    public void Set(FaultSettings s) { lock (_gate) _s = s; }
    public void Seed(int seed) { lock (_gate) _rng = new Random(seed); }

    /// <summary>GET, LIST, WATCH (GET with watch=true), POST, PUT, PATCH, DELETE (DELETECOLLECTION counts as DELETE).</summary>
    internal static string Verb(HttpContext ctx)
    {
        var m = ctx.Request.Method;
        if (m != "GET") return m;
        if (ctx.Request.Query["watch"].ToString() is "true" or "1") return "WATCH";
        var segs = (ctx.Request.Path.Value ?? "").Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var skip = segs.Length > 0 && segs[0] == "api" ? 2 : segs.Length > 0 && segs[0] == "apis" ? 3 : -1;
        if (skip < 0 || segs.Length <= skip) return "GET";
        var rest = segs[skip..];
        if (rest[0] == "namespaces" && rest.Length >= 3) rest = rest[2..];
        return rest.Length == 1 ? "LIST" : "GET";
    }

    /// <summary>Applies latency and decides whether to fail this request. Returns the status code to answer with, or 0.</summary>
    public async Task<int> Before(HttpContext ctx)
    {
        FaultSettings s; int code = 0;
        var path = ctx.Request.Path.Value ?? "";
        lock (_gate)
        {
            s = _s;
            if (!string.IsNullOrEmpty(s.PathPrefix) && !path.StartsWith(s.PathPrefix, StringComparison.Ordinal)) return 0;
            if (s.Verbs is { Length: > 0 } && !s.Verbs.Contains(Verb(ctx), StringComparer.OrdinalIgnoreCase)) return 0;
            var codes = s.ErrorCodes is { Length: > 0 } ? s.ErrorCodes : [500];
            if (s.FailNext > 0) { s.FailNext--; code = codes[_rng.Next(codes.Length)]; }
            else if (s.ErrorRate > 0 && _rng.NextDouble() < s.ErrorRate) code = codes[_rng.Next(codes.Length)];
        }
        if (s.LatencyMs > 0) await Task.Delay(s.LatencyMs, ctx.RequestAborted);
        if (code == 0) return 0;
        Interlocked.Increment(ref Injected);
        var (reason, msg) = code switch
        {
            429 => ("TooManyRequests", "the server has received too many requests and has asked us to try again later (injected by kubeps-local)"),
            503 => ("ServiceUnavailable", "the server is currently unable to handle the request (injected by kubeps-local)"),
            504 => ("Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request (injected by kubeps-local)"),
            _ => ("InternalError", "Internal error occurred: injected by kubeps-local"),
        };
        if (code is 429 or 503) ctx.Response.Headers["Retry-After"] = s.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var details = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "InjectedFault", ["message"] = "fault injected by kubeps-local" }) };
        if (code is 429 or 503) details["retryAfterSeconds"] = s.RetryAfterSeconds;
        await ApiService.WriteJson(ctx, code, new ApiError(code, reason, msg, details).ToStatus());
        return code;
    }

    /// <summary>GET/PUT/PATCH/DELETE /kubeps-admin/faults.</summary>
    public async Task Admin(HttpContext ctx, string[] segs)
    {
        if (segs.Length != 2 || segs[1] != "faults") throw ApiError.PageNotFound();
        var m = ctx.Request.Method;
        if (m is "PUT" or "PATCH")
        {
            string text;
            using (var sr = new StreamReader(ctx.Request.Body)) text = await sr.ReadToEndAsync();
            try
            {
                if (m == "PUT") Set(JsonSerializer.Deserialize<FaultSettings>(text, FaultSettings.Json) ?? new FaultSettings());
                else
                {
                    var cur = JsonNode.Parse(JsonSerializer.Serialize(Current, FaultSettings.Json))!.AsObject();
                    var patch = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("a JSON object is required");
                    var merged = (JsonObject)Patching.MergePatch(cur, patch);
                    // accept any property-name casing
                    Set(JsonSerializer.Deserialize<FaultSettings>(merged.ToJsonString(), FaultSettings.Json)!);
                }
            }
            catch (JsonException e) { throw ApiError.BadRequest("invalid fault settings: " + e.Message); }
        }
        else if (m == "DELETE") Set(new FaultSettings());
        else if (m != "GET") throw ApiError.MethodNotAllowed();
        var body = JsonNode.Parse(JsonSerializer.Serialize(Current, FaultSettings.Json))!.AsObject();
        body["injected"] = Interlocked.Read(ref Injected);
        await ApiService.WriteJson(ctx, 200, body);
    }
}
