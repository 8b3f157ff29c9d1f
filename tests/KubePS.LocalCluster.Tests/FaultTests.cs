using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using static KubePS.LocalCluster.Tests.Kubectl;

namespace KubePS.LocalCluster.Tests;

/// <summary>Fault injection through /kubeps-admin/faults (same bearer token).</summary>
[Collection("cluster")]
public sealed class FaultTests(ClusterFixture f)
{
    private static StringContent Json(string s) => new(s, Encoding.UTF8, "application/json");

    private static async Task<JsonObject> SetFaults(HttpClient c, string json, string method = "PATCH")
    {
        using var resp = await c.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/kubeps-admin/faults") { Content = Json(json) });
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        return JsonNode.Parse(await resp.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task Admin_endpoint_needs_the_token_and_reports_settings()
    {
        using var anon = f.Http(auth: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync("/kubeps-admin/faults")).StatusCode);
        using var c = f.Http();
        var s = JsonNode.Parse(await c.GetStringAsync("/kubeps-admin/faults"))!;
        Assert.Equal(0, (int)s["latencyMs"]!);
        Assert.Equal(0.0, (double)s["errorRate"]!);
        Assert.Equal(HttpStatusCode.BadRequest, (await c.PutAsync("/kubeps-admin/faults", Json("{\"latencyMs\":\"x\"}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync("/kubeps-admin/nothing")).StatusCode);
    }

    [Fact]
    public async Task Error_answers_with_retry_after_latency_and_reset()
    {
        var ns = f.NewNamespace("faults");
        using var c = f.Http();
        try
        {
            var set = await SetFaults(c, $$"""{"failNext":3,"errorCodes":[429],"retryAfterSeconds":3,"pathPrefix":"/api/v1/namespaces/{{ns}}"}""");
            Assert.Equal(3, (int)set["failNext"]!);
            for (var i = 0; i < 3; i++)
            {
                using var r = await c.GetAsync($"/api/v1/namespaces/{ns}/configmaps");
                Assert.Equal((HttpStatusCode)429, r.StatusCode);
                Assert.Equal("3", r.Headers.GetValues("Retry-After").Single());
                var st = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
                Assert.Equal("Status", (string)st["kind"]!);
                Assert.Equal("TooManyRequests", (string)st["reason"]!);
                Assert.Equal(3, (int)st["details"]!["retryAfterSeconds"]!);
            }
            Assert.Equal(HttpStatusCode.OK, (await c.GetAsync($"/api/v1/namespaces/{ns}/configmaps")).StatusCode);
            // other paths are untouched by the prefix
            Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/api/v1/namespaces/default")).StatusCode);

            await SetFaults(c, """{"failNext":2,"errorCodes":[503,500]}""");
            var codes = new List<int>();
            for (var i = 0; i < 3; i++) codes.Add((int)(await c.GetAsync($"/api/v1/namespaces/{ns}/configmaps")).StatusCode);
            Assert.All(codes.Take(2), x => Assert.Contains(x, new[] { 500, 503 }));
            Assert.Equal(200, codes[2]);

            // error rate 1.0 = every request; kubectl sees the failure (client-go retries 429/503 with Retry-After, then gives up on 500)
            await SetFaults(c, """{"errorRate":1.0,"errorCodes":[500]}""");
            var k = Run(f, null, "get", "configmaps", "-n", ns);
            Assert.NotEqual(0, k.ExitCode);
            Assert.Contains("injected by kubeps-local", k.Stderr);

            // verbs: only LIST is failed; a GET of one object and a POST pass
            await SetFaults(c, """{"errorRate":1.0,"errorCodes":[503],"verbs":["LIST"]}""");
            Assert.Equal((HttpStatusCode)503, (await c.GetAsync($"/api/v1/namespaces/{ns}/configmaps")).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await c.PostAsync($"/api/v1/namespaces/{ns}/configmaps", Json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"v1\"}}"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await c.GetAsync($"/api/v1/namespaces/{ns}/configmaps/v1")).StatusCode);

            await SetFaults(c, """{"errorRate":0,"verbs":[],"latencyMs":300}""");
            var sw = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.OK, (await c.GetAsync($"/api/v1/namespaces/{ns}/configmaps")).StatusCode);
            Assert.True(sw.ElapsedMilliseconds >= 290, $"{sw.ElapsedMilliseconds} ms");
        }
        finally { Assert.Equal(HttpStatusCode.OK, (await c.DeleteAsync("/kubeps-admin/faults")).StatusCode); }
        var sw2 = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync($"/api/v1/namespaces/{ns}/configmaps")).StatusCode);
        Assert.True(sw2.ElapsedMilliseconds < 250);
    }

    [Fact]
    public async Task Watches_drop_after_n_events_and_resume_gets_410()
    {
        var ns = f.NewNamespace("wdrop");
        using var c = f.Http();
        try
        {
            await SetFaults(c, $$"""{"watchDropAfterEvents":2,"pathPrefix":"/api/v1/namespaces/{{ns}}"}""");
            for (var i = 0; i < 3; i++) (await c.PostAsync($"/api/v1/namespaces/{ns}/configmaps", Json($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"c{i}\"}}}}"))).EnsureSuccessStatusCode();
            var sw = Stopwatch.StartNew();
            var body = await c.GetStringAsync($"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion=0&timeoutSeconds=20");
            var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
            var rv = (string)JsonNode.Parse(lines[1])!["object"]!["metadata"]!["resourceVersion"]!;

            await SetFaults(c, """{"watchDropAfterEvents":0,"watchDropAfterSeconds":1}""");
            sw.Restart();
            await c.GetStringAsync($"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=20");
            Assert.InRange(sw.Elapsed.TotalSeconds, 0.8, 5);

            await SetFaults(c, """{"watchDropAfterSeconds":0,"watchResumeExpired":true}""");
            var expired = await c.GetStringAsync($"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=5");
            var ev = JsonNode.Parse(expired.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0])!;
            Assert.Equal("ERROR", (string)ev["type"]!);
            Assert.Equal(410, (int)ev["object"]!["code"]!);
            Assert.Equal("Expired", (string)ev["object"]!["reason"]!);
        }
        finally { await c.DeleteAsync("/kubeps-admin/faults"); }
    }

    [Fact]
    public async Task Slow_log_streams()
    {
        var ns = f.NewNamespace("slowlog");
        MustOkStdin(f, $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: {ns}\n  annotations: {{kubeps.io/log-rate: \"50\"}}\nspec:\n  containers: [{{name: c, image: busybox:1.36}}]\n", "apply", "-f", "-");
        MustOk(f, "wait", "--for=condition=Ready", "pod/p", "-n", ns, "--timeout=20s");
        await Task.Delay(1000);
        using var c = f.Http();
        try
        {
            await SetFaults(c, $$"""{"logLineDelayMs":100,"pathPrefix":"/api/v1/namespaces/{{ns}}"}""");
            var sw = Stopwatch.StartNew();
            var text = await c.GetStringAsync($"/api/v1/namespaces/{ns}/pods/p/log?tailLines=5");
            Assert.Equal(5, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.True(sw.ElapsedMilliseconds >= 450, $"{sw.ElapsedMilliseconds} ms");
        }
        finally { await c.DeleteAsync("/kubeps-admin/faults"); }
    }
}
