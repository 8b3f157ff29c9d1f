using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using KubePS.Engine.Logs;
using Xunit;

namespace KubePS.Engine.Tests;

/// <summary>
/// Log streaming: kubelet timestamps, durations, workload selectors, and resuming a dropped stream from a scripted
/// server: the reconnect asks for sinceTime = the last line's time and the lines at that boundary that were already
/// delivered (including distinct lines with the very same timestamp) are skipped, so nothing is lost or repeated.
/// </summary>
public sealed class LogsTests
{
    [Theory]
    [InlineData("2024-05-01T10:00:00.123456789Z", 1714557600, 123456789)]
    [InlineData("2024-05-01T10:00:00Z", 1714557600, 0)]
    [InlineData("2024-05-01T10:00:00.5Z", 1714557600, 500000000)]
    [InlineData("2024-05-01T12:00:00.000000001+02:00", 1714557600, 1)]
    public void Parses_kubelet_timestamps_with_nanoseconds(string text, long seconds, int nanos)
    {
        Assert.True(LogTime.TryParse(text, out var t));
        Assert.Equal(seconds, t.UnixSeconds);
        Assert.Equal(nanos, t.Nanos);
    }

    [Fact]
    public void Splits_the_timestamp_from_the_line_and_orders_by_nanoseconds()
    {
        Assert.True(LogTime.TrySplit("2024-05-01T10:00:00.000000100Z hello world", out var a, out var text));
        Assert.Equal("hello world", text);
        Assert.True(LogTime.TryParse("2024-05-01T10:00:00.000000150Z", out var b));
        Assert.True(a < b); // 50 ns apart: DateTime ticks (100 ns) could not tell them apart
        Assert.False(LogTime.TrySplit("no timestamp here", out _, out var same));
        Assert.Equal("no timestamp here", same);
        Assert.Equal("2024-05-01T10:00:00.0000001Z", a.ToQueryString());
    }

