using System.Text;
using System.Text.Json;

namespace KubePS.Engine.Wait;

/// <summary>A workload's spec.selector (matchLabels and matchExpressions), matched against pod labels on the client.</summary>
public sealed class LabelSelector
{
    private readonly List<(string Key, string Op, string[] Values)> requirements = new();

    private LabelSelector()
    {
    }

    /// <summary>Reads spec.selector of a workload (null when there is none or it is empty, which selects nothing here).</summary>
    public static LabelSelector? FromWorkload(JsonElement workload)
    {
        if (!StatusRules.TryGet(workload, out var selector, "spec", "selector") || selector.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var result = new LabelSelector();
        if (selector.TryGetProperty("matchLabels", out var labels) && labels.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in labels.EnumerateObject())
            {
                result.requirements.Add((p.Name, "In", new[] { p.Value.GetString() ?? "" }));
            }
        }
        if (selector.TryGetProperty("matchExpressions", out var exprs) && exprs.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in exprs.EnumerateArray())
            {
                var values = e.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Array
                    ? v.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
                    : Array.Empty<string>();
                result.requirements.Add((StatusRules.Str(e, "key") ?? "", StatusRules.Str(e, "operator") ?? "In", values));
            }
        }
        return result.requirements.Count == 0 ? null : result;
    }

    /// <summary>True when the object's metadata.labels satisfy every requirement.</summary>
    public bool Matches(JsonElement obj)
    {
        StatusRules.TryGet(obj, out var labels, "metadata", "labels");
        foreach (var (key, op, values) in requirements)
        {
            string? value = labels.ValueKind == JsonValueKind.Object && labels.TryGetProperty(key, out var lv) ? lv.GetString() : null;
            var ok = op switch
            {
                "In" => value is not null && values.Contains(value),
                "NotIn" => value is null || !values.Contains(value),
                "Exists" => value is not null,
                "DoesNotExist" => value is null,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The selector as a label-selector string (app=web,tier in (a,b)).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (key, op, values) in requirements)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }
            sb.Append(op switch
            {
                "In" when values.Length == 1 => $"{key}={values[0]}",
                "In" => $"{key} in ({string.Join(",", values)})",
                "NotIn" => $"{key} notin ({string.Join(",", values)})",
                "Exists" => key,
                "DoesNotExist" => "!" + key,
                _ => key,
            });
        }
        return sb.ToString();
    }
}
