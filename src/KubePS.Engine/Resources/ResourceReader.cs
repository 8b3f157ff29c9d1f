using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using k8s;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;

namespace KubePS.Engine.Resources;

/// <summary>
/// Reads objects of any kind. Built-in kinds come back as the client's typed models; custom
/// resources (and kinds the client does not know) as <see cref="JsonElement"/>s that the cmdlet layer
/// turns into PSObjects.
/// </summary>
public static class ResourceReader
{
    /// <summary>One object by exact name (one GET).</summary>
    public static async Task<object> GetAsync(IKubernetes client, ApiResourceInfo resource, string? @namespace, string name, CancellationToken cancellationToken)
    {
        var path = resource.PathFor(resource.Namespaced ? @namespace : null, name);
        using var response = await KubeRequest.SendAsync(client, HttpMethod.Get, path, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        return Materialize(doc.RootElement, resource.ApiVersion, resource.Kind);
    }

    /// <summary>
    /// Lists objects page by page (limit/continue); each page's objects are yielded before the next page is requested.
    /// </summary>
    public static async IAsyncEnumerable<object> ListAsync(IKubernetes client, ResourceQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var resource = query.Resource;
        var ns = resource.Namespaced && !query.AllNamespaces ? query.Namespace : null;
        var basePath = resource.PathFor(ns);
        string? continueToken = null;
        do
        {
            var url = new StringBuilder(basePath).Append("?limit=").Append(query.PageSize);
            if (!string.IsNullOrEmpty(query.LabelSelector))
            {
                url.Append("&labelSelector=").Append(Uri.EscapeDataString(query.LabelSelector));
            }
            if (!string.IsNullOrEmpty(query.FieldSelector))
            {
                url.Append("&fieldSelector=").Append(Uri.EscapeDataString(query.FieldSelector));
            }
            if (continueToken is not null)
            {
                url.Append("&continue=").Append(Uri.EscapeDataString(continueToken));
            }
            IReadOnlyList<object> page;
            using (var response = await KubeRequest.SendAsync(client, HttpMethod.Get, url.ToString(), cancellationToken, streamResponse: true).ConfigureAwait(false))
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                string? next = null;
                var typed = await ModelTypeMap.ReadTypedListAsync(stream, resource.ApiVersion, resource.Kind, c => next = c).ConfigureAwait(false);
                if (typed is not null)
                {
                    page = typed;
                    continueToken = next;
                }
                else
                {
                    using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                    var root = doc.RootElement;
                    continueToken = root.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("continue", out var c) && c.ValueKind == JsonValueKind.String && c.GetString()!.Length > 0
                        ? c.GetString()
                        : null;
                    var items = new List<object>();
                    if (root.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var item in array.EnumerateArray())
                        {
                            items.Add(Materialize(item, resource.ApiVersion, resource.Kind));
                        }
                    }
                    page = items;
                }
            }
            foreach (var o in page)
            {
                yield return o;
            }
        }
        while (continueToken is not null);
    }

    /// <summary>A typed model when the client knows the kind, else a detached JsonElement with apiVersion and kind set.</summary>
    public static object Materialize(JsonElement element, string apiVersion, string kind)
    {
        var model = ModelTypeMap.ToModel(element, apiVersion, kind);
        if (model is not null)
        {
            return model;
        }
        if (element.TryGetProperty("kind", out _) && element.TryGetProperty("apiVersion", out _))
        {
            return element.Clone();
        }
        // List items of custom resources can also lack apiVersion/kind: add them.
        var node = System.Text.Json.Nodes.JsonNode.Parse(element.GetRawText())!.AsObject();
        node["apiVersion"] ??= apiVersion;
        node["kind"] ??= kind;
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return doc.RootElement.Clone();
    }

    /// <summary>Throws KubeNotFound for a namespace that does not exist (a list in it would just be empty).</summary>
    public static async Task EnsureNamespaceExistsAsync(IKubernetes client, string @namespace, CancellationToken cancellationToken)
    {
        try
        {
            using var _ = await KubeRequest.SendAsync(client, HttpMethod.Get, "/api/v1/namespaces/" + Uri.EscapeDataString(@namespace), cancellationToken).ConfigureAwait(false);
        }
        catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeNotFound)
        {
            throw new KubeException(KubeErrorKind.KubeNotFound, $"Namespace \"{@namespace}\" not found.", ex) { Target = @namespace, StatusCode = 404, Reason = "NotFound" };
        }
    }
}
