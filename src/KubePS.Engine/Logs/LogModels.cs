using System.Text.RegularExpressions;
using KubePS.Engine.Errors;

namespace KubePS.Engine.Logs;

/// <summary>One log line of one container. <see cref="ToString"/> is the line itself.</summary>
public sealed class LogLine
{
    public LogLine(string @namespace, string pod, string container, DateTimeOffset? timestamp, string line)
    {
        Namespace = @namespace;
        Pod = pod;
        Container = container;
        Timestamp = timestamp;
        Line = line;
    }

    public string Namespace { get; }
    public string Pod { get; }
    public string Container { get; }

    /// <summary>When the container wrote the line (UTC), as the kubelet recorded it.</summary>
    public DateTimeOffset? Timestamp { get; }

    public string Line { get; }

    /// <summary>Display hint: the default view shows the timestamp (-Timestamps).</summary>
    public bool ShowTimestamp { get; init; }

    /// <summary>Display hint: the default view prefixes the namespace (lines from several namespaces).</summary>
    public bool ShowNamespace { get; init; }

    /// <summary>Exact time for ordering and de-duplication (nanoseconds are kept even though DateTimeOffset has 100 ns ticks).</summary>
    internal LogTime Time { get; init; }

    public override string ToString() => Line;
}

/// <summary>Something the streamer wants the user to know that is not a line: an error about one target, a warning, a note.</summary>
public sealed record LogNotice(LogNoticeKind Kind, string Message)
{
    public KubeException? Error { get; init; }

    /// <summary>"namespace/pod" or "namespace/pod/container" the notice is about.</summary>
    public string? Target { get; init; }
}

public enum LogNoticeKind
{
    Error,
    Warning,
    Verbose,
}

/// <summary>What pods a log request reads.</summary>
public sealed record LogTarget
{
    /// <summary>The namespace, or null for all namespaces.</summary>
    public string? Namespace { get; init; }

    /// <summary>Exact pod names (each one is an error when it does not exist).</summary>
    public IReadOnlyList<string> ExactNames { get; init; } = Array.Empty<string>();

    /// <summary>A predicate over pod names (wildcards, regex) for the pods that are not named exactly; null = none.</summary>
    public Func<string, bool>? NameFilter { get; init; }

    /// <summary>A label selector (from -Selector or a workload's spec.selector).</summary>
    public string? LabelSelector { get; init; }

    /// <summary>How the target was given, for messages ("deployment/web", "app=web", "web-*").</summary>
    public string Description { get; init; } = "";

    /// <summary>True when the target selects pods without naming them (selector, workload, wildcard), so it may match none.</summary>
    public bool IsSet => NameFilter is not null || LabelSelector is not null;
}

/// <summary>Options of a multi-pod log read.</summary>
public sealed record LogRequest
{
    public IReadOnlyList<LogTarget> Targets { get; init; } = Array.Empty<LogTarget>();

    /// <summary>Container names to read (wildcard predicate); null = every container.</summary>
    public Func<string, bool>? ContainerFilter { get; init; }

    /// <summary>The -Container text, for messages.</summary>
    public string? ContainerPattern { get; init; }

    public bool Follow { get; init; }
    public long? TailLines { get; init; }
    public long? SinceSeconds { get; init; }
    public DateTimeOffset? SinceTime { get; init; }
    public bool Previous { get; init; }

    /// <summary>Display hint copied to every line: show timestamps.</summary>
    public bool Timestamps { get; init; }

    /// <summary>Display hint copied to every line: prefix the namespace.</summary>
    public bool ShowNamespace { get; init; }
    public long? LimitBytes { get; init; }

    /// <summary>Streams read at once; with -Follow, more are an error and wait for a free slot.</summary>
    public int MaxStreams { get; init; } = 50;

    /// <summary>Keep only lines matching one of these.</summary>
    public IReadOnlyList<Regex> Include { get; init; } = Array.Empty<Regex>();

    /// <summary>Drop lines matching any of these.</summary>
    public IReadOnlyList<Regex> Exclude { get; init; } = Array.Empty<Regex>();

    /// <summary>Merge lines by timestamp: all of them without -Follow, within <see cref="SortWindow"/> with it.</summary>
    public bool Sort { get; init; }

    public TimeSpan SortWindow { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Include init containers that have started.</summary>
    public bool IncludeInitContainers { get; init; } = true;

    /// <summary>First reconnect delay after a dropped stream.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Counters of a log read (for tests, -Verbose and the benchmark).</summary>
public sealed class LogStats
{
    private long lines;
    private long reconnects;
    private long duplicatesDropped;
    private long streamsOpened;

    public long Lines => Interlocked.Read(ref lines);
    public long Reconnects => Interlocked.Read(ref reconnects);
    public long DuplicatesDropped => Interlocked.Read(ref duplicatesDropped);
    public long StreamsOpened => Interlocked.Read(ref streamsOpened);

    internal void CountLine() => Interlocked.Increment(ref lines);
    internal void CountReconnect() => Interlocked.Increment(ref reconnects);
    internal void CountDuplicate() => Interlocked.Increment(ref duplicatesDropped);
    internal void CountStream() => Interlocked.Increment(ref streamsOpened);

    public override string ToString() => $"{Lines} lines, {StreamsOpened} streams opened, {Reconnects} reconnects, {DuplicatesDropped} duplicate lines dropped";
}
