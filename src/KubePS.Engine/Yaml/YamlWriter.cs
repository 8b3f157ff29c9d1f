using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubePS.Engine.Yaml;

/// <summary>
/// Writes JSON nodes as block-style YAML the way kubectl prints it (two-space indent, sequences
/// of mappings as "- key: value", strings quoted only where YAML would read them as something else).
/// </summary>
public static class YamlWriter
{
    /// <summary>Several documents separated by "---".</summary>
    public static string WriteAll(IEnumerable<JsonNode?> documents)
    {
        var sb = new StringBuilder();
        var first = true;
        foreach (var d in documents)
        {
            if (!first)
            {
                sb.Append("---\n");
            }
            first = false;
            WriteDocument(sb, d);
        }
        return sb.ToString();
    }

    public static string Write(JsonNode? document)
    {
        var sb = new StringBuilder();
        WriteDocument(sb, document);
        return sb.ToString();
    }

    /// <summary>Removes metadata.managedFields (what kubectl get -o yaml users expect).</summary>
    public static void StripManagedFields(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            if (o["metadata"] is JsonObject meta)
            {
                meta.Remove("managedFields");
            }
            if (o["items"] is JsonArray items)
            {
                foreach (var i in items)
                {
                    StripManagedFields(i);
                }
            }
        }
    }

    private static void WriteDocument(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                WriteMapping(sb, o, 0);
                break;
            case JsonArray a when a.Count > 0:
                WriteSequence(sb, a, 0);
                break;
            default:
                sb.Append(Inline(node)).Append('\n');
                break;
        }
    }

    private static void WriteMapping(StringBuilder sb, JsonObject o, int indent, bool firstLineIndented = true)
    {
        var first = true;
        foreach (var (key, value) in o)
        {
            if (!first || firstLineIndented)
            {
                sb.Append(' ', indent);
            }
            first = false;
            sb.Append(Scalar(key)).Append(':');
            WriteValue(sb, value, indent, inSequence: false);
        }
    }

    private static void WriteSequence(StringBuilder sb, JsonArray a, int indent, bool firstLineIndented = true)
    {
        var first = true;
        foreach (var item in a)
        {
            if (!first || firstLineIndented)
            {
                sb.Append(' ', indent);
            }
            first = false;
            sb.Append('-');
            switch (item)
            {
                case JsonObject o when o.Count > 0:
                    sb.Append(' ');
                    WriteMapping(sb, o, indent + 2, firstLineIndented: false);
                    break;
                case JsonArray inner when inner.Count > 0:
                    sb.Append(' ');
                    WriteSequence(sb, inner, indent + 2, firstLineIndented: false);
                    break;
                default:
                    AppendScalarValue(sb, item, indent + 2);
                    break;
            }
        }
    }

    private static void WriteValue(StringBuilder sb, JsonNode? value, int indent, bool inSequence)
    {
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                sb.Append('\n');
                WriteMapping(sb, o, indent + 2);
                break;
            case JsonArray a when a.Count > 0:
                // kubectl writes sequences under a key at the key's indentation.
                sb.Append('\n');
                WriteSequence(sb, a, indent);
                break;
            default:
                AppendScalarValue(sb, value, indent + 2);
                break;
        }
    }

    private static void AppendScalarValue(StringBuilder sb, JsonNode? value, int indent)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var s = v.GetValue<string>();
            if (s.Contains('\n') && !s.Contains('\r') && s.Trim(' ', '\n').Length > 0 && !s.StartsWith(' '))
            {
                // A literal block keeps multi-line text (scripts, config files) readable.
                var keep = s.EndsWith('\n') ? (s.EndsWith("\n\n", StringComparison.Ordinal) ? "+" : "") : "-";
                sb.Append(" |").Append(keep).Append('\n');
                var body = s.EndsWith('\n') && keep.Length == 0 ? s[..^1] : s;
                if (keep == "+")
                {
                    body = s[..^1];
                }
                foreach (var line in body.Split('\n'))
                {
                    if (line.Length > 0)
                    {
                        sb.Append(' ', indent).Append(line);
                    }
                    sb.Append('\n');
                }
                return;
            }
        }
        sb.Append(' ').Append(Inline(value)).Append('\n');
    }

    private static string Inline(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => Scalar(v.GetValue<string>()),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => v.ToJsonString(),
            _ => "null",
        },
        _ => node.ToJsonString(),
    };

    /// <summary>A string as a YAML scalar: plain when that reads back as the same string, else quoted.</summary>
    public static string Scalar(string s)
    {
        if (NeedsQuotes(s))
        {
            if (s.Any(c => c < ' ' || c == '\u007f'))
            {
                return JsonSerializer.Serialize(s); // double-quoted with escapes
            }
            return "'" + s.Replace("'", "''") + "'";
        }
        return s;
    }

    private static bool NeedsQuotes(string s)
    {
        if (s.Length == 0)
        {
            return true;
        }
        switch (s.ToLowerInvariant())
        {
            case "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n" or "null" or "~" or ".inf" or "-.inf" or ".nan":
                return true;
        }
        if (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1]))
        {
            return true;
        }
        if ("-?:,[]{}#&*!|>'\"%@`".Contains(s[0]) && !(s[0] == '-' && s.Length > 1 && s[1] != ' ' && !LooksNumeric(s)))
        {
            return true;
        }
        if (s.Contains(": ") || s.Contains(" #") || s.EndsWith(':') || s.Any(c => c < ' ' || c == '\u007f'))
        {
            return true;
        }
        return LooksNumeric(s);
    }

    private static bool LooksNumeric(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && s.Length > 2)
        || (s.StartsWith("0o", StringComparison.OrdinalIgnoreCase) && s.Length > 2);
}
