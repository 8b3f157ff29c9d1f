using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubePS.LocalCluster;

/// <summary>Server-side Table (meta.k8s.io/v1) rendering.</summary>
public static class Tables
{
    public static List<TableColumn> Columns(ResourceType t) =>
        t.Columns.Count > 0 ? t.Columns : [Builtins.NameCol, new TableColumn("Age", "date", "", Builtins.AgeCol.Description, 0, ".metadata.creationTimestamp")];

    public static void Write(Utf8JsonWriter w, ResourceType t, IEnumerable<JsonObject> objects, string rv, string next, bool includeColumns, string includeObject, long remaining = 0)
    {
        var cols = Columns(t);
        var now = DateTime.UtcNow;
        w.WriteStartObject();
        w.WriteString("kind", "Table");
        w.WriteString("apiVersion", "meta.k8s.io/v1");
        ApiService.WriteListMeta(w, rv, next, remaining);
        w.WriteStartArray("columnDefinitions");
        if (includeColumns)
            foreach (var c in cols)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name); w.WriteString("type", c.Type); w.WriteString("format", c.Format);
                w.WriteString("description", c.Description); w.WriteNumber("priority", c.Priority);
                w.WriteEndObject();
            }
        w.WriteEndArray();
        w.WriteStartArray("rows");
        foreach (var o in objects)
        {
            w.WriteStartObject();
            w.WriteStartArray("cells");
            var cells = t.Cells != null ? t.Cells(o, now) : CustomCells(cols, o, now);
            foreach (var c in cells)
            {
                switch (c)
                {
                    case null: w.WriteNullValue(); break;
                    case string s: w.WriteStringValue(s); break;
                    case long l: w.WriteNumberValue(l); break;
                    case int i: w.WriteNumberValue(i); break;
                    case double d: w.WriteNumberValue(d); break;
                    case bool b: w.WriteBooleanValue(b); break;
                    case JsonNode n: n.WriteTo(w); break;
                    default: w.WriteStringValue(c.ToString()); break;
                }
            }
            w.WriteEndArray();
            if (includeObject != "None")
            {
                w.WritePropertyName("object");
                if (includeObject == "Object") o.WriteTo(w);
                else
                {
                    w.WriteStartObject();
                    w.WriteString("kind", "PartialObjectMetadata");
                    w.WriteString("apiVersion", "meta.k8s.io/v1");
                    w.WritePropertyName("metadata");
                    (o["metadata"] ?? new JsonObject()).WriteTo(w);
                    w.WriteEndObject();
                }
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
    }

    private static object[] CustomCells(List<TableColumn> cols, JsonObject o, DateTime now)
    {
        var cells = new object[cols.Count];
        for (var i = 0; i < cols.Count; i++)
        {
            var c = cols[i];
            if (c.JsonPath is null) { cells[i] = JsonUtil.Str(o, "metadata", "name"); continue; }
            var v = Eval(o, c.JsonPath);
            cells[i] = c.Type switch
            {
                "date" => v is JsonValue dv && dv.TryGetValue<string>(out var ds) && JsonUtil.ParseTime(ds) is DateTime dt ? Builtins.HumanDuration(now - dt) : null,
                "integer" => v is JsonValue iv && JsonUtil.Long(iv) is long l ? l : null,
                "boolean" => v is JsonValue bv && bv.TryGetValue<bool>(out var b) ? b : null,
                "number" => v is JsonValue nv && nv.TryGetValue<double>(out var d) ? d : null,
                _ => v switch { null => null, JsonValue sv when sv.TryGetValue<string>(out var s) => s, _ => v.ToJsonString() },
            };
        }
        return cells;
    }

    /// <summary>Evaluate a simple JSONPath (.a.b, .a[0].b, {.a.b}) against an object.</summary>
    public static JsonNode Eval(JsonNode o, string path)
    {
        path = path.Trim().TrimStart('{').TrimEnd('}').TrimStart('.');
        JsonNode n = o;
        foreach (var raw in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var part = raw; int? idx = null;
            var b = raw.IndexOf('[');
            if (b >= 0 && raw.EndsWith(']') && int.TryParse(raw[(b + 1)..^1], out var ix)) { part = raw[..b]; idx = ix; }
            n = n is JsonObject jo ? jo[part] : null;
            if (idx is int k) n = n is JsonArray ja && k < ja.Count ? ja[k] : null;
            if (n is null) return null;
        }
        return n;
    }
}
