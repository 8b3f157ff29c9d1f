using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubePS.Engine.Json;

/// <summary>JSON scalars as plain CLR values (string, bool, long, double), for the expression and template engines.</summary>
public static class JsonScalar
{
    /// <summary>
    /// The value of a JSON scalar: strings and bools as they are, integers as long, and whole doubles up to
    /// <paramref name="maxWholeDouble"/> in magnitude as long too (YAML and JSON readers may hand out 3.0 for 3).
    /// </summary>
    public static object? ToClr(JsonValue value, double maxWholeDouble)
    {
        if (value.TryGetValue<string>(out var s))
        {
            return s;
        }
        if (value.TryGetValue<bool>(out var b))
        {
            return b;
        }
        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }
        if (value.TryGetValue<int>(out var i))
        {
            return (long)i;
        }
        if (value.TryGetValue<double>(out var d))
        {
            return d == Math.Floor(d) && Math.Abs(d) < maxWholeDouble ? (long)d : d;
        }
        if (value.TryGetValue<JsonElement>(out var e))
        {
            return e.ValueKind switch
            {
                JsonValueKind.String => e.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => e.TryGetInt64(out var el) ? el : e.GetDouble(),
                _ => null,
            };
        }
        return value.ToString();
    }
}
