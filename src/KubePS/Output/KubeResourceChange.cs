using System.Management.Automation;

namespace KubePS.Output;

/// <summary>What happened to an object in a watch.</summary>
public enum KubeChangeType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>One change seen by Watch-KubeResource: the type, the object (for Deleted, its last state) and when it was seen.</summary>
public sealed class KubeResourceChange
{
    public KubeResourceChange(KubeChangeType type, PSObject obj, string kind, string? @namespace, string? name, string? resourceVersion, DateTimeOffset time)
    {
        Type = type;
        Object = obj;
        Kind = kind;
        Namespace = @namespace;
        Name = name;
        ResourceVersion = resourceVersion;
        Time = time;
    }

    public KubeChangeType Type { get; }

    /// <summary>The object: a typed model (V1Pod, ...) for built-in kinds, a KubePS.Resource PSObject otherwise.</summary>
    public PSObject Object { get; }

    public string Kind { get; }
    public string? Namespace { get; }
    public string? Name { get; }
    public string? ResourceVersion { get; }

    /// <summary>When the client saw the change (local time of this machine).</summary>
    public DateTimeOffset Time { get; }

    public override string ToString() => $"{Type} {Kind}/{Name}";
}
