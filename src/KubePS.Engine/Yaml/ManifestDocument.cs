using System.Text.Json.Nodes;

namespace KubePS.Engine.Yaml;

/// <summary>One YAML or JSON document read from a file or a string, with where it came from.</summary>
public sealed record ManifestDocument
{
    public required JsonObject Object { get; init; }
    /// <summary>The file (or "&lt;string&gt;"), for error messages and CI annotations.</summary>
    public string Source { get; init; } = "<string>";
    /// <summary>0-based index of the document in its source.</summary>
    public int Index { get; init; }
    /// <summary>1-based line where the document starts.</summary>
    public int Line { get; init; }

    public string? ApiVersion => Object["apiVersion"]?.GetValue<string>();
    public string? Kind => Object["kind"]?.GetValue<string>();
    public string? Name => (Object["metadata"] as JsonObject)?["name"]?.GetValue<string>();
    public string? Namespace => (Object["metadata"] as JsonObject)?["namespace"]?.GetValue<string>();

    public override string ToString() => $"{Source} (document {Index + 1}, line {Line})";
}
