using System.Globalization;
using System.Text.Json.Nodes;
using KubePS.Engine.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubePS.Engine.Yaml;

/// <summary>
/// Reads multi-document YAML (JSON is YAML too) into JSON objects, typing plain scalars the way
/// Kubernetes does (YAML 1.2 core schema: true/false, null, integers, floats; quoted scalars stay strings).
/// A syntax error names the source, the document and the line.
/// </summary>
public static class YamlReader
{
    public static IReadOnlyList<ManifestDocument> Read(string text, string source = "<string>")
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(text);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            var docIndex = CountDocumentsBefore(text, (int)ex.Start.Line);
            throw new KubeException(KubeErrorKind.KubeYamlInvalid,
                $"{source}: YAML syntax error in document {docIndex + 1} at line {ex.Start.Line}, column {ex.Start.Column}: {Inner(ex)}", ex)
            {
                Target = source,
            };
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet throws this instead of a YamlException for some unterminated flow collections at the end of input.
            var (docIndex, line) = LastDocumentStart(text);
            throw new KubeException(KubeErrorKind.KubeYamlInvalid,
                $"{source}: YAML syntax error in document {docIndex + 1} (starting at line {line}): unexpected end of input (an unclosed [ or {{?)", ex)
            {
                Target = source,
            };
        }
        var result = new List<ManifestDocument>();
        var index = 0;
        foreach (var doc in stream.Documents)
        {
            var root = doc.RootNode;
            if (root is YamlScalarNode s && (s.Value is null || s.Value.Length == 0 || s.Value == "~"))
            {
                index++;
                continue; // an empty document (a trailing ---)
            }
            var node = Convert(root);
            if (node is null)
            {
                index++;
                continue;
            }
            if (node is JsonArray array && (source.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('[')))
            {
                foreach (var item in array)
                {
                    if (item is JsonObject o)
                    {
                        result.Add(new ManifestDocument { Object = (JsonObject)o.DeepClone(), Source = source, Index = index, Line = (int)root.Start.Line });
                    }
                }
                index++;
                continue;
            }
            if (node is not JsonObject obj)
            {
                throw new KubeException(KubeErrorKind.KubeYamlInvalid,
                    $"{source}: document {index + 1} at line {root.Start.Line} is not a mapping (an object with apiVersion and kind).")
                { Target = source };
            }
            // A v1 List (kubectl get -o yaml output) stands for its items.
            if (obj["kind"]?.GetValue<string>() is string k && k.EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray items && obj["apiVersion"] is not null && k == "List")
            {
                foreach (var item in items.OfType<JsonObject>())
                {
                    result.Add(new ManifestDocument { Object = (JsonObject)item.DeepClone(), Source = source, Index = index, Line = (int)root.Start.Line });
                }
            }
            else
            {
                result.Add(new ManifestDocument { Object = obj, Source = source, Index = index, Line = (int)root.Start.Line });
            }
            index++;
        }
        return result;
    }

    public static IReadOnlyList<ManifestDocument> ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeException(KubeErrorKind.KubeYamlInvalid, $"Cannot read {path}: {ex.Message}", ex) { Target = path };
        }
        return Read(text, path);
    }

    private static string Inner(YamlException ex)
    {
        var message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return i > 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(i + 3)..] : message;
    }

    private static (int Index, int Line) LastDocumentStart(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var index = 0;
        var start = 1;
        var sawContent = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("---", StringComparison.Ordinal))
            {
                if (sawContent)
                {
                    index++;
                }
                sawContent = false;
                start = i + 2;
            }
            else if (lines[i].Trim().Length > 0 && !lines[i].TrimStart().StartsWith('#'))
            {
                sawContent = true;
            }
        }
        return (index, start);
    }

    private static int CountDocumentsBefore(string text, int line)
    {
        var count = 0;
        var n = 0;
        var sawContent = false;
        using var reader = new StringReader(text);
        string? l;
        while ((l = reader.ReadLine()) is not null && ++n < line)
        {
            if (l.StartsWith("---", StringComparison.Ordinal))
            {
                if (sawContent)
                {
                    count++;
                }
                sawContent = false;
            }
            else if (l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            {
                sawContent = true;
            }
        }
        return count;
    }

    /// <summary>Converts a YAML node to a JSON node.</summary>
    public static JsonNode? Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = key is YamlScalarNode ks ? ks.Value ?? "" : key.ToString();
                    if (name == "<<" && value is YamlMappingNode merge)
                    {
                        foreach (var kv in (JsonObject)Convert(merge)!)
                        {
                            obj[kv.Key] ??= kv.Value?.DeepClone();
                        }
                        continue;
                    }
                    obj[name] = Convert(value);
                }
                return obj;
            case YamlSequenceNode seq:
                var array = new JsonArray();
                foreach (var item in seq.Children)
                {
                    array.Add(Convert(item));
                }
                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }
        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && (scalar.Tag.Value == "tag:yaml.org,2002:str" || scalar.Tag.Value == "!!str"))
        {
            return JsonValue.Create(value);
        }
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (IsInteger(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }
        if (value.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }
        if (IsFloat(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return JsonValue.Create(d);
        }
        return JsonValue.Create(value);
    }

    private static bool IsInteger(string v)
    {
        var start = v.Length > 0 && (v[0] == '-' || v[0] == '+') ? 1 : 0;
        if (v.Length == start)
        {
            return false;
        }
        for (var i = start; i < v.Length; i++)
        {
            if (!char.IsAsciiDigit(v[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsFloat(string v)
    {
        var hasDigit = false;
        var hasDot = false;
        for (var i = 0; i < v.Length; i++)
        {
            var c = v[i];
            if (char.IsAsciiDigit(c))
            {
                hasDigit = true;
            }
            else if (c == '.' && !hasDot)
            {
                hasDot = true;
            }
            else if ((c == '-' || c == '+') && (i == 0 || v[i - 1] is 'e' or 'E'))
            {
            }
            else if ((c == 'e' || c == 'E') && hasDigit)
            {
            }
            else
            {
                return false;
            }
        }
        return hasDigit && hasDot;
    }
}
