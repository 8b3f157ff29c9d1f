using System.Text;
using System.Text.Json;

namespace KubePS.Engine.Logs;

/// <summary>The few pod fields log streaming needs, read from the pod's JSON.</summary>
internal static class PodJson
{
    public static string? Str(JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
            {
                return null;
            }
        }
        return e.ValueKind == JsonValueKind.String ? e.GetString() : null;
    }

    public static string Name(JsonElement pod) => Str(pod, "metadata", "name") ?? "";

    public static string Namespace(JsonElement pod) => Str(pod, "metadata", "namespace") ?? "";

    public static bool IsDone(JsonElement pod) => Str(pod, "status", "phase") is "Succeeded" or "Failed";

    public static bool IsDeleting(JsonElement pod) => Str(pod, "metadata", "deletionTimestamp") is not null;

    private static IEnumerable<string> Names(JsonElement pod, string list)
    {
        if (pod.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object &&
            spec.TryGetProperty(list, out var arr) && arr.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in arr.EnumerateArray())
            {
                if (Str(c, "name") is string n)
                {
                    yield return n;
                }
            }
        }
    }

    public static IReadOnlyList<string> Containers(JsonElement pod) => Names(pod, "containers").ToList();

    public static IReadOnlyList<string> InitContainers(JsonElement pod) => Names(pod, "initContainers").ToList();

    private static JsonElement? Status(JsonElement pod, string container, bool init)
    {
        if (pod.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object &&
            status.TryGetProperty(init ? "initContainerStatuses" : "containerStatuses", out var arr) && arr.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in arr.EnumerateArray())
            {
                if (Str(s, "name") == container)
                {
                    return s;
                }
            }
        }
        return null;
    }

    /// <summary>The container's phase as far as following its log is concerned.</summary>
    public static ContainerPhase PhaseOf(JsonElement pod, string container, bool init)
    {
        var s = Status(pod, container, init);
        if (s is null)
        {
            return IsDone(pod) ? ContainerPhase.Finished : ContainerPhase.Waiting;
        }
        var st = s.Value;
        if (st.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.Object)
        {
            if (state.TryGetProperty("running", out _))
            {
                return ContainerPhase.Running;
            }
            if (state.TryGetProperty("terminated", out _))
            {
                return init || IsDone(pod) ? ContainerPhase.Finished : ContainerPhase.Terminated;
            }
        }
        return IsDone(pod) ? ContainerPhase.Finished : ContainerPhase.Waiting;
    }

    /// <summary>True when the container has written something that can be read (it runs or has run).</summary>
    public static bool HasStarted(JsonElement pod, string container, bool init)
    {
        var s = Status(pod, container, init);
        if (s is null || !s.Value.TryGetProperty("state", out var state) || state.ValueKind != JsonValueKind.Object)
        {
            return false;
        }
        return state.TryGetProperty("running", out _) || state.TryGetProperty("terminated", out _) ||
            (s.Value.TryGetProperty("restartCount", out var rc) && rc.ValueKind == JsonValueKind.Number && rc.GetInt32() > 0);
    }

    /// <summary>A workload's spec.selector as a label selector string (matchLabels and matchExpressions); null when it has none.</summary>
    public static string? SelectorOf(JsonElement workload)
    {
        if (!workload.TryGetProperty("spec", out var spec) || spec.ValueKind != JsonValueKind.Object ||
            !spec.TryGetProperty("selector", out var sel) || sel.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var parts = new List<string>();
        if (sel.TryGetProperty("matchLabels", out var ml) && ml.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in ml.EnumerateObject())
            {
                parts.Add(p.Name + "=" + p.Value.GetString());
            }
        }
        else if (!sel.TryGetProperty("matchExpressions", out _))
        {
            // a Service-style selector: a plain map
            foreach (var p in sel.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String)
                {
                    parts.Add(p.Name + "=" + p.Value.GetString());
                }
            }
        }
        if (sel.TryGetProperty("matchExpressions", out var me) && me.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in me.EnumerateArray())
            {
                var key = Str(e, "key") ?? "";
                var values = e.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Array
                    ? string.Join(",", v.EnumerateArray().Select(x => x.GetString()))
                    : "";
                parts.Add((Str(e, "operator") ?? "In") switch
                {
                    "In" => $"{key} in ({values})",
                    "NotIn" => $"{key} notin ({values})",
                    "Exists" => key,
                    "DoesNotExist" => "!" + key,
                    var op => throw new FormatException($"Unknown selector operator '{op}'."),
                });
            }
        }
        if (parts.Count == 0)
        {
            return null;
        }
        var sb = new StringBuilder();
        return sb.AppendJoin(',', parts).ToString();
    }
}
