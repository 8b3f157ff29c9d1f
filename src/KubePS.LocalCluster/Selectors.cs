using System.Text.Json.Nodes;

namespace KubePS.LocalCluster;

/// <summary>A parsed label selector (equality- and set-based syntax).</summary>
public sealed class LabelSelector
{
    private enum Op { Eq, NotEq, In, NotIn, Exists, NotExists }
    private readonly List<(string Key, Op Op, HashSet<string> Values)> _reqs = new();

    public bool IsEmpty => _reqs.Count == 0;

    public static LabelSelector Parse(string s)
    {
        var sel = new LabelSelector();
        if (string.IsNullOrWhiteSpace(s)) return sel;
        var i = 0;
        while (i < s.Length)
        {
            SkipWs(s, ref i);
            if (i >= s.Length) break;
            var neg = false;
            if (s[i] == '!') { neg = true; i++; SkipWs(s, ref i); }
            var key = ReadKey(s, ref i);
            if (key.Length == 0) throw new FormatException($"unable to parse requirement: found '{(i < s.Length ? s[i].ToString() : "")}', expected: identifier");
            SkipWs(s, ref i);
            if (neg)
            {
                sel._reqs.Add((key, Op.NotExists, null));
            }
            else if (i >= s.Length || s[i] == ',')
            {
                sel._reqs.Add((key, Op.Exists, null));
            }
            else if (s[i] == '=' || s[i] == '!')
            {
                Op op;
                if (s.AsSpan(i).StartsWith("==")) { op = Op.Eq; i += 2; }
                else if (s.AsSpan(i).StartsWith("!=")) { op = Op.NotEq; i += 2; }
                else if (s[i] == '=') { op = Op.Eq; i++; }
                else throw new FormatException("unable to parse requirement: expected operator");
                SkipWs(s, ref i);
                var v = ReadValue(s, ref i);
                ValidateValue(v);
                sel._reqs.Add((key, op, new HashSet<string> { v }));
            }
            else
            {
                var word = ReadKey(s, ref i);
                Op op = word switch { "in" => Op.In, "notin" => Op.NotIn, _ => throw new FormatException($"unable to parse requirement: found '{word}', expected: in, notin, =, ==, !=, gt, lt") };
                SkipWs(s, ref i);
                if (i >= s.Length || s[i] != '(') throw new FormatException("unable to parse requirement: found '', expected: '('");
                i++;
                var set = new HashSet<string>();
                while (true)
                {
                    SkipWs(s, ref i);
                    var v = ReadValue(s, ref i);
                    ValidateValue(v);
                    set.Add(v);
                    SkipWs(s, ref i);
                    if (i >= s.Length) throw new FormatException("unable to parse requirement: found '', expected: ')'");
                    if (s[i] == ',') { i++; continue; }
                    if (s[i] == ')') { i++; break; }
                    throw new FormatException($"unable to parse requirement: found '{s[i]}', expected: ',', ')'");
                }
                sel._reqs.Add((key, op, set));
            }
            SkipWs(s, ref i);
            if (i < s.Length)
            {
                if (s[i] != ',') throw new FormatException($"unable to parse requirement: found '{s[i]}', expected: ','");
                i++;
            }
        }
        return sel;
    }

    private static void ValidateValue(string v)
    {
        if (!Validation.IsLabelValue(v)) throw new FormatException($"invalid label value: \"{v}\": at key: {v}: {Validation.LabelValueMessage}");
    }

