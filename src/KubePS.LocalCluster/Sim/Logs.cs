using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace KubePS.LocalCluster.Sim;

/// <summary>
/// Deterministic container logs computed from the simulated container instances: line N of an instance is
/// written at start + N/rate, reads "&lt;pod&gt; &lt;container&gt; seq=N ...". Nothing is stored per line; only the
/// last LogBuffer lines of an instance are served (a bounded buffer).
/// </summary>
public sealed class SimLogSource(Simulation sim) : ILogSource
{
    /// <summary>Delay per streamed line (fault injection: slow log streams).</summary>
    public Func<int> LineDelayMs { get; set; } = () => 0;

    private (ContainerRt C, ContainerInstance I, int Index) Find(JsonObject pod, string container, bool previous)
    {
        var uid = JsonUtil.Str(pod, "metadata", "uid") ?? "";
        var name = JsonUtil.Str(pod, "metadata", "name");
        var rt = sim.RuntimeOf(uid);
        var c = rt?.All.FirstOrDefault(x => x.Name == container);
        lock (c ?? new object())
        {
            var count = c?.Instances.Count ?? 0;
            if (previous)
            {
                if (count < 2) throw ApiError.BadRequest($"previous terminated container \"{container}\" in pod \"{name}\" not found");
                return (c, c.Instances[count - 2], count - 2);
            }
            if (count == 0)
            {
                var reason = (string)c?.Waiting?["reason"] ?? "ContainerCreating";
                throw ApiError.BadRequest($"container \"{container}\" in pod \"{name}\" is waiting to start: {reason}");
            }
            return (c, c.Instances[count - 1], count - 1);
        }
    }

    private static string Line(string pod, string container, int restart, long seq) =>
        $"{pod} {container} seq={seq} restart={restart} msg=\"simulated log line {seq} of {container}\"";

    private static long CountAt(ContainerRt c, ContainerInstance i, DateTime t)
    {
        var end = i.End is DateTime e && e < t ? e : t;
        return c.Rate <= 0 ? 0 : Math.Max(0, (long)Math.Floor((end - i.Start).TotalSeconds * c.Rate));
    }

    private static DateTime TimeOf(ContainerRt c, ContainerInstance i, long seq) => i.Start.AddTicks((long)(seq / c.Rate * TimeSpan.TicksPerSecond));

    public IReadOnlyList<(DateTime Time, string Line)> GetLines(JsonObject pod, string container, bool previous)
    {
        var (c, i, idx) = Find(pod, container, previous);
        var name = JsonUtil.Str(pod, "metadata", "name");
        var total = CountAt(c, i, DateTime.UtcNow);
        var first = Math.Max(1, total - sim.Opt.LogBuffer + 1);
        var list = new List<(DateTime, string)>((int)Math.Max(0, total - first + 1));
        for (var s = first; s <= total; s++) list.Add((TimeOf(c, i, s), Line(name, container, idx, s)));
        return list;
    }

    public async IAsyncEnumerable<(DateTime Time, string Line)> Follow(JsonObject pod, string container, DateTime after, [EnumeratorCancellation] CancellationToken ct)
    {
        var (c, i, idx) = Find(pod, container, false);
        var name = JsonUtil.Str(pod, "metadata", "name");
        var uid = JsonUtil.Str(pod, "metadata", "uid") ?? "";
        long next = 1;
        if (c.Rate > 0 && after > i.Start)
        {
            // The first line strictly after the last one served: estimate, then settle on the exact tick
            // (line times are truncated to 100 ns ticks, so the estimate can be one off either way).
            next = Math.Max(1, (long)Math.Floor((after - i.Start).TotalSeconds * c.Rate) + 1);
            while (TimeOf(c, i, next) <= after) next++;
            while (next > 1 && TimeOf(c, i, next - 1) > after) next--;
        }
        while (!ct.IsCancellationRequested)
        {
            var total = CountAt(c, i, DateTime.UtcNow);
            while (next <= total)
            {
                yield return (TimeOf(c, i, next), Line(name, container, idx, next));
                next++;
                var d = LineDelayMs();
                if (d > 0) await Task.Delay(d, ct);
            }
            if (i.End != null || sim.RuntimeOf(uid) is null) yield break;
            var wait = c.Rate > 0 ? TimeOf(c, i, next) - DateTime.UtcNow : TimeSpan.FromMilliseconds(500);
            if (wait < TimeSpan.FromMilliseconds(5)) wait = TimeSpan.FromMilliseconds(5);
            if (wait > TimeSpan.FromMilliseconds(500)) wait = TimeSpan.FromMilliseconds(500);
            try { await Task.Delay(wait, ct); } catch (OperationCanceledException) { yield break; }
        }
    }

    IAsyncEnumerable<(DateTime Time, string Line)> ILogSource.Follow(JsonObject pod, string container, CancellationToken ct) => Follow(pod, container, DateTime.MinValue, ct);
}
