using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;

namespace KubePS.LocalCluster.Tests;

[Collection("cluster")]
public sealed class PerfTests(ClusterFixture f, ITestOutputHelper output)
{
    [Fact]
    public async Task Lists_10000_pods_under_a_second_and_holds_200_watches()
    {
        var ns = f.NewNamespace("perf");
        using var c = f.Http();
        var sw = Stopwatch.StartNew();
        var next = -1;
        var workers = Enumerable.Range(0, 16).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < 10000)
            {
                var body = $"{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"p-{i:D5}\",\"labels\":{{\"app\":\"perf\",\"shard\":\"s{i % 10}\"}}}},\"spec\":{{\"containers\":[{{\"name\":\"c\",\"image\":\"busybox:1.36\"}}]}}}}";
                using var resp = await c.PostAsync($"/api/v1/namespaces/{ns}/pods", new StringContent(body, Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Created, resp.StatusCode);
            }
        }).ToList();
        await Task.WhenAll(workers);
        output.WriteLine($"created 10000 pods in {sw.ElapsedMilliseconds} ms");
        // The simulated kubelet starts them all; measure the store once it is idle again (no per-pod work remains).
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < TimeSpan.FromSeconds(90))
        {
            var pending = JsonNode.Parse(await c.GetStringAsync($"/api/v1/namespaces/{ns}/pods?fieldSelector=status.phase!%3DRunning&limit=1"))!["items"]!.AsArray().Count;
            if (pending == 0) break;
            await Task.Delay(250);
        }
        output.WriteLine($"all 10000 pods Running {sw.ElapsedMilliseconds} ms after the first create");

        long best = long.MaxValue, bestTable = long.MaxValue; var size = 0L;
        for (var run = 0; run < 3; run++)
        {
            sw.Restart();
            using var resp = await c.GetAsync($"/api/v1/namespaces/{ns}/pods", HttpCompletionOption.ResponseHeadersRead);
            var bytes = await resp.Content.ReadAsByteArrayAsync();
            best = Math.Min(best, sw.ElapsedMilliseconds);
            size = bytes.Length;
            if (run == 0) Assert.Equal(10000, JsonNode.Parse(bytes)!["items"]!.AsArray().Count);
            sw.Restart();
            using var req = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods");
            req.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");
            using var tresp = await c.SendAsync(req);
            await tresp.Content.ReadAsByteArrayAsync();
            bestTable = Math.Min(bestTable, sw.ElapsedMilliseconds);
        }
        output.WriteLine($"10000-pod list: {best} ms ({size / 1024} KiB JSON); as Table: {bestTable} ms");
        Assert.True(best < 1000, $"10000-pod list took {best} ms");

        // 200 concurrent watches, each must see one new event
        var watchers = new List<Task<bool>>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clients = Enumerable.Range(0, 4).Select(_ => f.Http()).ToList();
        var rv = (string)JsonNode.Parse(await c.GetStringAsync($"/api/v1/namespaces/{ns}/configmaps"))!["metadata"]!["resourceVersion"]!;
        var started = new CountdownEvent(200);
        for (var i = 0; i < 200; i++)
        {
            var client = clients[i % clients.Count];
            watchers.Add(Task.Run(async () =>
            {
                using var resp = await client.GetAsync($"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=30", HttpCompletionOption.ResponseHeadersRead, cts.Token);
                started.Signal();
                using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync(cts.Token));
                var line = await reader.ReadLineAsync(cts.Token);
                return line != null && line.Contains("\"watched\"", StringComparison.Ordinal);
            }));
        }
        Assert.True(started.Wait(TimeSpan.FromSeconds(20)), "200 watches did not all start");
        sw.Restart();
        using (var resp = await c.PostAsync($"/api/v1/namespaces/{ns}/configmaps", new StringContent("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"watched\"}}", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Created, resp.StatusCode);
        var results = await Task.WhenAll(watchers);
        output.WriteLine($"200 watches: all received the event within {sw.ElapsedMilliseconds} ms");
        Assert.All(results, Assert.True);
        foreach (var cl in clients) cl.Dispose();
        // clean up so other tests stay fast
        using var del = await c.DeleteAsync($"/api/v1/namespaces/{ns}");
    }
}
