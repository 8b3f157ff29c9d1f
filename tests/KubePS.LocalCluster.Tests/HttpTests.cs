using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using static KubePS.LocalCluster.Tests.Kubectl;

namespace KubePS.LocalCluster.Tests;

[Collection("cluster")]
public sealed class HttpTests(ClusterFixture f)
{
    private static StringContent Json(string s, string type = "application/json") => new(s, Encoding.UTF8, type);

    private static async Task<(HttpStatusCode Code, JsonNode Body, string Text)> Send(HttpClient c, HttpMethod m, string url, HttpContent content = null, string accept = null)
    {
        using var req = new HttpRequestMessage(m, url) { Content = content };
        if (accept != null) req.Headers.Accept.ParseAdd(accept);
        using var resp = await c.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        JsonNode body = null;
        try { body = JsonNode.Parse(text); } catch (System.Text.Json.JsonException) { }
        return (resp.StatusCode, body, text);
    }

    private static void AssertStatus(JsonNode body, int code, string reason)
    {
        Assert.Equal("Status", (string)body!["kind"]!);
        Assert.Equal("v1", (string)body["apiVersion"]!);
        Assert.Equal("Failure", (string)body["status"]!);
        Assert.Equal(code, (int)body["code"]!);
        Assert.Equal(reason, (string)body["reason"]!);
    }

    [Fact]
    public async Task Unauthorized_without_or_with_wrong_token()
    {
        foreach (var c in new[] { f.Http(auth: false), f.Http(token: "wrong") })
        {
            using (c)
            {
                var (code, body, _) = await Send(c, HttpMethod.Get, "/api/v1/namespaces");
                Assert.Equal(HttpStatusCode.Unauthorized, code);
                AssertStatus(body, 401, "Unauthorized");
                Assert.Equal("Unauthorized", (string)body!["message"]!);
            }
        }
    }

    [Fact]
    public async Task Bad_input_gets_real_status_errors_and_changes_nothing()
    {
        var ns = f.NewNamespace("bad");
        using var c = f.Http();
        var before = (await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps")).Body!["items"]!.AsArray().Count;

        var (code, body, _) = await Send(c, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Json("{\"apiVersion\":\"v1\",\"kind\":\"Con"));
        Assert.Equal(HttpStatusCode.BadRequest, code);
        AssertStatus(body, 400, "BadRequest");
        Assert.StartsWith("the object provided is unrecognized (must be of type ConfigMap)", (string)body!["message"]!);

        (code, body, _) = await Send(c, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Json("apiVersion: v1\nkind: [unclosed", "application/yaml"));
        Assert.Equal(HttpStatusCode.BadRequest, code);

        (code, body, _) = await Send(c, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Json($"{{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{{\"name\":\"x\"}}}}"));
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("Secret in version \"v1\" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion", (string)body!["message"]!);

        (code, body, _) = await Send(c, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"Bad_Name\",\"labels\":{\"a\":\"bad value!\"}}}"));
        Assert.Equal((HttpStatusCode)422, code);
        AssertStatus(body, 422, "Invalid");
        var causes = body!["details"]!["causes"]!.AsArray();
        Assert.Contains(causes, x => (string)x!["field"]! == "metadata.name" && (string)x["reason"]! == "FieldValueInvalid");
        Assert.Contains(causes, x => (string)x!["field"]! == "metadata.labels");
        Assert.StartsWith("ConfigMap \"Bad_Name\" is invalid: [metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain", (string)body["message"]!);

        (code, body, _) = await Send(c, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{}}"));
        Assert.Equal((HttpStatusCode)422, code);
        Assert.Contains("name or generateName is required", (string)body!["message"]!);

        (code, body, _) = await Send(c, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Strict", Json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"s\"},\"extra\":1}"));
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("strict decoding error: unknown field \"extra\"", (string)body!["message"]!);

        (code, body, _) = await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/widgets");
        Assert.Equal(HttpStatusCode.NotFound, code);
        AssertStatus(body, 404, "NotFound");

        (code, body, var text) = await Send(c, HttpMethod.Get, "/apis/nope.example.com/v1/things");
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("404 page not found\n", text);

        (code, body, _) = await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/nope");
        Assert.Equal(HttpStatusCode.NotFound, code);
        AssertStatus(body, 404, "NotFound");
        Assert.Equal("configmaps \"nope\" not found", (string)body!["message"]!);
        Assert.Equal("configmaps", (string)body["details"]!["kind"]!);

