using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;

namespace KubePS.Engine.Templates;

/// <summary>One layer of values: where it came from, its tree, and whether its strings are secrets.</summary>
public sealed record ValuesLayer(string Origin, JsonObject Values, bool IsSecret = false);

/// <summary>
/// Values: loading (YAML files, Helm-style <c>--set</c> expressions), deep merging with type checks, and the
/// strings to redact. Merge rules: maps merge key by key; a scalar or a list replaces; null deletes the key.
/// A later layer may not change the shape of a value an earlier layer set (a map stays a map, a list a list, a
/// number a number); a number or bool given for a string is turned into its text.
/// </summary>
public static class TemplateValues
{
    /// <summary>Reads a values file: one YAML mapping (an empty file is an empty map).</summary>
    public static JsonObject ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeException(KubeErrorKind.KubeTemplateValuesInvalid, $"{path}: {ex.Message}", ex) { Target = path };
        }
        return Parse(text, path);
    }

    /// <summary>Parses values text: one YAML mapping (empty text is an empty map).</summary>
    public static JsonObject Parse(string text, string origin)
    {
        IReadOnlyList<ManifestDocument> docs;
        try
        {
            docs = YamlReader.Read(text, origin);
        }
        catch (KubeException ex)
        {
            throw new KubeException(KubeErrorKind.KubeTemplateValuesInvalid, ex.Message, ex) { Target = origin };
        }
        if (docs.Count == 0)
        {
            return new JsonObject();
        }
        if (docs.Count > 1)
        {
            throw new KubeException(KubeErrorKind.KubeTemplateValuesInvalid, $"{origin}: a values file is one YAML mapping; found {docs.Count} documents.") { Target = origin };
        }
        return docs[0].Object;
    }

    /// <summary>
    /// Merges the layers in order into a new tree. Throws KubeTemplateValueType when a layer changes a value's shape.
    /// </summary>
    public static JsonObject Merge(IEnumerable<ValuesLayer> layers)
    {
        var result = new JsonObject();
        foreach (var layer in layers)
        {
            MergeInto(result, layer.Values, layer.Origin, "");
        }
        return result;
    }

    private static void MergeInto(JsonObject target, JsonObject overlay, string origin, string prefix)
    {
        foreach (var (key, value) in overlay.ToList())
        {
            var path = prefix.Length == 0 ? EscapeKey(key) : prefix + "." + EscapeKey(key);
            if (value is null)
            {
                target.Remove(key);
                continue;
            }
            if (!target.TryGetPropertyValue(key, out var existing) || existing is null)
            {
                target[key] = value.DeepClone();
                continue;
            }
            switch (existing)
            {
                case JsonObject eo when value is JsonObject vo:
                    MergeInto(eo, vo, origin, path);
                    break;
                case JsonObject:
                    throw TypeError(path, "a map", value, origin);
                case JsonArray when value is JsonArray:
                    target[key] = value.DeepClone();
                    break;
                case JsonArray:
                    throw TypeError(path, "a list", value, origin);
                case JsonValue ev:
                    target[key] = Coerce(ev, value, path, origin);
                    break;
            }
        }
    }

    private static JsonNode Coerce(JsonValue existing, JsonNode value, string path, string origin)
    {
        if (value is not JsonValue v)
        {
            throw TypeError(path, Describe(existing), value, origin);
        }
        var ek = Kind(existing);
        var vk = Kind(v);
        if (ek == vk)
        {
            return v.DeepClone();
        }
        switch (ek)
        {
            case 's':
                // A number or bool for a string (image.tag=1.2): keep it as text.
                return JsonValue.Create(Text(v))!;
            case 'n' when vk == 's' && double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out _):
                return TypedScalar(v.GetValue<string>())!;
            case 'b' when vk == 's' && bool.TryParse(v.GetValue<string>(), out var b):
                return JsonValue.Create(b);
            default:
                throw TypeError(path, Describe(existing), value, origin);
        }
    }

    private static char Kind(JsonValue v)
    {
        if (v.TryGetValue<string>(out _))
        {
            return 's';
        }
        if (v.TryGetValue<bool>(out _))
        {
            return 'b';
        }
        return 'n';
    }

    internal static string Text(JsonValue v) =>
        v.TryGetValue<string>(out var s) ? s : v.TryGetValue<bool>(out var b) ? (b ? "true" : "false") : v.ToJsonString();

    private static string Describe(JsonNode n) => n switch
    {
        JsonObject => "a map",
        JsonArray => "a list",
        JsonValue v => Kind(v) switch { 's' => "a string", 'b' => "a bool (true/false)", _ => "a number" },
        _ => "null",
    };

    private static KubeException TypeError(string path, string expected, JsonNode value, string origin) =>
        new(KubeErrorKind.KubeTemplateValueType,
            $"{origin}: the value {path} must be {expected} (as the earlier values have it), but is {Describe(value)}.")
        {
            Target = path,
            RecommendedAction = $"Give {path} as {expected}, or null to remove it first.",
        };

    private static string EscapeKey(string key) => key.Replace(".", "\\.", StringComparison.Ordinal);

    // ---------------------------------------------------------------- --set

    /// <summary>
    /// Parses Helm-style --set text into a tree: <c>a.b=1,c={x,y},d[0]=z,e\.f=g</c>. Values are typed: integers and
    /// decimals are numbers (a leading zero keeps text), true/false bools, null null (removes the key), <c>{a,b}</c> a
    /// list; everything else a string. <c>\,</c>, <c>\.</c>, <c>\=</c> and <c>\\</c> escape.
    /// </summary>
    public static JsonObject ParseSet(string expression, JsonObject? into = null)
    {
        var root = into ?? new JsonObject();
        foreach (var assignment in SplitTopLevel(expression))
        {
            if (assignment.Length == 0)
            {
                continue;
            }
            var eq = IndexOfUnescaped(assignment, '=');
            if (eq <= 0)
            {
                throw new KubeException(KubeErrorKind.KubeTemplateValuesInvalid, $"-Set '{assignment}': expected key.path=value.")
                {
                    Target = assignment,
                    RecommendedAction = "Write -Set key.path=value (a\\.b escapes a dot, {x,y} is a list).",
                };
            }
            var keyText = assignment[..eq];
            var valueText = assignment[(eq + 1)..];
            var segments = SplitPath(keyText, assignment);
            JsonNode? value = valueText.StartsWith('{') && valueText.EndsWith('}')
                ? new JsonArray(SplitList(valueText[1..^1]).Select(x => (JsonNode?)TypedScalar(x)).ToArray())
                : TypedScalar(Unescape(valueText));
            Assign(root, segments, value, assignment);
        }
        return root;
    }

    /// <summary>Typed like Helm: integers, decimals, true/false, null; else text.</summary>
    public static JsonValue? TypedScalar(string text)
    {
        if (text.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return JsonValue.Create(true);
        }
        if (text.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return JsonValue.Create(false);
        }
        var leadingZero = text.Length > 1 && text[0] == '0' && text[1] != '.' || text.StartsWith("-0", StringComparison.Ordinal) && text.Length > 2 && text[2] != '.';
        if (!leadingZero && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }
        if (!leadingZero && text.Length > 0 && (char.IsDigit(text[0]) || text[0] == '-' || text[0] == '.')
            && double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d))
        {
            return JsonValue.Create(d);
        }
        return JsonValue.Create(text);
    }

    private static void Assign(JsonObject root, List<(string Key, int? Index)> segments, JsonNode? value, string assignment)
    {
        JsonNode current = root;
        for (var i = 0; i < segments.Count; i++)
        {
            var (key, index) = segments[i];
            var last = i == segments.Count - 1;
            var obj = (JsonObject)current;
            if (index is null)
            {
                if (last)
                {
                    obj[key] = value;
                    return;
                }
                if (obj[key] is not JsonObject child)
                {
                    obj[key] = child = new JsonObject();
                }
                current = child;
            }
            else
            {
                if (obj[key] is not JsonArray arr)
                {
                    obj[key] = arr = new JsonArray();
                }
                if (index > 10000)
                {
                    throw new KubeException(KubeErrorKind.KubeTemplateValuesInvalid, $"-Set '{assignment}': index {index} is too large.") { Target = assignment };
                }
                while (arr.Count <= index)
                {
                    arr.Add(null);
                }
                if (last)
                {
                    arr[index.Value] = value;
                    return;
                }
                if (arr[index.Value] is not JsonObject child)
                {
                    arr[index.Value] = child = new JsonObject();
                }
                current = child;
            }
        }
    }

    private static List<(string, int?)> SplitPath(string keyText, string assignment)
    {
        var result = new List<(string, int?)>();
        var sb = new StringBuilder();
        for (var i = 0; i < keyText.Length; i++)
        {
            var c = keyText[i];
            if (c == '\\' && i + 1 < keyText.Length)
            {
                sb.Append(keyText[++i]);
            }
            else if (c == '.')
            {
                Flush(null);
            }
            else if (c == '[')
            {
                var close = keyText.IndexOf(']', i);
                if (close < 0 || !int.TryParse(keyText[(i + 1)..close], NumberStyles.None, CultureInfo.InvariantCulture, out var idx))
                {
                    throw new KubeException(KubeErrorKind.KubeTemplateValuesInvalid, $"-Set '{assignment}': a list index is written [0].") { Target = assignment };
                }
                Flush(idx);
                i = close;
                if (i + 1 < keyText.Length && keyText[i + 1] == '.')
                {
                    i++;
                }
            }
            else
            {
                sb.Append(c);
            }
        }
        if (sb.Length > 0)
        {
            Flush(null);
        }
        return result;

        void Flush(int? index)
        {
            if (sb.Length == 0 && index is null)
            {
                throw new KubeException(KubeErrorKind.KubeTemplateValuesInvalid, $"-Set '{assignment}': empty key segment.") { Target = assignment };
            }
            if (sb.Length == 0 && index is not null)
            {
                throw new KubeException(KubeErrorKind.KubeTemplateValuesInvalid, $"-Set '{assignment}': an index follows a key (list[0]).") { Target = assignment };
            }
            result.Add((sb.ToString(), index));
            sb.Clear();
        }
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var sb = new StringBuilder();
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                sb.Append(c).Append(text[++i]);
                continue;
            }
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth = Math.Max(0, depth - 1);
            }
            if (c == ',' && depth == 0)
            {
                yield return sb.ToString();
                sb.Clear();
                continue;
            }
            sb.Append(c);
        }
        yield return sb.ToString();
    }

    private static IEnumerable<string> SplitList(string text)
    {
        if (text.Length == 0)
        {
            yield break;
        }
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                sb.Append(text[++i]);
            }
            else if (c == ',')
            {
                yield return sb.ToString();
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }
        yield return sb.ToString();
    }

    private static int IndexOfUnescaped(string text, char ch)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == ch)
            {
                return i;
            }
        }
        return -1;
    }

    private static string Unescape(string text)
    {
        if (!text.Contains('\\'))
        {
            return text;
        }
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is ',' or '.' or '=' or '\\' or '{' or '}')
            {
                sb.Append(text[++i]);
            }
            else
            {
                sb.Append(text[i]);
            }
        }
        return sb.ToString();
    }

    // ---------------------------------------------------------------- paths and secrets

    /// <summary>The node at a dotted path (a\.b escapes a dot), or null.</summary>
    public static JsonNode? Get(JsonObject root, string path)
    {
        JsonNode? current = root;
        foreach (var (key, index) in SplitPath(path, path))
        {
            current = (current as JsonObject)?[key];
            if (index is { } i)
            {
                current = current is JsonArray a && i < a.Count ? a[i] : null;
            }
            if (current is null)
            {
                return null;
            }
        }
        return current;
    }

    /// <summary>Every string leaf of a tree (for secret layers).</summary>
    public static IEnumerable<string> Strings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, v) in o)
                {
                    foreach (var s in Strings(v))
                    {
                        yield return s;
                    }
                }
                break;
            case JsonArray a:
                foreach (var v in a)
                {
                    foreach (var s in Strings(v))
                    {
                        yield return s;
                    }
                }
                break;
            case JsonValue v when v.TryGetValue<string>(out var s):
                yield return s;
                break;
        }
    }

    /// <summary>The number of leaves (scalars and empty containers) of a tree.</summary>
    public static int CountLeaves(JsonNode? node) => node switch
    {
        JsonObject o when o.Count > 0 => o.Sum(kv => CountLeaves(kv.Value)),
        JsonArray a when a.Count > 0 => a.Sum(CountLeaves),
        _ => 1,
    };
}
