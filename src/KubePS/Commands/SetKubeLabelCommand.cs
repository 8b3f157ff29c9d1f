using System.Management.Automation;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Adds, changes or removes labels (key=value, key-); changing an existing value needs -Overwrite, as kubectl.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "KubeLabel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject))]
public sealed class SetKubeLabelCommand : KubeMetadataMapCmdlet
{
    /// <summary>Creates the cmdlet: it edits metadata.labels, as the policy verb label.</summary>
    public SetKubeLabelCommand()
        : base(annotations: false, policyVerb: "label")
    {
    }

    /// <summary>Edits: key=value sets, key- removes.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    [ValidateNotNullOrEmpty]
    public string[] Label { get; set; } = Array.Empty<string>();

    /// <inheritdoc />
    protected override string[] Edits => Label;
}