        (code, body, _) = await Send(c, HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/nope", Json("{}", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.NotFound, code);

        var after = (await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps")).Body!["items"]!.AsArray().Count;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Stale_update_conflicts_and_bad_patch_leaves_store_unchanged()
    {
        var ns = f.NewNamespace("conflict");
        using var c = f.Http();
        var (code, created, _) = await Send(c, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\"},\"data\":{\"a\":\"1\"}}"));
        Assert.Equal(HttpStatusCode.Created, code);
        var rv1 = (string)created!["metadata"]!["resourceVersion"]!;
        Assert.False(string.IsNullOrEmpty((string)created["metadata"]!["uid"]!));
        Assert.NotNull(created["metadata"]!["creationTimestamp"]);
        Assert.NotNull(created["metadata"]!["managedFields"]);
        var upd = created.DeepClone(); upd["data"]!["a"] = "2";
        (code, var updated, _) = await Send(c, HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/cfg", Json(upd.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.True(long.Parse((string)updated!["metadata"]!["resourceVersion"]!) > long.Parse(rv1));
        var stale = created.DeepClone(); stale["data"]!["a"] = "3";
        (code, var body, _) = await Send(c, HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/cfg", Json(stale.ToJsonString()));
        Assert.Equal(HttpStatusCode.Conflict, code);
        AssertStatus(body, 409, "Conflict");
        Assert.Equal("Operation cannot be fulfilled on configmaps \"cfg\": the object has been modified; please apply your changes to the latest version and try again", (string)body!["message"]!);
        (code, body, _) = await Send(c, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\"}}"));
        Assert.Equal(HttpStatusCode.Conflict, code);
        AssertStatus(body, 409, "AlreadyExists");
        (code, _, _) = await Send(c, HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/cfg", Json("[{\"op\":\"test\",\"path\":\"/data/a\",\"value\":\"nope\"},{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"9\"}]", "application/json-patch+json"));
        Assert.Equal((HttpStatusCode)422, code);
        (code, _, _) = await Send(c, HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/cfg", Json("{not json", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.BadRequest, code);
        var (_, now, _) = await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/cfg");
        Assert.Equal("2", (string)now!["data"]!["a"]!);
        Assert.Equal((string)updated["metadata"]!["resourceVersion"]!, (string)now["metadata"]!["resourceVersion"]!);
    }

    [Fact]
    public async Task Paging_with_limit_and_continue()
    {
        var ns = f.NewNamespace("page");
        using var c = f.Http();
        for (var i = 0; i < 7; i++)
            Assert.Equal(HttpStatusCode.Created, (await Send(c, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Json($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"cm-{i}\"}}}}"))).Code);
        var names = new List<string>();
        string cont = null; var pages = 0;
        do
        {
            var (code, body, _) = await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?limit=3" + (cont is null ? "" : "&continue=" + Uri.EscapeDataString(cont)));
            Assert.Equal(HttpStatusCode.OK, code);
            Assert.Equal("ConfigMapList", (string)body!["kind"]!);
            names.AddRange(body["items"]!.AsArray().Select(x => (string)x!["metadata"]!["name"]!));
            cont = (string)body["metadata"]!["continue"];
            if (cont != null) Assert.True((long)body["metadata"]!["remainingItemCount"]! > 0);
            pages++;
        } while (cont != null);
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"cm-{i}"), names.Where(n => n.StartsWith("cm-", StringComparison.Ordinal)));
        Assert.Contains("cm-6", MustOk(f, "get", "cm", "-n", ns, "--chunk-size=2"));
    }

    [Fact]
    public async Task Watch_resume_bookmarks_and_410()
    {
        var ns = f.NewNamespace("watch");
        using var c = f.Http();
        var (_, list, _) = await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps");
        var rv = (string)list!["metadata"]!["resourceVersion"]!;
        await Send(c, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w1\"}}"));
        await Send(c, HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/w1", Json("{\"metadata\":{\"labels\":{\"x\":\"y\"}}}", "application/merge-patch+json"));
        await Send(c, HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/w1");
        // resume from the list version: the three changes are replayed in order, then the timeout ends the stream
        var (code, _, text) = await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=1");
        Assert.Equal(HttpStatusCode.OK, code);
        var events = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], events.Select(e => (string)e["type"]!));
        Assert.All(events, e => Assert.Equal("w1", (string)e["object"]!["metadata"]!["name"]!));
        var rvs = events.Select(e => long.Parse((string)e["object"]!["metadata"]!["resourceVersion"]!)).ToList();
        Assert.Equal(rvs.OrderBy(x => x), rvs);
        // too old: HTTP 200 with one ERROR event carrying 410 Expired
        (code, _, text) = await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion=1");
        Assert.Equal(HttpStatusCode.OK, code);
        var err = JsonNode.Parse(text.Trim())!;
        Assert.Equal("ERROR", (string)err["type"]!);
        Assert.Equal(410, (int)err["object"]!["code"]!);
        Assert.Equal("Expired", (string)err["object"]!["reason"]!);
        Assert.StartsWith("too old resource version: 1 (", (string)err["object"]!["message"]!);
        // rv=0 sends current objects as ADDED; bookmarks when asked
        await Send(c, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w2\"}}"));
        (_, _, text) = await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion=0&timeoutSeconds=1");
        Assert.Contains("\"type\":\"ADDED\"", text);
        Assert.Contains("w2", text);
        (_, _, text) = await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1");
        Assert.Contains("k8s.io/initial-events-end", text);
        // table watch
        (_, _, text) = await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=1&timeoutSeconds=1", accept: "application/json;as=Table;v=v1;g=meta.k8s.io");
        var tev = JsonNode.Parse(text.Split('\n')[0])!;
        Assert.Equal("Table", (string)tev["object"]!["kind"]!);
        Assert.Equal("w2", (string)tev["object"]!["rows"]![0]!["cells"]![0]!);
    }

