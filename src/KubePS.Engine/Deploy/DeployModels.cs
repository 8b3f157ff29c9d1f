using System.Text.Json;
using KubePS.Engine.Apply;
using KubePS.Engine.Errors;
using KubePS.Engine.Wait;
using KubePS.Engine.Yaml;

namespace KubePS.Engine.Deploy;

/// <summary>Identity of one object of a deploy: (group, kind, namespace, name); namespace null for cluster-scoped kinds.</summary>
public sealed record DeployKey(string Group, string Kind, string? Namespace, string Name)
{
    /// <summary>"Deployment/shop/api" or "Namespace/shop".</summary>
    public override string ToString() => Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}

/// <summary>Where an edge of the plan comes from.</summary>
public enum DeployEdgeReason
{
    /// <summary>The <c>kubeps.io/depends-on</c> annotation or <c>dependsOn</c> in kubeps.yaml.</summary>
    Explicit,
    /// <summary>Kind order: a Namespace before what lives in it, a CRD before its custom resources, webhooks last.</summary>
    Kind,
    /// <summary>A reference found in the object (configMapRef, secretRef, volumes, serviceAccountName, imagePullSecrets, claims, Ingress backends, roleRef...).</summary>
    Reference,
}

/// <summary>What a dependent waits for: its dependency applied, or its dependency ready (its WaitFor condition met).</summary>
public enum DeployGate
{
    Applied,
    Ready,
}

/// <summary>One edge: <see cref="DeployNode"/> depends on <see cref="Dependency"/>.</summary>
public sealed record DeployEdge(DeployNode Dependency, DeployEdgeReason Reason, DeployGate Gate, string Detail)
{
    public override string ToString() => $"{Dependency.Key} ({Reason.ToString().ToLowerInvariant()}{(Gate == DeployGate.Ready ? ", ready" : "")}: {Detail})";
}

/// <summary>A verdict of a pre-write hook (policy) about one object.</summary>
public enum DeployVerdictSeverity
{
    /// <summary>Informational; nothing changes.</summary>
    Allow,
    /// <summary>A warning; the deploy goes ahead.</summary>
    Warn,
    /// <summary>The hook changed the object (the change is in the plan and the dry-run diff).</summary>
    Mutate,
    /// <summary>The object must not be sent: the deploy fails validation and nothing is applied.</summary>
    Deny,
}

/// <summary>One verdict of one hook rule about one object (or about the whole deploy when <see cref="Target"/> is null).</summary>
public sealed record DeployVerdict
{
    public required string Hook { get; init; }
    public required string Rule { get; init; }
    public required DeployVerdictSeverity Severity { get; init; }
    public required string Message { get; init; }
    /// <summary>The document the verdict is about, or null for the whole deploy.</summary>
    public ManifestDocument? Target { get; init; }
    /// <summary>Path in the object (spec.template.spec.containers[0].image), when the rule points at one field.</summary>
    public string? Path { get; init; }
    public override string ToString() => $"{Severity} {Hook}/{Rule}: {Message}";
}

/// <summary>One node of the plan: an object to apply, what it waits for, and what it depends on.</summary>
public sealed class DeployNode
{
    public required DeployKey Key { get; init; }
    public required PlannedObject Object { get; init; }
    public ManifestDocument Document => Object.Document;
    /// <summary>Edges to the nodes this one depends on (one per dependency, the strongest reason and gate kept).</summary>
    public List<DeployEdge> DependsOn { get; } = new();
    /// <summary>Nodes that depend on this one.</summary>
    public List<DeployNode> Dependents { get; } = new();
    /// <summary>0 for nodes without dependencies; otherwise 1 + the highest level of a dependency.</summary>
    public int Level { get; set; }
    /// <summary>Position in a topological order (for reverse-order deletes).</summary>
    public int Order { get; set; }
    /// <summary>What "ready" means for this node; null = applied is enough.</summary>
    public WaitCondition? WaitFor { get; set; }
    /// <summary>Where <see cref="WaitFor"/> came from (kind default, annotation, kubeps.yaml, a dependent's gate).</summary>
    public string? WaitForSource { get; set; }
    /// <summary>From the server dry run (or "Create" when it could not be validated yet): Created, Configured, Unchanged.</summary>
    public KubeChangeAction? Change { get; set; }
    /// <summary>Fields the apply would change (from the dry run against the live object), when computed.</summary>
    public IReadOnlyList<string> ChangedPaths { get; set; } = Array.Empty<string>();
    /// <summary>Why the server could not validate the object before the deploy (its namespace or CRD comes with it), or null.</summary>
    public string? NotValidated => Object.Deferred;
    public List<DeployVerdict> Verdicts { get; } = new();
    public override string ToString() => Key.ToString();
}

/// <summary>A problem found while planning: nothing is applied when a plan has any.</summary>
public sealed record DeployProblem(KubeException Error, ManifestDocument? Document)
{
    public override string ToString() => Error.Message;
}

