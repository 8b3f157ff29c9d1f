using System.Collections.Concurrent;
using System.Linq.Expressions;
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
    private static readonly ConcurrentDictionary<Type, Func<Stream, object?>> StreamDeserializers = new();
    private static readonly MethodInfo DeserializeStream = typeof(KubernetesJson).GetMethods()
        .Single(m => m.Name == nameof(KubernetesJson.Deserialize) && m.IsGenericMethodDefinition
            && m.GetParameters()[0].ParameterType == typeof(Stream));
    private static readonly MethodInfo DeserializeElement = typeof(KubernetesJson).GetMethods()
        .Single(m => m.Name == nameof(KubernetesJson.Deserialize) && m.IsGenericMethodDefinition
            && m.GetParameters()[0].ParameterType == typeof(JsonElement));

    /// <summary>
    /// The options KubernetesJson deserializes with (its converters for Kubernetes dates, enums and Status, and its
    /// source-generated metadata), read once so lists can be deserialized asynchronously with exactly the same
    /// settings. Null if a client version keeps them elsewhere; the synchronous KubernetesJson path is used then.
    /// </summary>
    private static readonly JsonSerializerOptions? ClientOptions =
        typeof(KubernetesJson).GetField("JsonSerializerOptions", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as JsonSerializerOptions;

    /// <summary>True when lists are deserialized streamed with the client's options (false: the buffered fallback).</summary>
    internal static bool StreamsLists => ClientOptions is not null;

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

    /// <summary>
    /// Reads a whole list response straight into the typed list model (V1PodList for pods), or returns
    /// null when the kind has no typed list. Faster than parsing a document and converting item by item.
    /// </summary>
    public static async Task<IReadOnlyList<object>?> ReadTypedListAsync(Stream stream, string apiVersion, string kind, Action<string?> setContinue, CancellationToken cancellationToken = default)
    {
        var listType = Find(apiVersion, kind + "List");
        if (listType is null || Find(apiVersion, kind) is null)
        {
            return null;
        }
        object? list;
        if (ClientOptions is { } options)
        {
            // Streamed straight off the network with the client's own serializer options: the reader works in pooled
            // buffers. (Copying each ~1.4 MB page into a MemoryStream first put 4 MB of large-object-heap arrays per
            // page through the GC and set off a full collection every other page.)
            list = await JsonSerializer.DeserializeAsync(stream, listType, options, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // KubernetesJson reads streams synchronously: buffer the page first so no thread blocks on the network.
            var deserialize = StreamDeserializers.GetOrAdd(listType, t =>
            {
                var method = DeserializeStream.MakeGenericMethod(t);
                var input = Expression.Parameter(typeof(Stream));
                var call = Expression.Call(method, input, Expression.Constant(null, typeof(JsonSerializerOptions)));
                return Expression.Lambda<Func<Stream, object?>>(Expression.Convert(call, typeof(object)), input).Compile();
            });
            var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            buffer.Position = 0;
            list = deserialize(buffer);
        }
        if (list is null)
        {
            return Array.Empty<object>();
        }
        var metadata = listType.GetProperty("Metadata")?.GetValue(list) as V1ListMeta;
        setContinue(string.IsNullOrEmpty(metadata?.ContinueProperty) ? null : metadata!.ContinueProperty);
        var items = listType.GetProperty("Items")?.GetValue(list) as System.Collections.IEnumerable;
        var result = new List<object>();
        if (items is not null)
        {
            foreach (var item in items)
            {
                if (item is IKubernetesObject ko)
                {
                    ko.ApiVersion ??= apiVersion;
                    ko.Kind ??= kind;
                }
                result.Add(item);
            }
        }
        return result;
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
