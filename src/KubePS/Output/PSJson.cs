using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

namespace KubePS.Output;

/// <summary>
/// Converts what users pipe in (typed models, PSObjects from custom resources, hashtables,
/// PSCustomObjects) to JSON nodes for the engine, without losing fields.
/// </summary>
public static class PSJson
{
    public static JsonNode? ToNode(object? value, int depth = 0)
    {
        if (depth > 100)
        {
            throw new ArgumentException("The object is nested more than 100 levels deep.");
        }
        switch (value)
        {
            case null:
                return null;
            case PSObject pso:
                if (pso.BaseObject is PSCustomObject)
                {
                    var obj = new JsonObject();
                    foreach (var p in pso.Properties)
                    {
                        if (p.MemberType is PSMemberTypes.NoteProperty)
                        {
                            obj[p.Name] = ToNode(p.Value, depth + 1);
                        }
                    }
                    return obj;
                }
                return ToNode(pso.BaseObject, depth + 1);
            case JsonNode node:
                return node.DeepClone();
            case JsonElement element:
                return JsonNode.Parse(element.GetRawText());
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case int or long or short or byte or sbyte or uint or ushort:
                return JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case ulong ul:
                return JsonValue.Create(ul);
            case float or double or decimal:
                return JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case DateTime dt:
                return JsonValue.Create(dt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            case DateTimeOffset dto:
                return JsonValue.Create(dto.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            case byte[] bytes:
                return JsonValue.Create(Convert.ToBase64String(bytes));
            case Enum e:
                return JsonValue.Create(e.ToString());
            case IDictionary dict:
                var o = new JsonObject();
                foreach (DictionaryEntry kv in dict)
                {
                    o[Convert.ToString(kv.Key, CultureInfo.InvariantCulture) ?? ""] = ToNode(kv.Value, depth + 1);
                }
                return o;
            case IKubernetesObject ko:
                return JsonNode.Parse(KubernetesJson.Serialize(ko));
            case IEnumerable list:
                var a = new JsonArray();
                foreach (var item in list)
                {
                    a.Add(ToNode(item, depth + 1));
                }
                return a;
            default:
                if (value.GetType().Namespace == "k8s.Models")
                {
                    return JsonNode.Parse(KubernetesJson.Serialize(value));
                }
                return JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture));
        }
    }
}
