using System.Text.Json;
using KubePS.Engine.Discovery;

namespace KubePS.Engine.Wait;

/// <summary>
/// One thing to wait for: an object by name, or every object of a kind matching a label selector
/// (<see cref="Name"/> null), in a namespace (ignored for cluster-scoped kinds).
/// </summary>
public sealed record WaitTarget
{
    /// <summary>The kind as kubectl accepts it (Deployment, deploy, widgets.example.com).</summary>
    public required string Kind { get; init; }

    /// <summary>Restricts the kind to one API version (apps/v1); null = the preferred one.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>Namespace (null = the engine's default namespace); ignored for cluster-scoped kinds.</summary>
    public string? Namespace { get; init; }

    /// <summary>Object name; null waits on every object matching <see cref="LabelSelector"/> (or every object of the kind).</summary>
    public string? Name { get; init; }

    /// <summary>For a null <see cref="Name"/>: a label selector.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>What to wait for (default Ready).</summary>
    public WaitCondition Condition { get; init; } = WaitCondition.Ready;

    /// <summary>Anything the caller wants back on the result (the piped object, a manifest document).</summary>
    public object? Tag { get; init; }

    public override string ToString() => $"{Kind} " + (Namespace is null ? "" : Namespace + "/") + (Name ?? (string.IsNullOrEmpty(LabelSelector) ? "*" : "-l " + LabelSelector));
}

/// <summary>Options of one wait.</summary>
public sealed record WaitOptions
{
    /// <summary>Overall timeout (default 5 minutes). Must not be negative.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>End the wait as soon as one target fails (default true); false waits through failures until the timeout.</summary>
    public bool FailFast { get; init; } = true;

    /// <summary>The namespace for targets that name none.</summary>
    public string DefaultNamespace { get; init; } = "default";

    /// <summary>
    /// An extra test over the live object (the -Until scriptblock), called after the condition is met and whenever the
    /// object changes; the target is satisfied when it returns true. Called from the engine's single loop, never concurrently.
    /// </summary>
    public Func<JsonElement, CancellationToken, Task<bool>>? Until { get; init; }

    /// <summary>Progress reports (at most every <see cref="ProgressInterval"/>, and once at the end).</summary>
    public Action<WaitProgress>? Progress { get; init; }

    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>How one target's wait ended.</summary>
public enum WaitOutcome
{
    Satisfied,
    Failed,
    TimedOut,
    /// <summary>The wait stopped before this target finished because another target failed (fail-fast).</summary>
    Abandoned,
}

/// <summary>One result per target (per matching object for selector targets).</summary>
public sealed record WaitResult
{
    public required string Kind { get; init; }
    public required string ApiVersion { get; init; }
    public string? Namespace { get; init; }
    public required string Name { get; init; }
    public required WaitOutcome Outcome { get; init; }
    public required ResourceState Status { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
    /// <summary>Pods at fault, when the failure was found on pods.</summary>
    public IReadOnlyList<string> Pods { get; init; } = Array.Empty<string>();
    public required string Condition { get; init; }
    /// <summary>From the start of the wait to this target's outcome.</summary>
    public TimeSpan Elapsed { get; init; }
    /// <summary>The final object (null when it does not exist).</summary>
    public JsonElement? Object { get; init; }
    public required ApiResourceInfo Resource { get; init; }
    public required WaitTarget Target { get; init; }
}

/// <summary>Everything a wait produced.</summary>
public sealed record WaitReport
{
    public required IReadOnlyList<WaitResult> Results { get; init; }
    public TimeSpan Elapsed { get; init; }
    /// <summary>API requests made by the watches of this wait (lists, watch requests, polls; discovery excluded).</summary>
    public long Requests { get; init; }
    /// <summary>Watch streams opened.</summary>
    public long WatchesOpened { get; init; }
    /// <summary>Distinct shared watchers used.</summary>
    public int Watchers { get; init; }
    public bool TimedOut => Results.Any(r => r.Outcome == WaitOutcome.TimedOut);
    public bool Failed => Results.Any(r => r.Outcome == WaitOutcome.Failed);
    public bool Succeeded => Results.All(r => r.Outcome == WaitOutcome.Satisfied);
}

/// <summary>A progress snapshot: how many targets are done, and the slowest one still pending (or the last to finish).</summary>
public sealed record WaitProgress(int Done, int Total, string? Slowest, string? SlowestStatus, TimeSpan Elapsed, bool Completed);
