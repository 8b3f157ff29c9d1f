using System.Collections.Concurrent;
using System.Net;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;
using Xunit;

namespace KubePS.Engine.Tests;

/// <summary>
/// Discovery kept on disk between sessions: a new session (a new client, so a new DiscoveryCache) resolves kinds
/// from the file without a request; a kind the file lacks is looked up on the server and saved; a corrupt file is
/// ignored; KUBEPS_CACHE_DIR=off writes nothing.
/// </summary>
public sealed class DiscoveryDiskCacheTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "kubeps-disco-" + Guid.NewGuid().ToString("n")[..8]);
    private readonly string? saved = Environment.GetEnvironmentVariable("KUBEPS_CACHE_DIR");

    public DiscoveryDiskCacheTests() => Environment.SetEnvironmentVariable("KUBEPS_CACHE_DIR", dir);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("KUBEPS_CACHE_DIR", saved);
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int DiscoveryRequests(DiscoveryServer server) => server.Requests.Count(r => r is "/api" or "/apis" || r.StartsWith("/api/v1", StringComparison.Ordinal) && !r.Contains('?') || r.StartsWith("/apis/", StringComparison.Ordinal));

    [Fact]
    public async Task A_new_session_resolves_kinds_from_the_file_without_a_request()
    {
        await using var server = new DiscoveryServer();
        var first = await DiscoveryCache.For(server.Client).ResolveAsync("cm", null, CancellationToken.None);
        Assert.Equal("configmaps", first.Plural);
        Assert.True(DiscoveryRequests(server) >= 4);
        var file = DiscoveryDiskCache.PathFor(server.Client.BaseUri);
        Assert.True(File.Exists(file), "no cache file was written");
        Assert.StartsWith(Path.Combine(dir, "discovery"), file);

        using var secondSession = server.NewClient();
        var before = DiscoveryRequests(server);
        var again = await DiscoveryCache.For(secondSession).ResolveAsync("widget", null, CancellationToken.None);
        var cm = await DiscoveryCache.For(secondSession).ResolveAsync("configmaps", null, CancellationToken.None);

        Assert.Equal(before, DiscoveryRequests(server));
        Assert.Equal(("example.com", "v1", "Widget", "widgets", true), (again.Group, again.Version, again.Kind, again.Plural, again.Namespaced));
        Assert.Equal(new[] { "wd" }, again.ShortNames);
        Assert.Contains("list", again.Verbs);
        Assert.True(again.Preferred);
        Assert.Equal(first, cm with { ShortNames = first.ShortNames, Verbs = first.Verbs, Categories = first.Categories });
    }

    [Fact]
    public async Task A_kind_the_file_lacks_is_looked_up_on_the_server_and_saved()
    {
        await using var server = new DiscoveryServer();
        _ = await DiscoveryCache.For(server.Client).GetAllAsync(CancellationToken.None);
        server.ExampleResources["gadgets"] = """{"name":"gadgets","singularName":"gadget","namespaced":false,"kind":"Gadget","verbs":["get","list"]}""";

        using var second = server.NewClient();
        var gadget = await DiscoveryCache.For(second).ResolveAsync("gadgets", null, CancellationToken.None);
        Assert.False(gadget.Namespaced);

        using var third = server.NewClient();
        var before = DiscoveryRequests(server);
        Assert.Equal("Gadget", (await DiscoveryCache.For(third).ResolveAsync("gadget", null, CancellationToken.None)).Kind);
        Assert.Equal(before, DiscoveryRequests(server));

        // A kind nobody serves is still an error with suggestions, after one more look at the server.
        var ex = await Assert.ThrowsAsync<KubeException>(() => DiscoveryCache.For(third).ResolveAsync("gadgetz", null, CancellationToken.None));
        Assert.Equal(KubeErrorKind.KubeUnknownKind, ex.Kind);
        Assert.True(DiscoveryRequests(server) > before);
    }

    [Fact]
    public async Task A_corrupt_file_is_ignored_and_replaced()
    {
        await using var server = new DiscoveryServer();
        var file = DiscoveryDiskCache.PathFor(server.Client.BaseUri)!;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, "{ not json");

        var cm = await DiscoveryCache.For(server.Client).ResolveAsync("cm", null, CancellationToken.None);

        Assert.Equal("ConfigMap", cm.Kind);
        Assert.NotNull(DiscoveryDiskCache.TryRead(server.Client.BaseUri));
    }

    [Fact]
    public async Task Off_writes_nothing_and_every_session_asks_the_server()
    {
        Environment.SetEnvironmentVariable("KUBEPS_CACHE_DIR", "off");
        await using var server = new DiscoveryServer();
        _ = await DiscoveryCache.For(server.Client).ResolveAsync("cm", null, CancellationToken.None);
        var after = DiscoveryRequests(server);
        using var second = server.NewClient();
        _ = await DiscoveryCache.For(second).ResolveAsync("cm", null, CancellationToken.None);

        Assert.Null(DiscoveryDiskCache.PathFor(server.Client.BaseUri));
        Assert.False(Directory.Exists(dir));
        Assert.True(DiscoveryRequests(server) > after);
    }

    /// <summary>Serves /api, /apis, the core v1 resources (configmaps) and example.com/v1 (widgets, plus whatever a test adds).</summary>
    private sealed class DiscoveryServer : LoopbackApiServer
    {
        public ConcurrentDictionary<string, string> ExampleResources { get; } = new()
        {
            ["widgets"] = """{"name":"widgets","singularName":"widget","namespaced":true,"kind":"Widget","shortNames":["wd"],"verbs":["get","list","watch"]}""",
        };

        /// <summary>Another client of this server: a new session as far as discovery is concerned.</summary>
        public k8s.Kubernetes NewClient() => new(new k8s.KubernetesClientConfiguration { Host = Client.BaseUri.ToString() });

        protected override Task HandleAsync(HttpListenerContext context, string url) => url switch
        {
            "/api" => WriteJsonAsync(context.Response, 200, """{"kind":"APIVersions","versions":["v1"]}"""),
            "/apis" => WriteJsonAsync(context.Response, 200, """{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"example.com","versions":[{"groupVersion":"example.com/v1","version":"v1"}],"preferredVersion":{"groupVersion":"example.com/v1","version":"v1"}}]}"""),
            "/api/v1" => WriteJsonAsync(context.Response, 200, """{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap","shortNames":["cm"],"verbs":["get","list"]},{"name":"pods/log","namespaced":true,"kind":"Pod","verbs":["get"]}]}"""),
            "/apis/example.com/v1" => WriteJsonAsync(context.Response, 200, $$"""{"kind":"APIResourceList","groupVersion":"example.com/v1","resources":[{{string.Join(",", ExampleResources.Values)}}]}"""),
            _ => WriteJsonAsync(context.Response, 404, """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}"""),
        };
    }
}
