using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace KubePS.LocalCluster;

public static class JsonUtil
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    public static readonly JsonSerializerOptions Indented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };

    public static void Materialize(JsonNode n)
    {
        switch (n)
        {
            case JsonObject o: foreach (var kv in o) Materialize(kv.Value); break;
            case JsonArray a: foreach (var x in a) Materialize(x); break;
        }
    }

    public static JsonNode Clone(JsonNode n) => n?.DeepClone();

    public static string Str(JsonNode n, params string[] path)
    {
        foreach (var p in path) { n = n is JsonObject o ? o[p] : null; if (n is null) return null; }
        return n is JsonValue v && v.TryGetValue<string>(out var s) ? s : n?.ToJsonString();
    }

    public static JsonNode At(JsonNode n, params string[] path)
    {
        foreach (var p in path) { n = n is JsonObject o ? o[p] : null; if (n is null) return null; }
        return n;
    }

    public static long? Long(JsonNode n, params string[] path)
    {
        var v = At(n, path) as JsonValue;
        if (v is null) return null;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<double>(out var d)) return (long)d;
        if (v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var el)) return el;
        return null;
    }

    public static JsonObject Obj(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject o) return o;
        o = new JsonObject();
        parent[key] = o;
        return o;
    }

    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTime? ParseTime(string s) =>
        DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d) ? d : null;

    /// <summary>Parse a YAML document (one) into a JsonNode. Throws YamlException on bad input.</summary>
    public static JsonNode ParseYaml(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        if (parser.Accept<StreamEnd>(out _)) return null;
        parser.Consume<DocumentStart>();
        var node = ReadNode(parser);
        parser.Consume<DocumentEnd>();
        return node;
    }

    private static JsonNode ReadNode(IParser p)
    {
        if (p.TryConsume<Scalar>(out var s)) return ScalarToJson(s);
        if (p.TryConsume<MappingStart>(out _))
        {
            var o = new JsonObject();
            while (!p.TryConsume<MappingEnd>(out _))
            {
                var k = p.Consume<Scalar>().Value;
                var v = ReadNode(p);
                if (o.ContainsKey(k)) throw new YamlException($"mapping key \"{k}\" already defined");
                o[k] = v;
            }
            return o;
        }
        if (p.TryConsume<SequenceStart>(out _))
        {
            var a = new JsonArray();
            while (!p.TryConsume<SequenceEnd>(out _)) a.Add(ReadNode(p));
            return a;
        }
        if (p.TryConsume<AnchorAlias>(out _)) throw new YamlException("YAML aliases are not supported");
        throw new YamlException("unexpected YAML event " + p.Current);
    }

    private static JsonNode ScalarToJson(Scalar s)
    {
        var v = s.Value;
        if (s.Style != ScalarStyle.Plain) return JsonValue.Create(v);
        if (s.Tag.IsEmpty == false && s.Tag.Value == "tag:yaml.org,2002:str") return JsonValue.Create(v);
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (System.Text.RegularExpressions.Regex.IsMatch(v, "^[-+]?[0-9]+$") && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (System.Text.RegularExpressions.Regex.IsMatch(v, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$") && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(v);
    }

    /// <summary>Parse a request body as JSON, or YAML when the content type says so or JSON fails on YAML-looking text.</summary>
    public static JsonNode ParseBody(string text, string contentType, out string error)
    {
        error = null;
        var isYaml = contentType != null && contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase);
        try
        {
            if (!isYaml) return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
            return ParseYaml(text);
        }
        catch (JsonException e) { error = "json parse error: " + (text.Trim().Length == 0 ? "unexpected end of JSON input" : e.Message); }
        catch (YamlException e) { error = "yaml: " + e.Message; }
        catch (InvalidOperationException e) { error = "json parse error: " + e.Message; }
        catch (ArgumentException e) { error = "json parse error: " + e.Message; }
        return null;
    }
}
