using System.Runtime.CompilerServices;
using k8s;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;

namespace KubePS.Engine.Resources;

/// <summary>A get request as the Get-Kube* cmdlets make it.</summary>
public sealed record FindRequest
{
    /// <summary>The kind as typed (po, deployments.apps, Widget.example.com).</summary>
    public required string Kind { get; init; }
    public string? ApiVersion { get; init; }
    /// <summary>Exact names (one GET each); empty means list.</summary>
    public IReadOnlyList<string> ExactNames { get; init; } = Array.Empty<string>();
    /// <summary>When listing, keep only objects whose name passes this filter (wildcards, done by the caller's matcher).</summary>
    public Func<string, bool>? NameFilter { get; init; }
    public string? Namespace { get; init; }
    public bool AllNamespaces { get; init; }
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }
    public int PageSize { get; init; } = 500;
}

/// <summary>
/// Finds objects of any kind: resolves the kind through discovery, then GETs exact names or lists
/// (paged, streaming) and filters. Per-name failures are reported through <c>onError</c> so the
/// other names are still returned.
/// </summary>
public static class ResourceFinder
{
    public static async IAsyncEnumerable<object> FindAsync(
        IKubernetes client,
        FindRequest request,
        Action<KubeException> onError,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var resource = await DiscoveryCache.For(client).ResolveAsync(request.Kind, request.ApiVersion, cancellationToken).ConfigureAwait(false);
        await foreach (var o in FindAsync(client, resource, request, onError, cancellationToken).ConfigureAwait(false))
        {
            yield return o;
        }
    }

    public static async IAsyncEnumerable<object> FindAsync(
        IKubernetes client,
        ApiResourceInfo resource,
        FindRequest request,
        Action<KubeException> onError,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var batch in FindBatchesAsync(client, resource, request, onError, cancellationToken).ConfigureAwait(false))
        {
            foreach (var o in batch)
            {
                yield return o;
            }
        }
    }

    /// <summary>
    /// The same objects as <see cref="FindAsync(IKubernetes, ApiResourceInfo, FindRequest, Action{KubeException}, CancellationToken)"/>,
    /// in batches: a list page (already name-filtered) or one object fetched by name. Lets a caller hand a page on at
    /// once instead of object by object.
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<object>> FindBatchesAsync(
        IKubernetes client,
        ApiResourceInfo resource,
        FindRequest request,
        Action<KubeException> onError,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (request.ExactNames.Count > 0)
        {
            if (resource.Namespaced && request.AllNamespaces)
            {
                // A name across all namespaces: list with a field selector on the name.
                foreach (var name in request.ExactNames)
                {
                    var query = new ResourceQuery { Resource = resource, AllNamespaces = true, FieldSelector = Combine("metadata.name=" + name, request.FieldSelector), LabelSelector = request.LabelSelector, PageSize = request.PageSize };
                    await foreach (var page in ResourceReader.ListPagesAsync(client, query, cancellationToken).ConfigureAwait(false))
                    {
                        yield return page;
                    }
                }
                yield break;
            }
            foreach (var name in request.ExactNames)
            {
                object? found = null;
                try
                {
                    found = await ResourceReader.GetAsync(client, resource, request.Namespace, name, cancellationToken).ConfigureAwait(false);
                }
                catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeNotFound)
                {
                    var where = resource.Namespaced ? $" in namespace \"{request.Namespace}\"" : "";
                    onError(new KubeException(KubeErrorKind.KubeNotFound, $"{resource.FullName} \"{name}\" not found{where}.", ex)
                    {
                        Target = name,
                        StatusCode = 404,
                        Reason = "NotFound",
                    });
                }
                catch (KubeException ex) when (ex.Kind is KubeErrorKind.KubeForbidden)
                {
                    onError(ex);
                }
                if (found is not null)
                {
                    yield return new[] { found };
                }
            }
            yield break;
        }

        if (resource.Namespaced && !request.AllNamespaces && !string.IsNullOrEmpty(request.Namespace))
        {
            // kubectl says "No resources found in x namespace" for an empty one; a missing one is an error here.
            await ResourceReader.EnsureNamespaceExistsAsync(client, request.Namespace!, cancellationToken).ConfigureAwait(false);
        }
        var listQuery = new ResourceQuery
        {
            Resource = resource,
            Namespace = request.Namespace,
            AllNamespaces = request.AllNamespaces,
            LabelSelector = request.LabelSelector,
            FieldSelector = request.FieldSelector,
            PageSize = request.PageSize,
        };
        await foreach (var page in ResourceReader.ListPagesAsync(client, listQuery, cancellationToken).ConfigureAwait(false))
        {
            if (request.NameFilter is not { } keep)
            {
                yield return page;
                continue;
            }
            var kept = new List<object>(page.Count);
            foreach (var o in page)
            {
                if (keep(NameOf(o) ?? ""))
                {
                    kept.Add(o);
                }
            }
            if (kept.Count > 0)
            {
                yield return kept;
            }
        }
    }

    /// <summary>metadata.name of a typed model or a JSON object.</summary>
    public static string? NameOf(object o) => o switch
    {
        IKubernetesObject<k8s.Models.V1ObjectMeta> ko => ko.Metadata?.Name,
        System.Text.Json.JsonElement e when e.TryGetProperty("metadata", out var m) && m.TryGetProperty("name", out var n) => n.GetString(),
        _ => null,
    };

    private static string Combine(string a, string? b) => string.IsNullOrEmpty(b) ? a : a + "," + b;
}
