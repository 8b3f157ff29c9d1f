using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using KubePS.Engine.Connection;
using KubePS.Engine.Discovery;
using KubePS.Commands;
using KubePS.Engine.Resources;

namespace KubePS.Completion;

/// <summary>
/// What the cluster-backed completers share: a connection from the parameters already typed, a
/// short-lived cache of names per (context, kind, namespace), and a hard time budget so that an
/// unreachable cluster never hangs or throws into the console.
/// </summary>
internal static class ClusterCompletion
{
    private static readonly ConcurrentDictionary<string, (DateTime At, IReadOnlyList<object> Items)> Lists = new();

    /// <summary>How long listed names are reused.</summary>
    public static TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest a completion may wait for the cluster.</summary>
    public static TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(3);

    public static KubeConnection? Connect(IDictionary? bound)
    {
        var request = new KubeConnectionRequest
        {
            Kubeconfig = bound?["Kubeconfig"] as string,
            Context = bound?["Context"] as string ?? KubeSession.Current.GetContext(bound?["Kubeconfig"] as string),
            ConnectTimeout = TimeSpan.FromSeconds(2),
        };
        return Run(ct => KubeConnectionFactory.ConnectAsync(request, ct));
    }

    public static string NamespaceFrom(IDictionary? bound, KubeConnection connection) =>
        bound?["Namespace"] as string ?? KubeSession.Current.GetNamespace(connection.ContextName) ?? connection.DefaultNamespace;

    public static IReadOnlyList<ApiResourceInfo>? Resources(KubeConnection connection) =>
        DiscoveryCache.For(connection.Client).Cached ?? Run(ct => DiscoveryCache.For(connection.Client).GetAllAsync(ct));

    private static readonly IReadOnlyList<ApiResourceInfo> Builtins = BuiltinResources.ByName.Values.ToList();

    /// <summary>
    /// The resource a name completion lists. A typed cmdlet's own kind, and a -Kind that names an everyday built-in
    /// kind while discovery is not cached yet, need no discovery: a cold completion is then one list request.
    /// </summary>
    public static ApiResourceInfo? Resource(KubeConnection connection, string kind, string? apiVersion, bool kindOfCommand)
    {
        if (kindOfCommand && BuiltinResources.Find(kind) is { } typed)
        {
            return typed;
        }
        var cached = DiscoveryCache.For(connection.Client).Cached;
        if (cached is null && apiVersion is null && ResourceNameResolver.Resolve(Builtins, kind) is { } builtin)
        {
            return builtin;
        }
        var resources = cached ?? Resources(connection);
        return resources is null ? null : ResourceNameResolver.Resolve(resources, kind, apiVersion);
    }

    /// <summary>Objects of a kind in a namespace, cached for <see cref="Ttl"/>.</summary>
    public static IReadOnlyList<object> List(KubeConnection connection, ApiResourceInfo resource, string? @namespace)
    {
        var key = connection.ContextName + "|" + connection.Server + "|" + resource.FullName + "|" + @namespace;
        if (Lists.TryGetValue(key, out var hit) && DateTime.UtcNow - hit.At < Ttl)
        {
            return hit.Items;
        }
        // One request: the first 2,000 objects are more than a completion menu can show.
        var items = Run(async ct =>
        {
            var query = new ResourceQuery { Resource = resource, Namespace = @namespace, PageSize = 2000 };
            var (page, _) = await ResourceReader.ReadPageAsync(connection.Client, query, null, ct).ConfigureAwait(false);
            return page;
        }) ?? Array.Empty<object>();
        Lists[key] = (DateTime.UtcNow, items);
        return items;
    }

    public static IEnumerable<CompletionResult> Complete(IEnumerable<string> values, string? wordToComplete, Func<string, string>? tip = null)
    {
        var word = (wordToComplete ?? "").Trim('\'', '"');
        return values
            .Where(v => v.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(v => v, StringComparer.OrdinalIgnoreCase)
            .Select(v => new CompletionResult(Quote(v), v, CompletionResultType.ParameterValue, tip?.Invoke(v) ?? v));
    }

    private static string Quote(string v) =>
        v.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ';' or '(' or ')' or '{' or '}' or '@' or '#' or ',' or '&' or '|')
            ? "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'"
            : v;

    private static T? Run<T>(Func<CancellationToken, Task<T>> work) where T : class
    {
        try
        {
            using var cts = new CancellationTokenSource(Budget);
            var task = Task.Run(() => work(cts.Token), cts.Token);
            return task.Wait(Budget) ? task.Result : null;
        }
        catch (Exception)
        {
            return null; // completion never throws into the console
        }
    }
}

