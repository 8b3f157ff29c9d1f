using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using KubePS.Engine.Errors;
using KubePS.Engine.Resources;
using KubePS.Engine.Yaml;

namespace KubePS.Engine.Apply;

/// <summary>What applying one manifest would change.</summary>
public sealed class KubeDiffResult
{
    public required string Kind { get; init; }
    public string ApiVersion { get; init; } = "";
    public string? Namespace { get; init; }
    public required string Name { get; init; }
    /// <summary>Created (does not exist), Configured (would change) or Unchanged.</summary>
    public KubeChangeAction Action { get; init; }
    /// <summary>True when applying would change anything.</summary>
    public bool HasChanges => Action != KubeChangeAction.Unchanged;
    /// <summary>JSON paths that differ between the live object and the dry-run result ($.spec.replicas).</summary>
    public IReadOnlyList<string> ChangedPaths { get; init; } = Array.Empty<string>();
    /// <summary>A unified diff of the two as YAML (live, then desired), for display.</summary>
    public string Diff { get; init; } = "";
    /// <summary>The live object (normalized), or null when it does not exist.</summary>
    public JsonNode? Live { get; init; }
    /// <summary>What the server would store (normalized dry-run result).</summary>
    public JsonNode? Desired { get; init; }
    public string Source { get; init; } = "";
    /// <summary>A note (not validated by the server because its CRD or namespace is in the same batch), or null.</summary>
    public string? Message { get; init; }

    public override string ToString() => $"{Kind}/{Name} {Action}";
}

/// <summary>
/// Diff between the live object and what a server-side apply would store (a dry run, so defaults, admission and
/// field ownership are included). Fields the server always changes (managedFields, resourceVersion, generation,
/// timestamps, uid) are ignored.
/// </summary>
public static class ResourceDiff
{
    private static readonly string[] IgnoredMetadata = { "managedFields", "resourceVersion", "generation", "creationTimestamp", "uid", "selfLink" };

