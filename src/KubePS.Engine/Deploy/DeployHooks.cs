using KubePS.Engine.Apply;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;

namespace KubePS.Engine.Deploy;

/// <summary>
/// Where a deploy's documents come from. Files and piped objects are built in; the templates feature
/// (issue 9) adds a source that renders templates with values and returns the rendered documents. A source
/// must not touch the cluster's objects: it runs before validation.
/// </summary>
public interface IDeployDocumentSource
{
    /// <summary>Shown in plans and errors ("docs/examples/shop/manifests", "templates of app (env prod)").</summary>
    string Description { get; }

    /// <summary>
    /// Reads the documents. Problems that concern one file or document go into <paramref name="errors"/> (the deploy
    /// then fails validation: nothing is applied); throw only when the source as a whole cannot be read.
    /// </summary>
    Task<IReadOnlyList<ManifestDocument>> ReadAsync(DeploySourceContext context, List<KubeException> errors, CancellationToken cancellationToken);
}

/// <summary>What a document source knows about the deploy it feeds.</summary>
public sealed record DeploySourceContext(DeployApplication Application, string DefaultNamespace)
{
    /// <summary>The environment asked for (-Environment), for sources that render per environment; null when none.</summary>
    public string? Environment { get; init; }
    /// <summary>Values a caller passed to the sources (-Set, -Values); free-form for the source to interpret.</summary>
    public IReadOnlyDictionary<string, object?> Values { get; init; } = new Dictionary<string, object?>();
}

/// <summary>
/// A source kind of kubeps.yaml's <c>sources:</c> list: an entry <c>- &lt;key&gt;: &lt;value&gt;</c> is handed to
/// the factory registered under that key. <c>path</c> is built in; issue 9 registers <c>templates</c>.
/// </summary>
public static class DeploySourceRegistry
{
    private static readonly Dictionary<string, Func<string, DeployApplication, IDeployDocumentSource>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["path"] = (value, app) => new FileDocumentSource(new[] { app.ResolvePath(value) }, recurse: true),
    };
    private static readonly object Gate = new();

    /// <summary>Registers (or replaces) the factory for a kubeps.yaml source key.</summary>
    public static void Register(string key, Func<string, DeployApplication, IDeployDocumentSource> factory)
    {
        lock (Gate)
        {
            Factories[key] = factory;
        }
    }

    public static IReadOnlyCollection<string> Keys
    {
        get
        {
            lock (Gate)
            {
                return Factories.Keys.ToList();
            }
        }
    }

    public static IDeployDocumentSource? Create(string key, string value, DeployApplication app)
    {
        lock (Gate)
        {
            return Factories.TryGetValue(key, out var f) ? f(value, app) : null;
        }
    }
}

/// <summary>Manifests from files, directories (kubeps.yaml itself is skipped) and globs.</summary>
public sealed class FileDocumentSource(IReadOnlyList<string> paths, bool recurse) : IDeployDocumentSource
{
    public IReadOnlyList<string> Paths { get; } = paths;
    public string Description => string.Join(", ", Paths);

    public Task<IReadOnlyList<ManifestDocument>> ReadAsync(DeploySourceContext context, List<KubeException> errors, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        foreach (var p in Paths)
        {
            try
            {
                files.AddRange(ManifestCollector.ExpandPath(p, recurse).Where(f => !DeployApplication.IsApplicationFile(f)));
            }
            catch (KubeException ex)
            {
                errors.Add(ex);
            }
        }
        var (docs, readErrors) = ManifestCollector.ReadFiles(files);
        errors.AddRange(readErrors);
        return Task.FromResult<IReadOnlyList<ManifestDocument>>(docs);
    }
}

/// <summary>Documents the caller already has (piped objects).</summary>
public sealed class ObjectDocumentSource(IReadOnlyList<ManifestDocument> documents, string description = "input objects") : IDeployDocumentSource
{
    public string Description { get; } = description;
    public Task<IReadOnlyList<ManifestDocument>> ReadAsync(DeploySourceContext context, List<KubeException> errors, CancellationToken cancellationToken) =>
        Task.FromResult(documents);
}

/// <summary>
/// A check that runs on every document after the documents are read and labelled, and before anything reaches the
/// server (even the dry run). The policy feature (issue 10) implements it: it may deny (the deploy fails validation,
/// nothing is sent), warn, or mutate the documents in place (<see cref="DeployHookContext.Documents"/> are the objects
/// that will be sent; the mutation then shows in the plan's dry-run diff). Verdicts are kept in the plan, per node.
/// </summary>
public interface IDeployPreWriteHook
{
    string Name { get; }

    Task<IReadOnlyList<DeployVerdict>> EvaluateAsync(DeployHookContext context, CancellationToken cancellationToken);
}

/// <summary>What a pre-write hook sees.</summary>
public sealed record DeployHookContext(DeployApplication Application, IReadOnlyList<ManifestDocument> Documents, string DefaultNamespace)
{
    /// <summary>The kubeconfig context and server the deploy targets (for per-context rules and audit).</summary>
    public string? ContextName { get; init; }
    public string? Server { get; init; }
    /// <summary>True when planning only (-WhatIf, Get-KubeDeployPlan).</summary>
    public bool PlanOnly { get; init; }
}

/// <summary>
/// Hooks every deploy runs, besides the ones passed in the request: the policy feature registers its enforcement
/// here once at import (or per call through <see cref="DeployRequest.Hooks"/>).
/// </summary>
public static class DeployHookRegistry
{
    private static readonly List<IDeployPreWriteHook> Hooks = new();
    private static readonly object Gate = new();

    public static void Register(IDeployPreWriteHook hook)
    {
        lock (Gate)
        {
            Hooks.RemoveAll(h => h.Name == hook.Name);
            Hooks.Add(hook);
        }
    }

    public static void Unregister(string name)
    {
        lock (Gate)
        {
            Hooks.RemoveAll(h => h.Name == name);
        }
    }

    public static IReadOnlyList<IDeployPreWriteHook> All
    {
        get
        {
            lock (Gate)
            {
                return Hooks.ToList();
            }
        }
    }
}
