using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KubePS.LocalCluster;

public sealed partial class ApiService
{
    /// <summary>Interval between BOOKMARK events when allowWatchBookmarks=true.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(5);

    private async Task Watch(Req req)
    {
        var (ls, fs) = Selectors(req);
        var rvText = req.Query["resourceVersion"].ToString();
        var sendInitial = IsTrue(req.Query["sendInitialEvents"]);
        var bookmarks = IsTrue(req.Query["allowWatchBookmarks"]);
        var table = WantsTable(req.Ctx);
        var include = IncludeObject(req);
        var timeout = long.TryParse(req.Query["timeoutSeconds"], out var ts) && ts > 0 ? TimeSpan.FromSeconds(ts) : TimeSpan.FromMinutes(30);
        List<StoredObject> initial = null;
        Watcher watcher;
        try
        {
            var faults = Faults.Current;
            if (faults.WatchResumeExpired && rvText is not ("" or "0") && !sendInitial)
                throw new ExpiredException(long.TryParse(rvText, out var rq) ? rq : 0, Store.CurrentResourceVersion);
            if (rvText is "" or "0" || sendInitial)
                (initial, watcher) = Store.ListAndSubscribe(req.Type, req.Namespace);
            else if (long.TryParse(rvText, out var from))
                watcher = Store.Subscribe(req.Type, req.Namespace, from);
            else throw ApiError.BadRequest($"resourceVersion: Invalid value: \"{rvText}\": must be a non-negative integer");
        }
        catch (ExpiredException ex)
        {
            var resp0 = req.Ctx.Response;
            resp0.StatusCode = 200;
            resp0.ContentType = "application/json";
            var err = new JsonObject { ["type"] = "ERROR", ["object"] = new ApiError(410, "Expired", ex.Message).ToStatus() };
            await resp0.WriteAsync(err.ToJsonString(JsonUtil.Options) + "\n");
            return;
        }
        using var _ = watcher;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(req.Ctx.RequestAborted, StopToken);
        var fs0 = Faults.Current;
        if (fs0.WatchDropAfterSeconds > 0 && TimeSpan.FromSeconds(fs0.WatchDropAfterSeconds) < timeout) timeout = TimeSpan.FromSeconds(fs0.WatchDropAfterSeconds);
        var dropAfter = fs0.WatchDropAfterEvents;
        var sent = 0;
        cts.CancelAfter(timeout);
        var ct = cts.Token;
        var resp = req.Ctx.Response;
        resp.StatusCode = 200;
        resp.ContentType = "application/json";
        resp.Headers.CacheControl = "no-cache, private";
        var first = true;
        var lastRv = Store.CurrentResourceVersion;
        var body = resp.Body;
        async Task Send(string type, StoredObject o)
        {
            lastRv = Math.Max(lastRv, o.ResourceVersion);
            var ms = new MemoryStream();
            if (table)
            {
                using var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = JsonUtil.Options.Encoder });
                w.WriteStartObject();
                w.WriteString("type", type);
                w.WritePropertyName("object");
                Tables.Write(w, req.Type, [o.Object], o.ResourceVersion.ToString(CultureInfo.InvariantCulture), null, first, include);
                w.WriteEndObject();
                first = false;
            }
            else
            {
                ms.Write("{\"type\":\""u8);
                ms.Write(System.Text.Encoding.ASCII.GetBytes(type));
                ms.Write("\",\"object\":"u8);
                ms.Write(o.Json);
                ms.WriteByte((byte)'}');
            }
            ms.WriteByte((byte)'\n');
            await body.WriteAsync(ms.GetBuffer().AsMemory(0, (int)ms.Length), ct);
            if (dropAfter > 0 && ++sent >= dropAfter) { await body.FlushAsync(ct); cts.Cancel(); }
        }
        async Task Bookmark(bool initialEnd)
        {
            var meta = new JsonObject { ["resourceVersion"] = lastRv.ToString(CultureInfo.InvariantCulture), ["creationTimestamp"] = null };
            if (initialEnd) meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
            var ev = new JsonObject { ["type"] = "BOOKMARK", ["object"] = new JsonObject { ["kind"] = req.Type.Kind, ["apiVersion"] = req.Type.GroupVersion, ["metadata"] = meta } };
            await body.WriteAsync(System.Text.Encoding.UTF8.GetBytes(ev.ToJsonString(JsonUtil.Options) + "\n"), ct);
        }
        try
        {
            await resp.StartAsync(ct);
            if (initial != null)
            {
                foreach (var o in initial) if (Matches(o, ls, fs)) await Send("ADDED", o);
                if (sendInitial && bookmarks) await Bookmark(true);
            }
            await body.FlushAsync(ct);
            var reader = watcher.Events;
            while (!ct.IsCancellationRequested)
            {
                var wait = reader.WaitToReadAsync(ct).AsTask();
                if (bookmarks)
                {
                    var done = await Task.WhenAny(wait, Task.Delay(BookmarkInterval, ct));
                    if (done != wait)
                    {
                        await Bookmark(false); await body.FlushAsync(ct);
                        if (!await wait) break;
                    }
                    else if (!await wait) break;
                }
                else if (!await wait) break;
                while (reader.TryRead(out var ev))
                {
                    if (!Matches(ev.Object, ls, fs)) continue;
                    await Send(ev.TypeName, ev.Object);
                }
                await body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }
}
