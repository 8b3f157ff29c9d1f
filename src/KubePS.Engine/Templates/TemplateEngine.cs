using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;

namespace KubePS.Engine.Templates;

/// <summary>The outcome of rendering an application: documents, per-template errors, and what it was rendered with.</summary>
public sealed class TemplateRenderResult
{
    public required TemplateApplication Application { get; init; }
    public string? Environment { get; init; }
    public required string Namespace { get; init; }
    public required JsonObject Values { get; init; }
    public required SecretRedactor Redactor { get; init; }
    public List<RenderedTemplate> Templates { get; } = new();
    public List<ManifestDocument> Documents { get; } = new();
    /// <summary>One per template that failed (syntax, required value, render, invalid YAML); empty when all rendered.</summary>
    public List<KubeException> Errors { get; } = new();
    public TimeSpan Elapsed { get; set; }
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>Renders every template of an application with its merged values.</summary>
public static class TemplateEngine
{
    /// <summary>Kinds that have no namespace: a namespace is not filled in for them.</summary>
    private static readonly HashSet<string> ClusterScoped = new(StringComparer.Ordinal)
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass",
        "PriorityClass", "IngressClass", "RuntimeClass", "CSIDriver", "CSINode", "VolumeAttachment", "APIService",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
        "PodSecurityPolicy", "ComponentStatus", "CertificateSigningRequest", "FlowSchema", "PriorityLevelConfiguration",
    };

    /// <summary>
    /// Merges the values (errors about values, environments or -Set throw: nothing can render), then renders each
    /// template; a template's error is collected and the others still render, so one run reports them all.
    /// Namespaced documents without a namespace get the target namespace when the environment or -Namespace names one.
    /// </summary>
    public static TemplateRenderResult Render(TemplateApplication app, TemplateInputs inputs, string fallbackNamespace, TemplateLimits? limits = null, CancellationToken cancellationToken = default)
    {
        var sw = Stopwatch.StartNew();
        var (values, redactor) = app.ResolveValues(inputs);
        var ns = app.TargetNamespace(inputs, fallbackNamespace);
        var fillNamespace = inputs.Namespace is not null || app.EnvironmentNamespace(inputs.Environment) is not null;
        var (templates, partialFiles) = app.Files();
        var partials = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in partialFiles)
        {
            var text = File.ReadAllText(p);
            var name = Path.GetFileName(p);
            partials[name] = text;
            partials.TryAdd(Path.GetFileNameWithoutExtension(name), text);
            partials.TryAdd(Path.GetFileNameWithoutExtension(name).TrimStart('_'), text);
        }
        var scope = new TemplateScope { Environment = inputs.Environment, Namespace = ns, Application = app.Name, Partials = partials };
        var result = new TemplateRenderResult { Application = app, Environment = inputs.Environment, Namespace = ns, Values = values, Redactor = redactor };
        foreach (var file in templates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var rendered = TemplateRenderer.RenderFile(file, values, scope, limits, redactor, cancellationToken);
                result.Templates.Add(rendered);
                foreach (var doc in rendered.Documents)
                {
                    if (fillNamespace && doc.Kind is { } kind && !ClusterScoped.Contains(kind) && doc.Object["metadata"] is JsonObject meta && meta["namespace"] is null)
                    {
                        meta["namespace"] = ns;
                    }
                    result.Documents.Add(doc);
                }
            }
            catch (KubeException ex)
            {
                result.Errors.Add(ex);
            }
        }
        result.Elapsed = sw.Elapsed;
        return result;
    }

    /// <summary>The identity of a rendered object: apiVersion/kind/namespace/name.</summary>
    public static string Key(ManifestDocument doc) =>
        $"{doc.ApiVersion}/{doc.Kind}/{doc.Namespace ?? ""}/{doc.Name ?? $"#{doc.Source}:{doc.Index}"}";

    /// <summary>A hash of an object's content (key order does not matter).</summary>
    public static string ContentHash(JsonNode? node)
    {
        var sb = new StringBuilder();
        Canonical(node, sb);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private static void Canonical(JsonNode? node, StringBuilder sb)
    {
        switch (node)
        {
            case JsonObject o:
                sb.Append('{');
                foreach (var (k, v) in o.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    sb.Append(System.Text.Json.JsonSerializer.Serialize(k)).Append(':');
                    Canonical(v, sb);
                    sb.Append(',');
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                foreach (var v in a)
                {
                    Canonical(v, sb);
                    sb.Append(',');
                }
                sb.Append(']');
                break;
            case null:
                sb.Append("null");
                break;
            default:
                sb.Append(node.ToJsonString());
                break;
        }
    }
}

/// <summary>What changed between two renders of an application, object by object (for hot reload).</summary>
public sealed record TemplateChangeSet(
    IReadOnlyList<ManifestDocument> Added,
    IReadOnlyList<ManifestDocument> Changed,
    IReadOnlyList<string> Removed,
    int Unchanged)
{
    /// <summary>The documents to apply again: added and changed.</summary>
    public IReadOnlyList<ManifestDocument> ToApply => Added.Concat(Changed).ToList();

    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Removed.Count == 0;

    public override string ToString() => $"{Added.Count} added, {Changed.Count} changed, {Removed.Count} removed, {Unchanged} unchanged";
}

/// <summary>
/// Remembers the content hash of every rendered object; <see cref="Compare"/> tells which objects of a new render
/// differ. <see cref="Accept"/> records a render once it is applied (a failed apply is not accepted, so its objects
/// count as changed next time).
/// </summary>
public sealed class TemplateChangeTracker
{
    private Dictionary<string, string> _hashes = new(StringComparer.Ordinal);

    public int Count => _hashes.Count;

    public TemplateChangeSet Compare(IReadOnlyList<ManifestDocument> documents)
    {
        var added = new List<ManifestDocument>();
        var changed = new List<ManifestDocument>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unchanged = 0;
        foreach (var doc in documents)
        {
            var key = TemplateEngine.Key(doc);
            seen.Add(key);
            var hash = TemplateEngine.ContentHash(doc.Object);
            if (!_hashes.TryGetValue(key, out var old))
            {
                added.Add(doc);
            }
            else if (old != hash)
            {
                changed.Add(doc);
            }
            else
            {
                unchanged++;
            }
        }
        var removed = _hashes.Keys.Where(k => !seen.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        return new TemplateChangeSet(added, changed, removed, unchanged);
    }

    /// <summary>Records the documents as the cluster's state.</summary>
    public void Accept(IReadOnlyList<ManifestDocument> documents) =>
        _hashes = documents.GroupBy(TemplateEngine.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => TemplateEngine.ContentHash(g.Last().Object), StringComparer.Ordinal);

    /// <summary>Records some documents (the ones applied) without forgetting the others.</summary>
    public void AcceptSome(IEnumerable<ManifestDocument> documents)
    {
        foreach (var d in documents)
        {
            _hashes[TemplateEngine.Key(d)] = TemplateEngine.ContentHash(d.Object);
        }
    }
}
