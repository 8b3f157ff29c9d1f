using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;

namespace KubePS.Engine.Apply;

/// <summary>What a change did (or, in a dry run, would do) to one object.</summary>
public enum KubeChangeAction
{
    Created,
    Configured,
    Unchanged,
    Deleted,
    Scaled,
    Restarted,
    Labeled,
    Annotated,
    ImageUpdated,
}

/// <summary>
/// The result of one change to one object: apply, delete, scale, restart, label, annotate, set image.
/// In a dry run (<see cref="DryRun"/>), what the server answered for dryRun=All: nothing was stored.
/// </summary>
public sealed class KubeChangeResult
{
    public required string Kind { get; init; }
    public string ApiVersion { get; init; } = "";
    public string? Namespace { get; init; }
    public required string Name { get; init; }
    public KubeChangeAction Action { get; init; }
    /// <summary>True when the request was sent with dryRun=All (-WhatIf, -ServerDryRun): the cluster did not change.</summary>
    public bool DryRun { get; init; }
    /// <summary>The object the server returned (the live object after the change, or the dry-run result): a typed model or a JsonElement.</summary>
    public object? Object { get; init; }
    /// <summary>Where the manifest came from (file, document, line), for apply; empty otherwise.</summary>
    public string Source { get; init; } = "";
    /// <summary>A note from the engine (a deferred validation, an old value), or null.</summary>
    public string? Message { get; init; }

    public override string ToString() => $"{Kind}/{Name} {Action}{(DryRun ? " (dry run)" : "")}";
}

/// <summary>A failure about one manifest document.</summary>
public sealed record ManifestFailure(ManifestDocument Document, KubeException Error);

/// <summary>Options of <see cref="ApplyEngine"/>.</summary>
public sealed record ApplyOptions
{
    /// <summary>The field manager recorded in managedFields (kubectl uses "kubectl").</summary>
    public string FieldManager { get; init; } = "kubeps";
    /// <summary>Take ownership of fields other managers own (force=true).</summary>
    public bool Force { get; init; }
    /// <summary>Only the dry-run phase: nothing is stored, results carry DryRun.</summary>
    public bool DryRun { get; init; }
    /// <summary>Apply the valid documents even when others failed validation.</summary>
    public bool ContinueOnError { get; init; }
    /// <summary>Create namespaces that the documents live in when they do not exist.</summary>
    public bool CreateNamespace { get; init; }
    /// <summary>Namespace for namespaced documents without metadata.namespace.</summary>
    public string DefaultNamespace { get; init; } = "default";
    /// <summary>Requests in flight at once (bounded parallelism).</summary>
    public int Concurrency { get; init; } = 16;
    /// <summary>How long to wait for a CRD applied in the same batch to be served.</summary>
    public TimeSpan CrdWaitTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