    [Fact]
    public async Task Dry_run_persists_nothing()
    {
        var ns = f.NewNamespace("dry");
        using var c = f.Http();
        var (code, body, _) = await Send(c, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?dryRun=All", Json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"dry\"}}"));
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("dry", (string)body!["metadata"]!["name"]!);
        Assert.NotNull(body["metadata"]!["uid"]);
        Assert.Null(body["metadata"]!["resourceVersion"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/dry")).Code);
        await Send(c, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"real\"},\"data\":{\"a\":\"1\"}}"));
        (code, body, _) = await Send(c, HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/real?dryRun=All", Json("{\"data\":{\"a\":\"2\"}}", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("2", (string)body!["data"]!["a"]!);
        (code, _, _) = await Send(c, HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/real?dryRun=All");
        Assert.Equal(HttpStatusCode.OK, code);
        (code, body, _) = await Send(c, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/real");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("1", (string)body!["data"]!["a"]!);
        var (_, deleted, _) = await Send(c, HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/real");
        Assert.Equal("Success", (string)deleted!["status"]!);
        Assert.Equal("real", (string)deleted["details"]!["name"]!);
    }

    [Fact]
    public async Task Server_side_tables_and_scale_subresource()
    {
        var ns = f.NewNamespace("table");
        MustOkStdin(f, Manifests.Deployment(ns, "web", 2), "apply", "-f", "-");
        using var c = f.Http();
        var (code, t, _) = await Send(c, HttpMethod.Get, $"/apis/apps/v1/namespaces/{ns}/deployments", accept: "application/json;as=Table;v=v1;g=meta.k8s.io");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Table", (string)t!["kind"]!);
        Assert.Equal(["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"], t["columnDefinitions"]!.AsArray().Select(x => (string)x!["name"]!));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1], t["columnDefinitions"]!.AsArray().Select(x => (int)x!["priority"]!));
        Assert.Equal("PartialObjectMetadata", (string)t["rows"]![0]!["object"]!["kind"]!);
        (code, var scale, _) = await Send(c, HttpMethod.Get, $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale");
        Assert.Equal("Scale", (string)scale!["kind"]!);
        Assert.Equal("autoscaling/v1", (string)scale["apiVersion"]!);
        Assert.Equal(2, (int)scale["spec"]!["replicas"]!);
        Assert.Equal("app=web", (string)scale["status"]!["selector"]!);
        (code, scale, _) = await Send(c, HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale", Json("{\"spec\":{\"replicas\":4}}", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("4", MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
        (code, var st, _) = await Send(c, HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/web/status", Json("{\"status\":{\"readyReplicas\":4,\"replicas\":4},\"spec\":{\"replicas\":1}}", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(4, (int)st!["spec"]!["replicas"]!);
        Assert.Equal(4, (int)st["status"]!["readyReplicas"]!); // the deployment controller then recomputes status from its pods
        (code, var ssar, _) = await Send(c, HttpMethod.Post, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", Json("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\",\"spec\":{\"resourceAttributes\":{\"verb\":\"get\",\"resource\":\"pods\"}}}"));
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.True((bool)ssar!["status"]!["allowed"]!);
    }
}