    [Theory]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("90s", 90)]
    [InlineData("2d", 172800)]
    [InlineData("500ms", 0.5)]
    [InlineData("00:10:00", 600)]
    public void Parses_durations(string text, double seconds)
    {
        Assert.True(Duration.TryParse(text, out var d));
        Assert.Equal(seconds, d.TotalSeconds, 3);
    }

    [Fact]
    public void Rejects_text_that_is_not_a_duration() => Assert.False(Duration.TryParse("soon", out _));

    [Fact]
    public void Turns_workload_selectors_into_label_selectors()
    {
        using var deploy = JsonDocument.Parse("""{"spec":{"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]},{"key":"legacy","operator":"DoesNotExist"},{"key":"track","operator":"Exists"}]}}}""");
        Assert.Equal("app=web,tier in (a,b),!legacy,track", LogStreamer.SelectorOf(deploy.RootElement, "Deployment", "web"));
        using var svc = JsonDocument.Parse("""{"spec":{"selector":{"app":"web","tier":"front"}}}""");
        Assert.Equal("app=web,tier=front", LogStreamer.SelectorOf(svc.RootElement, "Service", "web"));
        using var none = JsonDocument.Parse("""{"spec":{}}""");
        var e = Assert.Throws<KubePS.Engine.Errors.KubeException>(() => LogStreamer.SelectorOf(none.RootElement, "Job", "j"));
        Assert.Equal(KubePS.Engine.Errors.KubeErrorKind.KubeUnsupportedKind, e.Kind);
    }

    private static string Ts(int second, int nanos) => $"2024-05-01T10:00:{second:00}.{nanos:000000000}Z";

    [Fact]
    public async Task Resumes_a_dropped_stream_without_loss_or_duplicates()
    {
        // lines 3 and 4 share one timestamp; the first connection breaks after line 4, so the resume at that time
        // gets 3 and 4 again (both must be skipped) before 5..8 (5 has that timestamp too and must be kept)
        var lines = new[]
        {
            (Ts(1, 0), 1), (Ts(2, 0), 2), (Ts(3, 500), 3), (Ts(3, 500), 4), (Ts(3, 500), 5), (Ts(4, 0), 6), (Ts(5, 0), 7), (Ts(6, 0), 8),
        };
        string Body(int from, int to) => string.Concat(lines.Where(l => l.Item2 >= from && l.Item2 <= to).Select(l => $"{l.Item1} seq={l.Item2}\n"));
        await using var server = new ScriptedLogServer();
        server.Logs.Enqueue((Body(1, 4), Drop: true));
        server.Logs.Enqueue((Body(3, 6), Drop: true));  // resumed at line 4's time; breaks again
        server.Logs.Enqueue((Body(6, 8), Drop: false)); // resumed at line 6's time; ends cleanly

        var streamer = new LogStreamer(server.Client);
        var request = new LogRequest
        {
            Targets = new[] { new LogTarget { Namespace = "ns", ExactNames = new[] { "p" } } },
            Follow = true,
            InitialBackoff = TimeSpan.FromMilliseconds(5),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
        };
        var got = new List<LogLine>();
        var notes = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stopAt = DateTime.MaxValue;
        try
        {
            await foreach (var item in streamer.ReadAsync(request, cts.Token))
            {
                if (item is LogLine l)
                {
                    got.Add(l);
                    if (got.Count == 8)
                    {
                        cts.CancelAfter(500); // keep following a little: a repeated line would show up now
                    }
                }
                else
                {
                    notes.Add(item.ToString()!);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        Assert.True(got.Count == 8, string.Join("\n", notes.Concat(server.Requests)));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"seq={i}"), got.Select(l => l.Line));
        Assert.All(got, l => Assert.Equal(("ns", "p", "main"), (l.Namespace, l.Pod, l.Container)));
        var logRequests = server.Requests.Where(r => r.Contains("/log?")).ToList();
        Assert.True(logRequests.Count >= 3); // then it keeps reconnecting to the (now silent) running container
        Assert.Contains("timestamps=true", logRequests[0]);
        Assert.DoesNotContain("sinceTime", logRequests[0]);
        Assert.Contains("sinceTime=2024-05-01T10%3A00%3A03.0000005Z", logRequests[1]);
        Assert.Contains("sinceTime=2024-05-01T10%3A00%3A04.0000000Z", logRequests[2]);
        Assert.Equal(3, streamer.Stats.DuplicatesDropped); // 3, 4 and 6 came twice
        Assert.True(streamer.Stats.Reconnects >= 2);
    }

    [Fact]
    public async Task Merges_by_timestamp_with_sort_and_filters_lines()
    {
        await using var server = new ScriptedLogServer { Containers = new[] { "a", "b" } };
        server.LogsByContainer["a"] = $"{Ts(1, 0)} one\n{Ts(3, 0)} three\n{Ts(5, 0)} five skip\n";
        server.LogsByContainer["b"] = $"{Ts(2, 0)} two\n{Ts(4, 0)} four\n";
        var streamer = new LogStreamer(server.Client);
        var request = new LogRequest
        {
            Targets = new[] { new LogTarget { Namespace = "ns", ExactNames = new[] { "p" } } },
            Sort = true,
            Exclude = new[] { new System.Text.RegularExpressions.Regex("skip") },
        };
        var got = new List<string>();
        await foreach (var item in streamer.ReadAsync(request, CancellationToken.None))
        {
            if (item is LogLine l)
            {
                got.Add(l.Container + ":" + l.Line);
            }
        }
        Assert.Equal(new[] { "a:one", "b:two", "a:three", "b:four" }, got);
    }

    [Fact]
    public async Task Follow_with_sort_merges_streams_by_timestamp_within_the_window()
    {
        await using var server = new ScriptedLogServer { Containers = new[] { "a", "b" } };
        server.LogsByContainer["a"] = $"{Ts(1, 0)} one\n{Ts(3, 0)} three\n{Ts(5, 0)} five\n";
        server.LogsByContainer["b"] = $"{Ts(2, 0)} two\n{Ts(4, 0)} four\n";
        var streamer = new LogStreamer(server.Client);
        var request = new LogRequest
        {
            Targets = new[] { new LogTarget { Namespace = "ns", ExactNames = new[] { "p" } } },
            Follow = true,
            Sort = true,
            SortWindow = TimeSpan.FromMilliseconds(300),
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(100),
        };
        var got = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await foreach (var item in streamer.ReadAsync(request, cts.Token))
            {
                if (item is LogLine l)
                {
                    got.Add(l.Line);
                    if (got.Count == 5)
                    {
                        cts.CancelAfter(500); // the streams keep reconnecting and get only lines already seen
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        Assert.Equal(new[] { "one", "two", "three", "four", "five" }, got);
    }

    /// <summary>An HTTP server that answers a pod GET and scripted pods/log bodies, optionally breaking the connection after the body.</summary>
    private sealed class ScriptedLogServer : LoopbackApiServer
    {
        public string[] Containers { get; init; } = { "main" };
        public ConcurrentQueue<(string Body, bool Drop)> Logs { get; } = new();
        public ConcurrentDictionary<string, string> LogsByContainer { get; } = new();

        protected override async Task HandleAsync(HttpListenerContext ctx, string url)
        {
            var res = ctx.Response;
            if (url.Contains("watch=true"))
            {
                res.StatusCode = 200;
                res.SendChunked = true;
                await res.OutputStream.FlushAsync();
                await Task.Delay(TimeSpan.FromSeconds(30), Stopping).ContinueWith(_ => { });
                res.Abort();
                return;
            }
            if (!url.Contains("/log"))
            {
                var containers = string.Join(",", Containers.Select(c => $$"""{"name":"{{c}}","image":"x"}"""));
                var statuses = string.Join(",", Containers.Select(c => $$$"""{"name":"{{{c}}}","state":{"running":{}},"restartCount":0}"""));
                var pod = $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns","resourceVersion":"1"},"spec":{"containers":[{{{containers}}}]},"status":{"phase":"Running","containerStatuses":[{{{statuses}}}]}}""";
                var bytes = Encoding.UTF8.GetBytes(url.Contains("/pods?") ? $$"""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[{{pod}}]}""" : pod);
                res.StatusCode = 200;
                res.ContentType = "application/json";
                await res.OutputStream.WriteAsync(bytes);
                res.Close();
                return;
            }
            string body;
            var drop = false;
            var container = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + url).Query)["container"] ?? "";
            if (LogsByContainer.TryGetValue(container, out var fixedBody))
            {
                body = fixedBody;
            }
            else if (Logs.TryDequeue(out var next))
            {
                (body, drop) = next;
            }
            else
            {
                body = "";
            }
            res.StatusCode = 200;
            res.ContentType = "text/plain";
            res.SendChunked = true;
            var data = Encoding.UTF8.GetBytes(body);
            await res.OutputStream.WriteAsync(data);
            await res.OutputStream.FlushAsync();
            if (drop)
            {
                await Task.Delay(50);
                res.Abort(); // the connection breaks: the client sees an incomplete chunked body
            }
            else
            {
                res.Close();
            }
        }
    }
}