    private static void SkipWs(string s, ref int i) { while (i < s.Length && char.IsWhiteSpace(s[i])) i++; }
    private static string ReadKey(string s, ref int i)
    {
        var st = i;
        while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '-' or '_' or '.' or '/')) i++;
        return s[st..i];
    }
    private static string ReadValue(string s, ref int i)
    {
        var st = i;
        while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] is not ',' and not ')' and not '(' and not '=' and not '!') i++;
        return s[st..i];
    }

    public bool Matches(JsonObject labels)
    {
        foreach (var (key, op, values) in _reqs)
        {
            string val = null;
            var has = labels != null && labels.TryGetPropertyValue(key, out var n) && (val = (string)n) != null;
            switch (op)
            {
                case Op.Eq: case Op.In: if (!has || !values.Contains(val)) return false; break;
                case Op.NotEq: case Op.NotIn: if (has && values.Contains(val)) return false; break;
                case Op.Exists: if (!has) return false; break;
                case Op.NotExists: if (has) return false; break;
            }
        }
        return true;
    }

    /// <summary>Render a matchLabels/matchExpressions selector object as text (for tables and scale).</summary>
    public static string Format(JsonNode selector)
    {
        if (selector is not JsonObject so) return null;
        var parts = new List<string>();
        if (so["matchLabels"] is JsonObject ml) parts.AddRange(ml.Select(kv => $"{kv.Key}={(string)kv.Value}"));
        if (so["matchExpressions"] is JsonArray me)
            foreach (var e in me)
            {
                var key = (string)e?["key"]; var op = (string)e?["operator"];
                var vals = (e?["values"] as JsonArray)?.Select(v => (string)v).ToList() ?? new List<string>();
                parts.Add(op switch
                {
                    "In" => $"{key} in ({string.Join(",", vals)})",
                    "NotIn" => $"{key} notin ({string.Join(",", vals)})",
                    "Exists" => key,
                    "DoesNotExist" => "!" + key,
                    _ => key,
                });
            }
        if (so.Count == 0 || (so["matchLabels"] is null && so["matchExpressions"] is null && so.Count > 0 && so.All(kv => kv.Value is JsonValue)))
            parts.AddRange(so.Where(kv => kv.Value is JsonValue).Select(kv => $"{kv.Key}={(string)kv.Value}"));
        return parts.Count == 0 ? null : string.Join(",", parts);
    }
}

/// <summary>A parsed field selector: comma-separated field=value, field==value, field!=value.</summary>
public sealed class FieldSelector
{
    private readonly List<(string[] Path, bool Neg, string Value)> _reqs = new();
    public bool IsEmpty => _reqs.Count == 0;

    public static FieldSelector Parse(string s, ResourceType t)
    {
        var f = new FieldSelector();
        if (string.IsNullOrWhiteSpace(s)) return f;
        foreach (var raw in s.Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0) continue;
            int idx; bool neg = false; int len;
            if ((idx = part.IndexOf("!=", StringComparison.Ordinal)) > 0) { neg = true; len = 2; }
            else if ((idx = part.IndexOf("==", StringComparison.Ordinal)) > 0) len = 2;
            else if ((idx = part.IndexOf('=')) > 0) len = 1;
            else throw new FormatException($"invalid selector: '{s}'; can't understand '{part}'");
            var field = part[..idx].Trim();
            var value = part[(idx + len)..].Trim();
            if (!Allowed(field, t))
                throw new FormatException($"field label not supported: {field}");
            f._reqs.Add((field.Split('.'), neg, value));
        }
        return f;
    }

    private static bool Allowed(string field, ResourceType t)
    {
        if (field is "metadata.name" or "metadata.namespace") return true;
        return t.Kind switch
        {
            "Pod" => field is "status.phase" or "spec.nodeName" or "spec.restartPolicy" or "spec.schedulerName" or "spec.serviceAccountName" or "status.podIP" or "status.nominatedNodeName" or "spec.hostNetwork",
            "Secret" => field is "type",
            "Event" => field.StartsWith("involvedObject.", StringComparison.Ordinal) || field.StartsWith("regarding.", StringComparison.Ordinal) || field is "reason" or "type" or "source" or "reportingComponent" or "reportingController",
            "Namespace" => field is "status.phase",
            "Node" => field is "spec.unschedulable",
            "Job" => field is "status.successful",
            _ => t.IsCustom,
        };
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (path, neg, value) in _reqs)
        {
            JsonNode n = obj;
            foreach (var p in path) n = n is JsonObject o ? o[p] : null;
            var actual = n switch
            {
                null => "",
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
                _ => n.ToJsonString(),
            };
            if ((actual == value) == neg) return false;
        }
        return true;
    }
}