    /// <summary>Diffs every document (validated and resolved as <see cref="ApplyEngine.PlanAsync"/> does). Failures go to <paramref name="onFailure"/>.</summary>
    public static async Task<IReadOnlyList<KubeDiffResult>> CompareAsync(IKubernetes client, IReadOnlyList<ManifestDocument> documents, ApplyOptions options, Action<ManifestFailure> onFailure, CancellationToken cancellationToken)
    {
        var plan = await ApplyEngine.PlanAsync(client, documents, options with { DryRun = true }, validate: true, cancellationToken).ConfigureAwait(false);
        foreach (var f in plan.Failures)
        {
            onFailure(f);
        }
        var results = new ConcurrentDictionary<int, KubeDiffResult>();
        await Parallel.ForEachAsync(plan.Objects.Select((o, i) => (o, i)), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Concurrency), CancellationToken = cancellationToken }, async (x, ct) =>
        {
            var o = x.o;
            JsonElement? live = o.DryRunStatus == 201 || o.Deferred is not null ? null : await GetLiveAsync(client, o, ct).ConfigureAwait(false);
            var desired = o.DryRunObject ?? JsonDocument.Parse(o.Document.Object.ToJsonString()).RootElement.Clone();
            results[x.i] = Build(o, live, desired);
        }).ConfigureAwait(false);
        var list = results.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToList();
        foreach (var ns in plan.NamespacesToCreate)
        {
            var desired = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } };
            list.Insert(0, new KubeDiffResult { Kind = "Namespace", ApiVersion = "v1", Name = ns, Action = KubeChangeAction.Created, ChangedPaths = new[] { "$" }, Desired = desired, Diff = UnifiedDiff("", YamlWriter.Write(desired), $"Namespace/{ns}"), Message = "created by -CreateNamespace" });
        }
        return list;
    }

    /// <summary>GETs the live object for a planned item; null when it does not exist.</summary>
    public static async Task<JsonElement?> GetLiveAsync(IKubernetes client, PlannedObject item, CancellationToken cancellationToken)
    {
        try
        {
            using var doc = await KubeRequest.GetJsonAsync(client, item.Resource!.PathFor(item.Namespace, item.Name), cancellationToken).ConfigureAwait(false);
            return doc.RootElement.Clone();
        }
        catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeNotFound)
        {
            return null;
        }
    }

    /// <summary>The diff of one object: live (null = absent) against desired.</summary>
    public static KubeDiffResult Build(PlannedObject o, JsonElement? live, JsonElement desired)
    {
        var liveNode = live is { } l ? Normalize(JsonNode.Parse(l.GetRawText())) : null;
        var desiredNode = Normalize(JsonNode.Parse(desired.GetRawText()));
        var paths = liveNode is null ? new List<string> { "$" } : ChangedPaths(liveNode, desiredNode);
        var title = o.Namespace is null ? $"{o.Kind}/{o.Name}" : $"{o.Namespace}/{o.Kind}/{o.Name}";
        return new KubeDiffResult
        {
            Kind = o.Kind,
            ApiVersion = o.ApiVersion,
            Namespace = o.Namespace,
            Name = o.Name,
            Action = liveNode is null ? KubeChangeAction.Created : paths.Count == 0 ? KubeChangeAction.Unchanged : KubeChangeAction.Configured,
            ChangedPaths = paths,
            Diff = paths.Count == 0 ? "" : UnifiedDiff(liveNode is null ? "" : YamlWriter.Write(liveNode), YamlWriter.Write(desiredNode), title),
            Live = liveNode,
            Desired = desiredNode,
            Source = o.Document.ToString(),
            Message = o.Deferred is null ? null : $"not validated by the server: {o.Deferred}",
        };
    }

    /// <summary>A copy without the fields every write changes (managedFields, resourceVersion, generation, timestamps, uid).</summary>
    public static JsonNode? Normalize(JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            return node?.DeepClone();
        }
        var copy = (JsonObject)obj.DeepClone();
        if (copy["metadata"] is JsonObject meta)
        {
            foreach (var key in IgnoredMetadata)
            {
                meta.Remove(key);
            }
            if (meta["annotations"] is JsonObject ann)
            {
                ann.Remove("kubectl.kubernetes.io/last-applied-configuration");
                if (ann.Count == 0)
                {
                    meta.Remove("annotations");
                }
            }
        }
        return copy;
    }

    /// <summary>The paths where two objects differ, after <see cref="Normalize"/> ($.spec.replicas, $.data.key, $.spec.containers[0].image).</summary>
    public static IReadOnlyList<string> ChangedPaths(JsonElement live, JsonElement desired) =>
        ChangedPaths(Normalize(JsonNode.Parse(live.GetRawText())), Normalize(JsonNode.Parse(desired.GetRawText())));

    /// <summary>The paths where two JSON trees differ (no normalization).</summary>
    public static List<string> ChangedPaths(JsonNode? a, JsonNode? b)
    {
        var result = new List<string>();
        Walk(a, b, "$", result);
        return result;
    }

    private static void Walk(JsonNode? a, JsonNode? b, string path, List<string> result)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var key in oa.Select(p => p.Key).Union(ob.Select(p => p.Key)).OrderBy(k => k, StringComparer.Ordinal))
            {
                var child = IsSimpleKey(key) ? path + "." + key : path + "['" + key.Replace("'", "\\'", StringComparison.Ordinal) + "']";
                var hasA = oa.TryGetPropertyValue(key, out var va);
                var hasB = ob.TryGetPropertyValue(key, out var vb);
                if (hasA != hasB)
                {
                    result.Add(child);
                }
                else
                {
                    Walk(va, vb, child, result);
                }
            }
            return;
        }
        if (a is JsonArray aa && b is JsonArray ab)
        {
            for (var i = 0; i < Math.Max(aa.Count, ab.Count); i++)
            {
                if (i >= aa.Count || i >= ab.Count)
                {
                    result.Add($"{path}[{i}]");
                }
                else
                {
                    Walk(aa[i], ab[i], $"{path}[{i}]", result);
                }
            }
            return;
        }
        if (!JsonNode.DeepEquals(a, b))
        {
            result.Add(path);
        }
    }

    private static bool IsSimpleKey(string key) => key.Length > 0 && key.All(c => char.IsLetterOrDigit(c) || c == '_') && !char.IsDigit(key[0]);

    /// <summary>A unified diff (---/+++ headers, @@ hunks with 3 lines of context) of two texts.</summary>
    public static string UnifiedDiff(string before, string after, string title, int context = 3)
    {
        var a = SplitLines(before);
        var b = SplitLines(after);
        // LCS table (objects are small: a few hundred lines).
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        var ops = new List<(char Op, string Line, int A, int B)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                ops.Add((' ', a[x], x++, y++));
            }
            else if (x < a.Length && (y >= b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                ops.Add(('-', a[x], x++, y));
            }
            else
            {
                ops.Add(('+', b[y], x, y++));
            }
        }
        if (ops.All(o => o.Op == ' '))
        {
            return "";
        }
        var sb = new StringBuilder();
        sb.Append("--- ").Append(title).Append(" (live)\n");
        sb.Append("+++ ").Append(title).Append(" (desired)\n");
        var k = 0;
        while (k < ops.Count)
        {
            if (ops[k].Op == ' ')
            {
                k++;
                continue;
            }
            var start = Math.Max(0, k - context);
            var end = k;
            // Extend the hunk while changes are within 2*context lines of each other.
            var last = k;
            while (end < ops.Count)
            {
                if (ops[end].Op != ' ')
                {
                    last = end;
                }
                else if (end - last > 2 * context)
                {
                    break;
                }
                end++;
            }
            end = Math.Min(ops.Count, last + context + 1);
            var hunk = ops.GetRange(start, end - start);
            var aStart = hunk[0].A + 1;
            var bStart = hunk[0].B + 1;
            var aCount = hunk.Count(o => o.Op != '+');
            var bCount = hunk.Count(o => o.Op != '-');
            sb.Append("@@ -").Append(aCount == 0 ? aStart - 1 : aStart).Append(',').Append(aCount)
              .Append(" +").Append(bCount == 0 ? bStart - 1 : bStart).Append(',').Append(bCount).Append(" @@\n");
            foreach (var o in hunk)
            {
                sb.Append(o.Op).Append(o.Line).Append('\n');
            }
            k = end;
        }
        return sb.ToString();
    }

    private static string[] SplitLines(string text) =>
        text.Length == 0 ? Array.Empty<string>() : text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
}
