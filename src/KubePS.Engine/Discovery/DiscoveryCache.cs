using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using KubePS.Engine.Errors;
using KubePS.Engine.Resources;

namespace KubePS.Engine.Discovery;

/// <summary>
/// The resource types a server serves, read through discovery once per client and kept for the
/// session; a name that is not found triggers one refresh (a CRD created a moment ago), shared by
/// the lookups that missed at the same time.
/// </summary>
public sealed class DiscoveryCache
{
    private static readonly ConditionalWeakTable<IKubernetes, DiscoveryCache> PerClient = new();

    private readonly IKubernetes client;
    private readonly SemaphoreSlim gate = new(1, 1);
    private IReadOnlyList<ApiResourceInfo>? resources;
    private DateTime fetchedAt = DateTime.MinValue;

    private DiscoveryCache(IKubernetes client) => this.client = client;


    /// <summary>The cache for one client (one per config and context in a session).</summary>
    public static DiscoveryCache For(IKubernetes client) => PerClient.GetValue(client, c => new DiscoveryCache(c));

    /// <summary>The cached list when there is one, without a request (for completion on a warm session).</summary>
    public IReadOnlyList<ApiResourceInfo>? Cached => resources;

    /// <summary>
    /// All resource types (every served version of every group): on first use from the disk cache of an earlier
    /// session when it is fresh (<see cref="DiscoveryDiskCache"/>), else from the server.
    /// </summary>
    public async Task<IReadOnlyList<ApiResourceInfo>> GetAllAsync(CancellationToken cancellationToken, bool refresh = false)
    {
        var current = resources;
        if (current is not null && !refresh)
        {
            return current;
        }
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (resources is not null && !refresh)
            {
                return resources;
            }
            if (!refresh && client is Kubernetes kube && DiscoveryDiskCache.TryRead(kube.BaseUri) is { } saved)
            {
                // fetchedAt stays the file's: a kind it lacks is looked up again on the server (ResolveAsync).
                resources = saved.Resources;
                fetchedAt = saved.FetchedAt;
                return resources;
            }
            await FetchAndSaveAsync(cancellationToken).ConfigureAwait(false);
            return resources!;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Resolves a kind as the user typed it; refreshes once on a miss; throws KubeUnknownKind with close matches.
    /// </summary>
    public async Task<ApiResourceInfo> ResolveAsync(string kind, string? apiVersion, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var all = await GetAllAsync(cancellationToken).ConfigureAwait(false);
        var found = ResourceNameResolver.Resolve(all, kind, apiVersion);
        if (found is null)
        {
            all = await RefreshIfOlderThanAsync(started, cancellationToken).ConfigureAwait(false);
            found = ResourceNameResolver.Resolve(all, kind, apiVersion);
        }
        if (found is not null)
        {
            return found;
        }
        var suggestions = ResourceNameResolver.Suggest(all, kind);
        var message = $"The server doesn't have a resource type \"{kind}\"" + (apiVersion is null ? "" : $" in {apiVersion}") + ".";
        if (suggestions.Count > 0)
        {
            message += " Did you mean: " + string.Join(", ", suggestions) + "?";
        }
        throw new KubeException(KubeErrorKind.KubeUnknownKind, message)
        {
            Target = kind,
            RecommendedAction = "Run Get-KubeApiResource to list the kinds this cluster serves.",
        };
    }

    /// <summary>
    /// Re-reads discovery unless someone already did after <paramref name="staleBefore"/> (concurrent misses share one refresh).
    /// </summary>
    public async Task<IReadOnlyList<ApiResourceInfo>> RefreshIfOlderThanAsync(DateTime staleBefore, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (resources is not null && fetchedAt >= staleBefore)
            {
                return resources;
            }
            await FetchAndSaveAsync(cancellationToken).ConfigureAwait(false);
            return resources!;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Reads discovery from the server into the session cache and the disk cache (call under the gate).</summary>
    private async Task FetchAndSaveAsync(CancellationToken ct)
    {
        resources = await FetchAsync(ct).ConfigureAwait(false);
        fetchedAt = DateTime.UtcNow;
        if (client is Kubernetes kube)
        {
            DiscoveryDiskCache.TryWrite(kube.BaseUri, resources, fetchedAt);
        }
    }

    private async Task<IReadOnlyList<ApiResourceInfo>> FetchAsync(CancellationToken ct)
    {
        var groupVersions = new List<(string Group, string Version, bool Preferred)>();
        using (var core = await KubeRequest.GetJsonAsync(client, "/api", ct).ConfigureAwait(false))
        {
            if (core.RootElement.TryGetProperty("versions", out var versions))
            {
                var first = true;
                foreach (var v in versions.EnumerateArray())
                {
                    groupVersions.Add(("", v.GetString() ?? "v1", first));
                    first = false;
                }
            }
        }
        using (var apis = await KubeRequest.GetJsonAsync(client, "/apis", ct).ConfigureAwait(false))
        {
            if (apis.RootElement.TryGetProperty("groups", out var groups))
            {
                foreach (var g in groups.EnumerateArray())
                {
                    var name = g.GetProperty("name").GetString() ?? "";
                    var preferred = g.TryGetProperty("preferredVersion", out var pv) ? pv.GetProperty("version").GetString() : null;
                    foreach (var v in g.GetProperty("versions").EnumerateArray())
                    {
                        var version = v.GetProperty("version").GetString() ?? "";
                        groupVersions.Add((name, version, version == preferred));
                    }
                }
            }
        }
        var tasks = groupVersions.Select(gv => FetchGroupVersionAsync(gv.Group, gv.Version, gv.Preferred, ct)).ToArray();
        var lists = await Task.WhenAll(tasks).ConfigureAwait(false);
        return lists.SelectMany(l => l).ToList();
    }

    private async Task<IReadOnlyList<ApiResourceInfo>> FetchGroupVersionAsync(string group, string version, bool preferred, CancellationToken ct)
    {
        var path = group.Length == 0 ? "/api/" + version : "/apis/" + group + "/" + version;
        JsonDocument doc;
        try
        {
            doc = await KubeRequest.GetJsonAsync(client, path, ct).ConfigureAwait(false);
        }
        catch (KubeException ex) when (ex.Kind is KubeErrorKind.KubeNotFound or KubeErrorKind.KubeApiError or KubeErrorKind.KubeServerBusy)
        {
            // An aggregated API that is down must not break discovery of everything else (kubectl warns and goes on).
            return Array.Empty<ApiResourceInfo>();
        }
        using (doc)
        {
            var result = new List<ApiResourceInfo>();
            if (!doc.RootElement.TryGetProperty("resources", out var items))
            {
                return result;
            }
            foreach (var r in items.EnumerateArray())
            {
                var name = r.GetProperty("name").GetString() ?? "";
                if (name.Contains('/'))
                {
                    continue; // subresources (pods/log, deployments/scale)
                }
                result.Add(new ApiResourceInfo
                {
                    Group = group,
                    Version = version,
                    Kind = r.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "",
                    Plural = name,
                    Singular = r.TryGetProperty("singularName", out var s) && !string.IsNullOrEmpty(s.GetString()) ? s.GetString()! : (r.TryGetProperty("kind", out var k2) ? (k2.GetString() ?? "").ToLowerInvariant() : ""),
                    Namespaced = r.TryGetProperty("namespaced", out var n) && n.ValueKind == JsonValueKind.True,
                    ShortNames = Strings(r, "shortNames"),
                    Categories = Strings(r, "categories"),
                    Verbs = Strings(r, "verbs"),
                    Preferred = preferred,
                });
            }
            return result;
        }
    }

    private static IReadOnlyList<string> Strings(JsonElement e, string property)
    {
        if (!e.TryGetProperty(property, out var a) || a.ValueKind != JsonValueKind.Array)
        {
            return Array.Empty<string>();
        }
        return a.EnumerateArray().Select(x => x.GetString() ?? "").Where(x => x.Length > 0).ToArray();
    }
}
