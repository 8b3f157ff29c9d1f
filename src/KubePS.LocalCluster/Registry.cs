using System.Text.Json.Nodes;

namespace KubePS.LocalCluster;

/// <summary>A column of a server-side Table (meta.k8s.io/v1).</summary>
public sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority, string JsonPath = null);

/// <summary>One served resource type: built-in or defined by a CRD.</summary>
public sealed class ResourceType
{
    public string Group { get; init; } = "";
    public string Version { get; init; } = "v1";
    public string Kind { get; init; }
    public string Plural { get; init; }
    public string Singular { get; init; }
    public string[] ShortNames { get; init; } = [];
    public string[] Categories { get; init; } = [];
    public bool Namespaced { get; init; } = true;
    public string[] Verbs { get; init; } = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    /// <summary>Subresource names: "status", "scale", "log".</summary>
    public string[] Subresources { get; init; } = [];
    public List<TableColumn> Columns { get; init; } = [];
    /// <summary>Computes row cells for built-ins; null means Columns carry JsonPaths (CRDs) or Name/Age only.</summary>
    public Func<JsonObject, DateTime, object[]> Cells { get; init; }
    public bool HasGeneration { get; init; }
    public bool IsCustom { get; init; }
    /// <summary>Kind used only for create-only virtual resources (SelfSubjectAccessReview).</summary>
    public bool Virtual { get; init; }
    /// <summary>For scale subresource on CRDs: JSON paths of spec/status replicas.</summary>
    public string ScaleSpecPath { get; init; } = ".spec.replicas";
    public string ScaleStatusPath { get; init; } = ".status.replicas";
    public string ScaleSelectorPath { get; init; }
    public JsonObject CrdSchema { get; init; }

    public string GroupVersion => Group.Length == 0 ? Version : Group + "/" + Version;
    public string ListKind => Kind + "List";
    /// <summary>Store key of the type (group + plural), independent of version.</summary>
    public string Key => Group + "/" + Plural;
    public string PathPrefix => Group.Length == 0 ? "/api/" + Version : "/apis/" + Group + "/" + Version;
    public override string ToString() => Plural + (Group.Length == 0 ? "" : "." + Group);
}

/// <summary>The registry of resource types: built-in kinds plus kinds added by CRDs at run time.</summary>
public sealed class ResourceRegistry
{
    private readonly object _gate = new();
    private volatile ResourceType[] _types = [];

    public event Action Changed;

    public IReadOnlyList<ResourceType> All => _types;

    public void Add(ResourceType t)
    {
        lock (_gate)
        {
            var list = _types.Where(x => !(x.Group == t.Group && x.Version == t.Version && x.Plural == t.Plural)).ToList();
            list.Add(t);
            _types = list.ToArray();
        }
        Changed?.Invoke();
    }

    public void RemoveGroupPlural(string group, string plural)
    {
        lock (_gate) _types = _types.Where(x => !(x.Group == group && x.Plural == plural)).ToArray();
        Changed?.Invoke();
    }

    public ResourceType Find(string group, string version, string plural) =>
        _types.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    public ResourceType FindByKind(string group, string version, string kind) =>
        _types.FirstOrDefault(t => t.Group == group && t.Version == version && t.Kind == kind && !t.Virtual);

    public ResourceType FindByApiVersionKind(string apiVersion, string kind)
    {
        var (g, v) = SplitApiVersion(apiVersion);
        return FindByKind(g, v, kind);
    }

    public bool HasGroupVersion(string group, string version) => _types.Any(t => t.Group == group && t.Version == version);
    public bool HasGroup(string group) => _types.Any(t => t.Group == group);

    public IEnumerable<string> Groups() => _types.Where(t => t.Group.Length > 0).Select(t => t.Group).Distinct();
    public IEnumerable<string> Versions(string group) => _types.Where(t => t.Group == group).Select(t => t.Version).Distinct();

    public static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        if (string.IsNullOrEmpty(apiVersion)) return ("", "");
        var i = apiVersion.IndexOf('/');
        return i < 0 ? ("", apiVersion) : (apiVersion[..i], apiVersion[(i + 1)..]);
    }
}
