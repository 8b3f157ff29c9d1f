namespace KubePS.Engine.Discovery;

/// <summary>
/// One resource type the server serves, as discovery describes it (one row of kubectl api-resources).
/// </summary>
public sealed record ApiResourceInfo
{
    /// <summary>API group; empty for the core group.</summary>
    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Kind { get; init; }
    /// <summary>The plural resource name used in URLs (pods, deployments).</summary>
    public required string Plural { get; init; }
    public string Singular { get; init; } = "";
    public IReadOnlyList<string> ShortNames { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Categories { get; init; } = Array.Empty<string>();
    public bool Namespaced { get; init; }
    public IReadOnlyList<string> Verbs { get; init; } = Array.Empty<string>();
    /// <summary>True when <see cref="Version"/> is the group's preferred version.</summary>
    public bool Preferred { get; init; }

    /// <summary>apiVersion as written in manifests: v1, apps/v1.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>plural.group as kubectl prints it (deployments.apps), or the plural for the core group.</summary>
    public string FullName => Group.Length == 0 ? Plural : Plural + "." + Group;

    public bool Supports(string verb) => Verbs.Contains(verb, StringComparer.Ordinal);

    /// <summary>
    /// The URL path of the collection (namespace null = all namespaces or cluster scope), or of one object when name is given.
    /// </summary>
    public string PathFor(string? @namespace, string? name = null, string? subresource = null)
    {
        var prefix = Group.Length == 0 ? "/api/" + Version : "/apis/" + Group + "/" + Version;
        var path = Namespaced && !string.IsNullOrEmpty(@namespace)
            ? prefix + "/namespaces/" + Uri.EscapeDataString(@namespace) + "/" + Plural
            : prefix + "/" + Plural;
        if (!string.IsNullOrEmpty(name))
        {
            path += "/" + Uri.EscapeDataString(name);
            if (!string.IsNullOrEmpty(subresource))
            {
                path += "/" + subresource;
            }
        }
        return path;
    }

    public override string ToString() => FullName;
}
