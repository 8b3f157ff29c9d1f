using System.Management.Automation;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Adds, changes or removes annotations (key=value, key-); changing an existing value needs -Overwrite, as kubectl.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "KubeAnnotation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject))]
public sealed class SetKubeAnnotationCommand : KubeMetadataMapCmdlet
{
    /// <summary>Creates the cmdlet: it edits metadata.annotations, as the policy verb annotate.</summary>
    public SetKubeAnnotationCommand()
        : base(annotations: true, policyVerb: "annotate")
    {
    }

    /// <summary>Edits: key=value sets, key- removes.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    [ValidateNotNullOrEmpty]
    public string[] Annotation { get; set; } = Array.Empty<string>();

    /// <inheritdoc />
    protected override string[] Edits => Annotation;
}
