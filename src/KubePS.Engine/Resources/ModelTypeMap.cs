using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace KubePS.Engine.Resources;

/// <summary>
/// Maps apiVersion + kind to the Kubernetes client's typed model (V1Pod, V1Deployment, ...), and
/// deserializes JSON into it with the client's own serializer settings.
/// </summary>
public static class ModelTypeMap
{
    private static readonly Lazy<Dictionary<(string ApiVersion, string Kind), Type>> Map = new(Build);
    private static readonly ConcurrentDictionary<Type, Func<JsonElement, object?>> Deserializers = new();
    private static readonly MethodInfo DeserializeElement = typeof(KubernetesJson).GetMethods()
        .Single(m => m.Name == nameof(KubernetesJson.Deserialize) && m.IsGenericMethodDefinition
            && m.GetParameters()[0].ParameterType == typeof(JsonElement));

    /// <summary>The typed model for apiVersion/kind, or null for custom resources and kinds the client does not know.</summary>
    public static Type? Find(string apiVersion, string kind) =>
        Map.Value.TryGetValue((apiVersion, kind), out var t) ? t : null;

    /// <summary>All (apiVersion, kind) pairs with a typed model, for YAML type maps.</summary>
    public static IReadOnlyDictionary<string, Type> ForYaml() =>
        Map.Value.ToDictionary(kv => kv.Key.ApiVersion + "/" + kv.Key.Kind, kv => kv.Value);

    /// <summary>Deserializes one object into its typed model, or returns null when there is none.</summary>
    public static object? ToModel(JsonElement element, string apiVersion, string kind)
    {
        var type = Find(apiVersion, kind);
        if (type is null)
        {
            return null;
        }
        var deserialize = Deserializers.GetOrAdd(type, t =>
        {
            var method = DeserializeElement.MakeGenericMethod(t);
            return e => method.Invoke(null, new object?[] { e, null });
        });
        var model = deserialize(element);
        if (model is IKubernetesObject ko)
        {
            // Items of a list come without apiVersion and kind; put them back.
            ko.ApiVersion ??= apiVersion;
            ko.Kind ??= kind;
        }
        return model;
    }

    private static Dictionary<(string, string), Type> Build()
    {
        var map = new Dictionary<(string, string), Type>();
        foreach (var type in typeof(V1Pod).Assembly.GetExportedTypes())
        {
            var attr = type.GetCustomAttribute<KubernetesEntityAttribute>();
            if (attr is null || string.IsNullOrEmpty(attr.Kind) || !typeof(IKubernetesObject).IsAssignableFrom(type))
            {
                continue;
            }
            var apiVersion = string.IsNullOrEmpty(attr.Group) ? attr.ApiVersion : attr.Group + "/" + attr.ApiVersion;
            map[(apiVersion, attr.Kind)] = type;
        }
        return map;
    }
}
