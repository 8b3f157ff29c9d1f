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

    /// <summary>Lists objects one by one, page by page underneath (see <see cref="ListPagesAsync"/>).</summary>
    public static async IAsyncEnumerable<object> ListAsync(IKubernetes client, ResourceQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in ListPagesAsync(client, query, cancellationToken).ConfigureAwait(false))
        {
            foreach (var o in page)
            {
                yield return o;
            }
        }
    }

    /// <summary>
    /// Lists objects a page at a time (limit/continue). The next page is requested as soon as the current one has
    /// been read, so it travels and deserializes while the current page is consumed; at most two pages are held.
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<object>> ListPagesAsync(IKubernetes client, ResourceQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var prefetch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<(IReadOnlyList<object> Page, string? Continue)>? pending = ReadPageAsync(client, query, null, prefetch.Token);
        try
        {
            while (pending is not null)
            {
                var (page, next) = await pending.ConfigureAwait(false);
                pending = next is null ? null : ReadPageAsync(client, query, next, prefetch.Token);
                yield return page;
            }
        }
        finally
        {
            if (pending is not null)
            {
                // The consumer stopped early: drop the page in flight and observe its outcome.
                prefetch.Cancel();
                _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// One page of a list: up to <see cref="ResourceQuery.PageSize"/> objects from <paramref name="continueToken"/> on
    /// (null for the first page), and the token of the next page, or null when it is the last.
    /// </summary>
    public static async Task<(IReadOnlyList<object> Page, string? Continue)> ReadPageAsync(IKubernetes client, ResourceQuery query, string? continueToken, CancellationToken cancellationToken)
    {
        var resource = query.Resource;
        var ns = resource.Namespaced && !query.AllNamespaces ? query.Namespace : null;
        var url = new StringBuilder(resource.PathFor(ns)).Append("?limit=").Append(query.PageSize);
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
        using var response = await KubeRequest.SendAsync(client, HttpMethod.Get, url.ToString(), cancellationToken, streamResponse: true).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        string? next = null;
        var typed = await ModelTypeMap.ReadTypedListAsync(stream, resource.ApiVersion, resource.Kind, c => next = c, cancellationToken).ConfigureAwait(false);
        if (typed is not null)
        {
            return (typed, next);
        }
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var root = doc.RootElement;
        next = root.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("continue", out var c) && c.ValueKind == JsonValueKind.String && c.GetString()!.Length > 0
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
        return (items, next);
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
