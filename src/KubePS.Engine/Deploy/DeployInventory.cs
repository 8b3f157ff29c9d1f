using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using KubePS.Engine.Apply;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;
using KubePS.Engine.Resources;

namespace KubePS.Engine.Deploy;

/// <summary>
/// The record of what an application deployed: a ConfigMap <c>kubeps-app-&lt;name&gt;</c> (label
/// <c>kubeps.io/inventory=&lt;name&gt;</c>) whose <c>objects</c> key lists apiVersion, kind, namespace, name and
/// level of every object. Written before the first apply (old entries kept), replaced after a prune. Prune and
/// uninstall delete in reverse level order, only objects that still carry the application's label.
/// </summary>
public sealed class DeployInventory(IKubernetes client, string application, string @namespace, int maxRetries = 8)
{
    public string Application { get; } = application;
    public string Namespace { get; } = @namespace;
    public string ConfigMapName => NameFor(Application);

    public static string NameFor(string application) => "kubeps-app-" + application;

    private string Path => $"/api/v1/namespaces/{Uri.EscapeDataString(Namespace)}/configmaps/{Uri.EscapeDataString(ConfigMapName)}";

    /// <summary>The recorded entries; empty when there is no inventory (or its namespace does not exist).</summary>
    public async Task<List<DeployInventoryEntry>> ReadAsync(CancellationToken cancellationToken) =>
        (await ReadWithStatusAsync(cancellationToken).ConfigureAwait(false)).Entries;

