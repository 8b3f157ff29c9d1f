using System.Management.Automation;
using System.Text.Json.Nodes;
using KubePS.Engine.Apply;
using KubePS.Engine.Connection;
using KubePS.Engine.Discovery;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Adds, changes or removes labels (key=value, key-); changing an existing value needs -Overwrite, as kubectl.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "KubeLabel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject))]
public sealed class SetKubeLabelCommand : KubeObjectChangeCmdlet
{
    private IReadOnlyList<MetadataEdit>? _edits;

    /// <summary>Edits: key=value sets, key- removes.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    [ValidateNotNullOrEmpty]
    public string[] Label { get; set; } = Array.Empty<string>();

    /// <summary>Allows replacing a value the key already has.</summary>
    [Parameter]
    public SwitchParameter Overwrite { get; set; }

    /// <inheritdoc />
    protected override string PolicyVerb => "label";

    /// <inheritdoc />
    protected override void DescribeChange(JsonObject subject, ApiResourceInfo resource)
    {
        var values = new JsonObject();
        foreach (var e in _edits ?? Array.Empty<MetadataEdit>())
        {
            values[e.Key] = e.Value;
        }
        ((JsonObject)subject["metadata"]!)["labels"] = values;
    }

    /// <inheritdoc />
    protected override string ActionText => "Set labels " + string.Join(", ", Label);

    /// <inheritdoc />
    protected override void Validate(ApiResourceInfo resource) => _edits = MetadataEdits.Parse(Label);

    /// <inheritdoc />
    protected override Task<KubeChangeResult> ChangeAsync(KubeConnection connection, ApiResourceInfo resource, string? ns, string name, bool dryRun, CancellationToken cancellationToken) =>
        ResourceChanges.EditMetadataAsync(connection.Client, resource, ns, name, _edits!, Overwrite.IsPresent, annotations: false, dryRun, cancellationToken);
}
