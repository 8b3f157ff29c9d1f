using System.Collections.Concurrent;
using System.Net;
using System.Text;
using k8s;
using KubePS.Engine.Discovery;
using KubePS.Engine.Watch;
using Xunit;
using WatchEventType = KubePS.Engine.Watch.WatchEventType;

namespace KubePS.Engine.Tests;

/// <summary>
/// The watcher against a scripted API server: resume from the last resourceVersion and bookmark, re-list on the 410
/// ERROR event with only real changes reported, backoff on 500 and a dropped stream, polling when watch is forbidden.
/// </summary>
public sealed class WatchTests
{
    private static readonly ApiResourceInfo ConfigMaps = new() { Group = "", Version = "v1", Kind = "ConfigMap", Plural = "configmaps", Namespaced = true, Verbs = new[] { "list", "watch" } };
    private static readonly WatchOptions Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(40) };

    private static string Cm(string name, int rv, string extra = "") =>
        $$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{name}}","namespace":"ns","resourceVersion":"{{rv}}"}{{extra}}}""";

    private static string List(int rv, params string[] items) =>
        $$"""{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"{{rv}}"},"items":[{{string.Join(",", items)}}]}""";

    private static string Ev(string type, string obj) => $$"""{"type":"{{type}}","object":{{obj}}}""" + "\n";

    [Fact]
    public async Task Resumes_from_bookmarks_and_relists_on_410_reporting_only_real_changes()
    {
        await using var server = new FakeApiServer();
        server.Lists.Enqueue(List(10, Cm("a", 5), Cm("b", 6)));
        server.Watches.Enqueue(Ev("ADDED", Cm("c", 11)) + Ev("MODIFIED", Cm("a", 12)) + Ev("BOOKMARK", """{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"13"}}"""));
        server.Watches.Enqueue(Ev("ERROR", """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 13 (20)","reason":"Expired","code":410}"""));
        // the re-list: a unchanged, b gone, c changed, d new
        server.Lists.Enqueue(List(21, Cm("a", 12), Cm("c", 19), Cm("d", 20)));

        var stats = new WatchStats();
        await using var watcher = new ResourceWatcher(server.Client, ConfigMaps, "ns", options: Fast, stats: stats);
        using var sub = watcher.Subscribe();
        var events = await Take(sub, 8);

        Assert.Equal(new[]
        {
            "Added a 5", "Added b 6", "Synced", "Added c 11", "Modified a 12",
            "Modified c 19 relist", "Added d 20 relist", "Deleted b 6 relist",
        }, events.Select(Describe));
        // after the re-list the watch resumes from the list's resourceVersion
        await server.WaitForRequests(r => r.Contains("watch=true") && r.Contains("resourceVersion=21"));
        var watches = server.Requests.Where(r => r.Contains("watch=true")).ToList();
        Assert.Contains("resourceVersion=10", watches[0]);
        Assert.Contains("allowWatchBookmarks=true", watches[0]);
        Assert.Contains("resourceVersion=13", watches[1]); // the bookmark's version
        Assert.Equal(2, server.Requests.Count(r => !r.Contains("watch=true")));
        Assert.True(watcher.TryGet("ns", "d", out _));
        Assert.False(watcher.TryGet("ns", "b", out _));
        Assert.Equal(1, stats.Relists);
    }

    [Fact]
    public async Task Reconnects_after_500_and_dropped_streams_without_duplicates()
    {
        await using var server = new FakeApiServer();
        server.Lists.Enqueue(List(10, Cm("a", 5)));
        server.Watches.Enqueue("500");
        server.Watches.Enqueue("429");
        server.Watches.Enqueue(Ev("MODIFIED", Cm("a", 11)) + "{\"type\":\"MODIF"); // torn line: the stream broke
        server.Watches.Enqueue(Ev("MODIFIED", Cm("a", 11)) + Ev("MODIFIED", Cm("a", 12))); // the server replays 11 after resume from 11? no: from 11 it sends 12 only; a duplicate must still be dropped
        await using var watcher = new ResourceWatcher(server.Client, ConfigMaps, "ns", options: Fast);
        using var sub = watcher.Subscribe();
        var events = await Take(sub, 4);
        Assert.Equal(new[] { "Added a 5", "Synced", "Modified a 11", "Modified a 12" }, events.Select(Describe));
        var watches = server.Requests.Where(r => r.Contains("watch=true")).ToList();
        Assert.Contains("resourceVersion=11", watches[3]);
    }

    [Fact]
    public async Task Polls_when_watch_is_forbidden()
    {
        await using var server = new FakeApiServer();
        server.Lists.Enqueue(List(10, Cm("a", 5)));
        server.Lists.Enqueue(List(10, Cm("a", 5)));
        server.Lists.Enqueue(List(12, Cm("a", 5), Cm("b", 12)));
        server.Watches.Enqueue("403");
        await using var watcher = new ResourceWatcher(server.Client, ConfigMaps, "ns", options: Fast);
        using var sub = watcher.Subscribe();
        var events = await Take(sub, 3);
        Assert.Equal(new[] { "Added a 5", "Synced", "Added b 12 relist" }, events.Select(Describe));
        Assert.True(watcher.IsPolling);
        Assert.Single(server.Requests, r => r.Contains("watch=true"));
    }

    [Fact]
    public async Task Fatal_errors_surface_as_an_Error_event()
    {
        await using var server = new FakeApiServer();
        server.ListStatus = 401;
        await using var watcher = new ResourceWatcher(server.Client, ConfigMaps, "ns", options: Fast);
        using var sub = watcher.Subscribe();
        var e = (await Take(sub, 1))[0];
        Assert.Equal(WatchEventType.Error, e.Type);
        Assert.IsType<KubePS.Engine.Errors.KubeException>(e.Error);
    }

    [Fact]
    public async Task Hub_shares_one_watcher_per_key_and_replays_the_cache()
    {
        await using var server = new FakeApiServer();
        server.Lists.Enqueue(List(10, Cm("a", 5)));
        await using var hub = new WatchHub(server.Client, Fast);
        using var l1 = hub.Acquire(ConfigMaps, "ns");
        using var s1 = l1.Watcher.Subscribe();
        await Take(s1, 2);
        using var l2 = hub.Acquire(ConfigMaps, "ns");
        Assert.Same(l1.Watcher, l2.Watcher);
        using var s2 = l2.Watcher.Subscribe();
        Assert.Equal(new[] { "Added a 5", "Synced" }, (await Take(s2, 2)).Select(Describe));
        using var other = hub.Acquire(ConfigMaps, "other");
        Assert.Equal(2, hub.Count);
        other.Dispose();
        Assert.Equal(1, hub.Count);
        Assert.Equal(1, server.Requests.Count(r => r.Contains("/namespaces/ns/") && !r.Contains("watch=true")));
    }

    private static string Describe(WatchEvent e) =>
        e.Type == WatchEventType.Synced ? "Synced" : $"{e.Type} {e.Name} {e.ResourceVersion}" + (e.FromRelist ? " relist" : "");

    private static async Task<List<WatchEvent>> Take(WatchSubscription sub, int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var list = new List<WatchEvent>();
        await foreach (var e in sub.ReadAllAsync(cts.Token))
        {
            list.Add(e);
            if (list.Count == count)
            {
                break;
            }
        }
        return list;
    }

    /// <summary>
    /// A scripted HTTP API server: list answers come from <see cref="Lists"/> (the last one repeats), watch answers
    /// from <see cref="Watches"/> (a body of events, or a status code such as "500"); with none left a watch stays open.
    /// </summary>
    private sealed class FakeApiServer : LoopbackApiServer
    {
        private string? lastList;

        public ConcurrentQueue<string> Lists { get; } = new();
        public ConcurrentQueue<string> Watches { get; } = new();
        public int ListStatus { get; set; } = 200;

        public async Task WaitForRequests(Func<string, bool> predicate) => Assert.True(await WaitForRequestAsync(predicate), "the expected request never arrived");

        protected override async Task HandleAsync(HttpListenerContext ctx, string url)
        {
            var res = ctx.Response;
            if (!url.Contains("watch=true"))
            {
                if (ListStatus != 200)
                {
                    await WriteJsonAsync(res, ListStatus, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""");
                    return;
                }
                if (Lists.TryDequeue(out var body))
                {
                    lastList = body;
                }
                await WriteJsonAsync(res, 200, lastList ?? List(1));
                return;
            }
            if (!Watches.TryDequeue(out var script))
            {
                res.StatusCode = 200;
                res.SendChunked = true;
                await res.OutputStream.FlushAsync();
                try
                {
                    await Task.Delay(Timeout.Infinite, Stopping);
                }
                catch (OperationCanceledException)
                {
                }
                res.Abort();
                return;
            }
            if (int.TryParse(script, out var code))
            {
                await WriteJsonAsync(res, code, $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"scripted {{code}}","code":{{code}}}""");
                return;
            }
            res.StatusCode = 200;
            res.SendChunked = true;
            var bytes = Encoding.UTF8.GetBytes(script);
            await res.OutputStream.WriteAsync(bytes);
            await res.OutputStream.FlushAsync();
            res.Close();
        }
    }
}
