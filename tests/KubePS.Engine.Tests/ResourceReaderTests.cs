using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;
using KubePS.Engine.Resources;
using Xunit;

namespace KubePS.Engine.Tests;

/// <summary>
/// Paged lists against a scripted server: every page in order with the continue token handed back, the next page
/// requested while the current one is still being consumed, an early stop that leaves nothing running, typed models
/// for built-in kinds and JSON for custom ones, and a failing page surfacing where the consumer reaches it.
/// </summary>
public sealed class ResourceReaderTests
{
    private static readonly ApiResourceInfo Pods = new() { Group = "", Version = "v1", Kind = "Pod", Plural = "pods", Namespaced = true, Verbs = new[] { "list" } };
    private static readonly ApiResourceInfo Widgets = new() { Group = "example.com", Version = "v1", Kind = "Widget", Plural = "widgets", Namespaced = true, Verbs = new[] { "list" } };

    private static string Pod(string name) => $$$"""{"metadata":{"name":"{{{name}}}","namespace":"ns","creationTimestamp":"2026-01-02T03:04:05Z"},"spec":{"containers":[{"name":"app","image":"app:1"}]},"status":{"phase":"Running"}}""";

    private static string Page(string listKind, string apiVersion, string? next, IEnumerable<string> items) =>
        $$$"""{"kind":"{{{listKind}}}","apiVersion":"{{{apiVersion}}}","metadata":{"resourceVersion":"7"{{{(next is null ? "" : $",\"continue\":\"{next}\"")}}}},"items":[{{{string.Join(",", items)}}}]}""";

    /// <summary>Three pages of pods: p0-p2 (continue c1), p3-p5 (continue c2), p6-p7.</summary>
    private static void ScriptPods(PagedServer server)
    {
        server.Pages[""] = Page("PodList", "v1", "c1", Enumerable.Range(0, 3).Select(i => Pod("p" + i)));
        server.Pages["c1"] = Page("PodList", "v1", "c2", Enumerable.Range(3, 3).Select(i => Pod("p" + i)));
        server.Pages["c2"] = Page("PodList", "v1", null, Enumerable.Range(6, 2).Select(i => Pod("p" + i)));
    }