/// <summary>The plan: nodes in topological order, problems, hook verdicts, and the application it belongs to.</summary>
public sealed class DeployPlan
{
    public required DeployApplication Application { get; init; }
    /// <summary>Namespace of the inventory ConfigMap.</summary>
    public required string InventoryNamespace { get; init; }
    public List<DeployNode> Nodes { get; } = new();
    public List<DeployProblem> Problems { get; } = new();
    public List<DeployVerdict> Verdicts { get; } = new();
    public bool IsValid => Problems.Count == 0;
    public int Levels => Nodes.Count == 0 ? 0 : Nodes.Max(n => n.Level) + 1;
    public int EdgeCount => Nodes.Sum(n => n.DependsOn.Count);
}

/// <summary>How one node ended.</summary>
public enum DeployNodeState
{
    Pending,
    /// <summary>Applied; its readiness was not required.</summary>
    Applied,
    /// <summary>Applied and its WaitFor condition met.</summary>
    Ready,
    Failed,
    /// <summary>Not applied because a dependency failed (or -FailFast, the timeout or cancellation stopped the deploy first).</summary>
    Skipped,
    /// <summary>Applied, but not ready before the deploy's timeout.</summary>
    TimedOut,
}

/// <summary>The outcome of one node with its timings (from the start of the execution).</summary>
public sealed class DeployNodeResult
{
    public required DeployNode Node { get; init; }
    public DeployNodeState State { get; set; } = DeployNodeState.Pending;
    /// <summary>What the apply did: Created, Configured, Unchanged (null when not applied).</summary>
    public KubeChangeAction? Action { get; set; }
    public TimeSpan? Started { get; set; }
    public TimeSpan? AppliedAt { get; set; }
    public TimeSpan? ReadyAt { get; set; }
    /// <summary>Failure, skip or timeout reason.</summary>
    public string? Reason { get; set; }
    public KubeException? Error { get; set; }
    /// <summary>Requests retried for this node (429/5xx).</summary>
    public int Retries { get; set; }
    /// <summary>When the node finished (ready, or applied when readiness was not required).</summary>
    public TimeSpan? FinishedAt => ReadyAt ?? AppliedAt;
    /// <summary>From the start of its apply to its end.</summary>
    public TimeSpan? Duration => Started is { } s && FinishedAt is { } f ? f - s : null;
    public bool WasApplied => AppliedAt is not null;
    public override string ToString() => $"{Node.Key} {State}";
}

/// <summary>What a deploy did.</summary>
public sealed class DeployResult
{
    public required DeployPlan Plan { get; init; }
    public required IReadOnlyList<DeployNodeResult> Nodes { get; init; }
    public TimeSpan Elapsed { get; set; }
    /// <summary>The chain of nodes that decided the end time: each gated by the previous one.</summary>
    public IReadOnlyList<DeployNodeResult> CriticalPath { get; set; } = Array.Empty<DeployNodeResult>();
    /// <summary>The critical path's length: when its last node finished.</summary>
    public TimeSpan CriticalPathTime => CriticalPath.Count == 0 ? TimeSpan.Zero : CriticalPath[^1].FinishedAt ?? TimeSpan.Zero;
    public bool TimedOut { get; set; }
    public bool Cancelled { get; set; }
    public bool StoppedByFailFast { get; set; }
    /// <summary>Objects deleted by -Prune.</summary>
    public List<DeployInventoryEntry> Pruned { get; } = new();
    /// <summary>Problems outside single nodes (the inventory could not be written, a prune failed).</summary>
    public List<KubeException> Errors { get; } = new();
    public int Retries => Nodes.Sum(n => n.Retries);
    public bool Succeeded => !Cancelled && !TimedOut && Errors.Count == 0 && Nodes.All(n => n.State is DeployNodeState.Ready or DeployNodeState.Applied);
}

/// <summary>Options of an execution.</summary>
public sealed record DeployOptions
{
    /// <summary>Applies in flight at once (waits for readiness do not take a slot).</summary>
    public int Concurrency { get; init; } = 8;
    /// <summary>The whole deploy (applies and waits).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Stop everything at the first failure instead of finishing the independent branches.</summary>
    public bool FailFast { get; init; }
    /// <summary>Delete the application's objects that are no longer in the set (after a successful deploy).</summary>
    public bool Prune { get; init; }
    public string FieldManager { get; init; } = "kubeps";
    /// <summary>Take ownership of fields other managers own.</summary>
    public bool Force { get; init; }
    /// <summary>Retries of one request on 429/5xx/connection errors.</summary>
    public int MaxRetries { get; init; } = 8;
    /// <summary>First retry delay (doubled each time, at most 5 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Called (from any thread) on every node event.</summary>
    public Action<DeployEvent>? OnEvent { get; init; }
}

/// <summary>A node event during execution, for progress and per-node lines.</summary>
public sealed record DeployEvent(DeployNodeResult Node, DeployNodeState State, string Message, int Done, int Total, TimeSpan Elapsed);

/// <summary>One object recorded in an application's inventory.</summary>
public sealed record DeployInventoryEntry(string ApiVersion, string Kind, string? Namespace, string Name, int Level)
{
    public string Group => ApiVersion.Contains('/') ? ApiVersion[..ApiVersion.IndexOf('/')] : "";
    public override string ToString() => Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}
