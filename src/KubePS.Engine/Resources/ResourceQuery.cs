using KubePS.Engine.Discovery;

namespace KubePS.Engine.Resources;

/// <summary>What to read: a resource type, a scope and filters.</summary>
public sealed record ResourceQuery
{
    public required ApiResourceInfo Resource { get; init; }
    /// <summary>The namespace for namespaced kinds; ignored with <see cref="AllNamespaces"/> and for cluster-scoped kinds.</summary>
    public string? Namespace { get; init; }
    public bool AllNamespaces { get; init; }
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }
    /// <summary>Objects per page (limit/continue); pages are yielded as they arrive.</summary>
    public int PageSize { get; init; } = 500;
}