    [Fact]
    public async Task Lists_every_page_in_order_as_typed_pods_with_kind_set()
    {
        await using var server = new PagedServer();
        ScriptPods(server);
        var query = new ResourceQuery { Resource = Pods, Namespace = "ns", PageSize = 3, LabelSelector = "app=web" };

        var names = new List<string>();
        await foreach (var o in ResourceReader.ListAsync(server.Client, query, CancellationToken.None))
        {
            var pod = Assert.IsType<V1Pod>(o);
            Assert.Equal("v1", pod.ApiVersion);
            Assert.Equal("Pod", pod.Kind);
            Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), pod.Metadata.CreationTimestamp);
            names.Add(pod.Metadata.Name);
        }

        Assert.Equal(Enumerable.Range(0, 8).Select(i => "p" + i), names);
        var requests = server.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.All(requests, r => Assert.StartsWith("/api/v1/namespaces/ns/pods?limit=3&labelSelector=app%3Dweb", r));
        Assert.Contains(requests, r => r.EndsWith("&continue=c1", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.EndsWith("&continue=c2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Requests_the_next_page_while_the_current_one_is_consumed()
    {
        await using var server = new PagedServer();
        ScriptPods(server);
        var query = new ResourceQuery { Resource = Pods, Namespace = "ns", PageSize = 3 };

        await using var e = ResourceReader.ListAsync(server.Client, query, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await e.MoveNextAsync());
        Assert.Equal("p0", ((V1Pod)e.Current).Metadata.Name);
        // The consumer holds the first object of page 1: page 2 is already on its way.
        await server.WaitForRequest(r => r.EndsWith("&continue=c1", StringComparison.Ordinal));
        // ...but not page 3, which waits until page 2 has been read.
        Assert.DoesNotContain(server.Requests, r => r.EndsWith("&continue=c2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_early_stop_cancels_the_page_in_flight_and_requests_no_more()
    {
        await using var server = new PagedServer { Delay = TimeSpan.FromMilliseconds(300) };
        ScriptPods(server);
        var query = new ResourceQuery { Resource = Pods, Namespace = "ns", PageSize = 3 };

        var unobserved = 0;
        EventHandler<UnobservedTaskExceptionEventArgs> handler = (_, _) => Interlocked.Increment(ref unobserved);
        TaskScheduler.UnobservedTaskException += handler;
        try
        {
            await foreach (var o in ResourceReader.ListAsync(server.Client, query, CancellationToken.None))
            {
                break;
            }
            for (var i = 0; i < 200 && server.Cancelled.IsEmpty; i++)
            {
                await Task.Delay(10);
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= handler;
        }

        Assert.Equal(0, unobserved);
        // The page-2 request was under way when the consumer stopped (it may or may not have reached the server yet),
        // and its token was cancelled.
        var cancelled = Assert.Single(server.Cancelled);
        Assert.EndsWith("&continue=c1", cancelled, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requests, r => r.EndsWith("&continue=c2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Custom_resources_come_back_as_json_with_apiVersion_and_kind_added()
    {
        await using var server = new PagedServer();
        server.Pages[""] = Page("WidgetList", "example.com/v1", null, new[] { """{"metadata":{"name":"w1","namespace":"ns"},"spec":{"size":3}}""" });
        var query = new ResourceQuery { Resource = Widgets, Namespace = "ns" };

        var items = new List<object>();
        await foreach (var o in ResourceReader.ListAsync(server.Client, query, CancellationToken.None))
        {
            items.Add(o);
        }

        var widget = Assert.IsType<JsonElement>(Assert.Single(items));
        Assert.Equal("example.com/v1", widget.GetProperty("apiVersion").GetString());
        Assert.Equal("Widget", widget.GetProperty("kind").GetString());
        Assert.Equal(3, widget.GetProperty("spec").GetProperty("size").GetInt32());
        Assert.StartsWith("/apis/example.com/v1/namespaces/ns/widgets?limit=500", Assert.Single(server.Requests));
    }

    [Fact]
    public async Task A_streamed_page_deserializes_exactly_as_the_client_does()
    {
        // Lists are read with KubernetesJson's own options, found by reflection: a client version that moves them
        // would silently fall back to buffering every page.
        Assert.True(ModelTypeMap.StreamsLists, "KubernetesJson's serializer options were not found");
        const string pod = """{"metadata":{"name":"p","namespace":"ns","creationTimestamp":"2026-01-02T03:04:05Z","labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":8080,"protocol":"TCP"}],"resources":{"limits":{"cpu":"250m","memory":"64Mi"}},"readinessProbe":{"httpGet":{"port":"http","path":"/"}}}],"terminationGracePeriodSeconds":30},"status":{"phase":"Running","startTime":"2026-01-02T03:04:06.123456Z","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-01-02T03:04:07Z"}]}}""";
        var json = Page("PodList", "v1", "next-token", new[] { pod });

        string? next = null;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var items = await ModelTypeMap.ReadTypedListAsync(stream, "v1", "Pod", c => next = c);

        var expected = KubernetesJson.Deserialize<V1PodList>(json).Items[0];
        expected.ApiVersion = "v1";
        expected.Kind = "Pod";
        var actual = Assert.IsType<V1Pod>(Assert.Single(items!));
        Assert.Equal("next-token", next);
        Assert.Equal(KubernetesJson.Serialize(expected), KubernetesJson.Serialize(actual));
        Assert.Equal("250m", actual.Spec.Containers[0].Resources.Limits["cpu"].ToString());
        Assert.Equal("http", actual.Spec.Containers[0].ReadinessProbe.HttpGet.Port.Value);
    }

    [Fact]
    public async Task A_failing_page_surfaces_after_the_pages_before_it()
    {
        await using var server = new PagedServer();
        ScriptPods(server);
        server.Pages["c1"] = "410";
        var query = new ResourceQuery { Resource = Pods, Namespace = "ns", PageSize = 3 };

        var names = new List<string>();
        var ex = await Assert.ThrowsAsync<KubeException>(async () =>
        {
            await foreach (var o in ResourceReader.ListAsync(server.Client, query, CancellationToken.None))
            {
                names.Add(((V1Pod)o).Metadata.Name);
            }
        });

        Assert.Equal(KubeErrorKind.KubeGone, ex.Kind);
        Assert.Equal(new[] { "p0", "p1", "p2" }, names);
    }

    /// <summary>
    /// Serves list pages by continue token (the empty key is the first page); a page body that is a number is
    /// answered as that HTTP status. <see cref="Delay"/> holds every page after the first.
    /// </summary>
    private sealed class PagedServer : LoopbackApiServer
    {
        private readonly CancellationRecorder recorder;

        public PagedServer()
            : this(new CancellationRecorder())
        {
        }

        private PagedServer(CancellationRecorder recorder)
            : base(recorder)
        {
            this.recorder = recorder;
        }

        public ConcurrentDictionary<string, string> Pages { get; } = new();
        public TimeSpan Delay { get; init; }

        /// <summary>Paths of the requests whose cancellation token the client cancelled while they were under way.</summary>
        public ConcurrentQueue<string> Cancelled => recorder.Cancelled;

        public async Task WaitForRequest(Func<string, bool> predicate) => Assert.True(await WaitForRequestAsync(predicate), "the expected request never arrived");

        protected override async Task HandleAsync(HttpListenerContext ctx, string url)
        {
            var token = ctx.Request.QueryString["continue"] ?? "";
            if (token.Length > 0 && Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, Stopping);
            }
            var body = Pages.TryGetValue(token, out var b) ? b : "404";
            var code = int.TryParse(body, out var c) ? c : 200;
            if (code != 200)
            {
                body = $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"scripted {{code}}","reason":"Expired","code":{{code}}}""";
            }
            await WriteJsonAsync(ctx.Response, code, body);
        }

        private sealed class CancellationRecorder : DelegatingHandler
        {
            public ConcurrentQueue<string> Cancelled { get; } = new();

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var path = request.RequestUri?.PathAndQuery ?? "";
                using var registration = cancellationToken.Register(() => Cancelled.Enqueue(path));
                return await base.SendAsync(request, cancellationToken);
            }
        }
    }
}
