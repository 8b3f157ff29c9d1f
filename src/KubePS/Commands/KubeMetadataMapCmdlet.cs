using System.Management.Automation;
using System.Text.Json.Nodes;
using KubePS.Engine.Apply;
using KubePS.Engine.Connection;
using KubePS.Engine.Discovery;

namespace KubePS.Commands;

/// <summary>
/// Base of Set-KubeLabel and Set-KubeAnnotation: edits one metadata map of named objects (key=value sets, key-
/// removes; changing an existing value needs -Overwrite, as kubectl). A cmdlet says which map it edits and declares
/// the parameter that carries the edits (-Label, -Annotation).
/// </summary>
public abstract class KubeMetadataMapCmdlet : KubeObjectChangeCmdlet
{
    private readonly bool _annotations;
    private readonly string _policyVerb;
    private IReadOnlyList<MetadataEdit>? _edits;

    /// <param name="annotations">True for metadata.annotations, false for metadata.labels.</param>
    /// <param name="policyVerb">The verb policy rules and the audit log see (label, annotate).</param>
    protected KubeMetadataMapCmdlet(bool annotations, string policyVerb)
    {
        _annotations = annotations;
        _policyVerb = policyVerb;
    }

    /// <summary>Allows replacing a value the key already has.</summary>
    [Parameter]
    public SwitchParameter Overwrite { get; set; }

    /// <summary>The edits as given: key=value sets, key- removes.</summary>
    protected abstract string[] Edits { get; }

    private string MapName => _annotations ? "annotations" : "labels";

    /// <inheritdoc />
    protected override string PolicyVerb => _policyVerb;

    /// <inheritdoc />
    protected override void DescribeChange(JsonObject subject, ApiResourceInfo resource)
    {
        var values = new JsonObject();
        foreach (var e in _edits ?? Array.Empty<MetadataEdit>())
        {
            values[e.Key] = e.Value;
        }
        ((JsonObject)subject["metadata"]!)[MapName] = values;
    }

    /// <inheritdoc />
    protected override string ActionText => $"Set {MapName} " + string.Join(", ", Edits);

    /// <inheritdoc />
    protected override void Validate(ApiResourceInfo resource) => _edits = MetadataEdits.Parse(Edits);

    /// <inheritdoc />
    protected override Task<KubeChangeResult> ChangeAsync(KubeConnection connection, ApiResourceInfo resource, string? ns, string name, bool dryRun, CancellationToken cancellationToken) =>
        ResourceChanges.EditMetadataAsync(connection.Client, resource, ns, name, _edits!, Overwrite.IsPresent, _annotations, dryRun, cancellationToken);
}