/// <summary>Completes -Kind from discovery: plural names, short names and kinds.</summary>
public sealed class KindCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var connection = ClusterCompletion.Connect(fakeBoundParameters);
            var resources = connection is null ? null : ClusterCompletion.Resources(connection);
            if (resources is null)
            {
                return Array.Empty<CompletionResult>();
            }
            var preferred = resources.Where(r => r.Preferred).ToList();
            var names = preferred.Select(r => r.Group.Length == 0 || preferred.Count(x => x.Plural == r.Plural) == 1 ? r.Plural : r.FullName)
                .Concat(preferred.SelectMany(r => r.ShortNames))
                .Concat(preferred.Select(r => r.Kind));
            return ClusterCompletion.Complete(names, wordToComplete).ToList();
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }
    }
}

/// <summary>Completes -Namespace from the cluster's namespaces.</summary>
public sealed class NamespaceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var connection = ClusterCompletion.Connect(fakeBoundParameters);
            var ns = BuiltinResources.Find("namespaces");
            if (connection is null || ns is null)
            {
                return Array.Empty<CompletionResult>();
            }
            var names = ClusterCompletion.List(connection, ns, null).Select(ResourceFinder.NameOf).OfType<string>();
            return ClusterCompletion.Complete(names, wordToComplete).ToList();
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }
    }
}

/// <summary>
/// Completes -Name with objects of the kind given by -Kind (or by the cmdlet: Get-KubePod completes pods)
/// in the namespace already typed.
/// </summary>
public sealed class ResourceNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var given = fakeBoundParameters?["Kind"] as string;
            var kind = given ?? KindOfCommand(commandName);
            if (kind is null)
            {
                return Array.Empty<CompletionResult>();
            }
            var connection = ClusterCompletion.Connect(fakeBoundParameters);
            var resource = connection is null ? null : ClusterCompletion.Resource(connection, kind, fakeBoundParameters?["ApiVersion"] as string, kindOfCommand: given is null);
            if (connection is null || resource is null)
            {
                return Array.Empty<CompletionResult>();
            }
            var ns = resource.Namespaced ? ClusterCompletion.NamespaceFrom(fakeBoundParameters, connection) : null;
            var names = ClusterCompletion.List(connection, resource, ns).Select(ResourceFinder.NameOf).OfType<string>();
            return ClusterCompletion.Complete(names, wordToComplete, n => $"{resource.Kind} {n}" + (ns is null ? "" : $" in {ns}")).ToList();
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }
    }

    /// <summary>The kind a typed Get-Kube* cmdlet works on (Get-KubePod: pods).</summary>
    internal static string? KindOfCommand(string commandName) => TypedKinds.ForCommand(commandName);
}

/// <summary>Completes label keys (and key=value pairs) for -Selector from the objects of the kind in the namespace.</summary>
public sealed class LabelSelectorCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var given = fakeBoundParameters?["Kind"] as string;
            var kind = given ?? TypedKinds.ForCommand(commandName) ?? "pods";
            var connection = ClusterCompletion.Connect(fakeBoundParameters);
            var resource = connection is null ? null : ClusterCompletion.Resource(connection, kind, null, kindOfCommand: given is null);
            if (connection is null || resource is null)
            {
                return Array.Empty<CompletionResult>();
            }
            var ns = resource.Namespaced ? ClusterCompletion.NamespaceFrom(fakeBoundParameters, connection) : null;
            var pairs = ClusterCompletion.List(connection, resource, ns).SelectMany(LabelsOf).ToList();
            var word = (wordToComplete ?? "").Trim('\'', '"');
            var values = word.Contains('=') ? pairs.Select(kv => kv.Key + "=" + kv.Value) : pairs.Select(kv => kv.Key);
            return ClusterCompletion.Complete(values, word).ToList();
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> LabelsOf(object o) => o switch
    {
        k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> ko => ko.Metadata?.Labels ?? new Dictionary<string, string>(),
        System.Text.Json.JsonElement e when e.TryGetProperty("metadata", out var m) && m.TryGetProperty("labels", out var l) && l.ValueKind == System.Text.Json.JsonValueKind.Object
            => l.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString() ?? "")).ToList(),
        _ => Array.Empty<KeyValuePair<string, string>>(),
    };
}