    /// <summary>The entries and whether the inventory exists.</summary>
    public async Task<(bool Exists, List<DeployInventoryEntry> Entries)> ReadWithStatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var doc = await DeployRetry.RunAsync(ct => KubeRequest.GetJsonAsync(client, Path, ct), maxRetries, TimeSpan.FromMilliseconds(200), null, cancellationToken).ConfigureAwait(false);
            if (doc.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("objects", out var objects) && objects.GetString() is { } text)
            {
                var list = JsonSerializer.Deserialize<List<Entry>>(text) ?? new();
                return (true, list.Select(e => new DeployInventoryEntry(e.apiVersion ?? "v1", e.kind ?? "", e.@namespace, e.name ?? "", e.level)).ToList());
            }
            return (true, new List<DeployInventoryEntry>());
        }
        catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeNotFound)
        {
            return (false, new List<DeployInventoryEntry>());
        }
    }

    /// <summary>Writes the inventory (server-side apply). Returns false when its namespace does not exist yet (unless <paramref name="throwOnError"/>).</summary>
    public async Task<bool> TryWriteAsync(IReadOnlyList<DeployInventoryEntry> entries, string status, CancellationToken cancellationToken, bool throwOnError = false)
    {
        var list = new JsonArray();
        foreach (var e in entries.OrderBy(e => e.Level).ThenBy(e => e.ToString(), StringComparer.Ordinal))
        {
            var o = new JsonObject { ["apiVersion"] = e.ApiVersion, ["kind"] = e.Kind, ["name"] = e.Name, ["level"] = e.Level };
            if (e.Namespace is not null)
            {
                o["namespace"] = e.Namespace;
            }
            list.Add(o);
        }
        var body = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject
            {
                ["name"] = ConfigMapName,
                ["namespace"] = Namespace,
                ["labels"] = new JsonObject { [DeployApplication.InventoryLabel] = Application, ["app.kubernetes.io/managed-by"] = "kubeps" },
            },
            ["data"] = new JsonObject
            {
                ["application"] = Application,
                ["status"] = status,
                ["updated"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                ["objects"] = list.ToJsonString(),
            },
        };
        try
        {
            await DeployRetry.RunAsync(async ct =>
            {
                using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(ApplyEngine.ApplyPatchContentType);
                using var _ = await KubeRequest.SendAsync(client, HttpMethod.Patch, Path + "?fieldManager=kubeps-inventory&force=true", ct, content).ConfigureAwait(false);
            }, maxRetries, TimeSpan.FromMilliseconds(200), null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeNotFound && !throwOnError)
        {
            return false;
        }
    }

    /// <summary>Deletes the inventory ConfigMap (gone already is fine).</summary>
    public async Task DeleteInventoryAsync(CancellationToken cancellationToken)
    {
        try
        {
            await DeployRetry.RunAsync(async ct =>
            {
                using var _ = await KubeRequest.SendAsync(client, HttpMethod.Delete, Path, ct).ConfigureAwait(false);
            }, maxRetries, TimeSpan.FromMilliseconds(200), null, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeNotFound)
        {
        }
    }

    /// <summary>
    /// Deletes <paramref name="entries"/> in reverse level order (a level in parallel, and with <paramref name="wait"/>
    /// gone before the next). Objects no longer labelled with the application are left alone (reported to
    /// <paramref name="onError"/>); objects already gone count as deleted. Returns the entries deleted.
    /// </summary>
    public async Task<List<DeployInventoryEntry>> DeleteAsync(IReadOnlyList<DeployInventoryEntry> entries, bool wait, TimeSpan timeout, Action<KubeException> onError, CancellationToken cancellationToken, bool dryRun = false)
    {
        var deleted = new ConcurrentBag<DeployInventoryEntry>();
        var cache = DiscoveryCache.For(client);
        var deadline = DateTime.UtcNow + timeout;
        foreach (var level in entries.GroupBy(e => e.Level).OrderByDescending(g => g.Key))
        {
            await Parallel.ForEachAsync(level, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (e, ct) =>
            {
                try
                {
                    var resource = await DeployRetry.RunAsync(c => cache.ResolveAsync(e.Kind, e.ApiVersion, c), maxRetries, TimeSpan.FromMilliseconds(200), null, ct).ConfigureAwait(false);
                    var ns = resource.Namespaced ? e.Namespace : null;
                    JsonElement live;
                    try
                    {
                        live = await DeployRetry.RunAsync(c => ResourceChanges.GetAsync(client, resource, ns, e.Name, c), maxRetries, TimeSpan.FromMilliseconds(200), null, ct).ConfigureAwait(false);
                    }
                    catch (KubeException nf) when (nf.Kind == KubeErrorKind.KubeNotFound)
                    {
                        deleted.Add(e);
                        return;
                    }
                    var owner = live.TryGetProperty("metadata", out var m) && m.TryGetProperty("labels", out var l) && l.TryGetProperty(DeployApplication.ApplicationLabel, out var a) ? a.GetString() : null;
                    if (owner != Application)
                    {
                        onError(new KubeException(KubeErrorKind.KubeConflict, $"{e} is not deleted: it no longer carries {DeployApplication.ApplicationLabel}={Application} (it has \"{owner}\").") { Target = e.ToString() });
                        return;
                    }
                    try
                    {
                        await DeployRetry.RunAsync(c => ResourceChanges.DeleteAsync(client, resource, ns, e.Name, new DeleteOptions { Propagation = "Background", DryRun = dryRun }, c), maxRetries, TimeSpan.FromMilliseconds(200), null, ct).ConfigureAwait(false);
                    }
                    catch (KubeException nf) when (nf.Kind == KubeErrorKind.KubeNotFound)
                    {
                    }
                    if (wait && !dryRun)
                    {
                        var left = deadline - DateTime.UtcNow;
                        await ResourceChanges.WaitDeletedAsync(client, resource, ns, e.Name, left > TimeSpan.Zero ? left : TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                    }
                    deleted.Add(e);
                }
                catch (KubeException ex)
                {
                    onError(ex);
                }
            }).ConfigureAwait(false);
        }
        return deleted.OrderByDescending(e => e.Level).ThenBy(e => e.ToString(), StringComparer.Ordinal).ToList();
    }

    public static List<DeployInventoryEntry> EntriesOf(DeployPlan plan) =>
        plan.Nodes.Select(n => new DeployInventoryEntry(n.Object.ApiVersion, n.Key.Kind, n.Key.Namespace, n.Key.Name, n.Level)).ToList();

    /// <summary>The plan's entries plus the previous ones that are not in it (they stay recorded until pruned).</summary>
    public static List<DeployInventoryEntry> Merge(DeployPlan plan, IReadOnlyList<DeployInventoryEntry> previous)
    {
        var current = EntriesOf(plan);
        current.AddRange(previous.Where(p => !current.Any(c => SameObject(c, p))));
        return current;
    }

    public static bool SameObject(DeployInventoryEntry a, DeployInventoryEntry b) =>
        a.Kind == b.Kind && a.Group == b.Group && a.Namespace == b.Namespace && a.Name == b.Name;

    private sealed class Entry
    {
        public string? apiVersion { get; set; }
        public string? kind { get; set; }
        public string? @namespace { get; set; }
        public string? name { get; set; }
        public int level { get; set; }
    }
}
