using System.Management.Automation;
using System.Text.Json.Nodes;
using KubePS.Engine.Yaml;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Converts kube objects (typed models, custom resources, hashtables) to YAML, one document per object.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "KubeYaml")]
[OutputType(typeof(string))]
public sealed class ConvertToKubeYamlCommand : PSCmdlet
{
    private readonly List<JsonNode?> _documents = new();

    /// <summary>The objects to convert.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>Keep metadata.managedFields (stripped by default, as kubectl users expect).</summary>
    [Parameter]
    public SwitchParameter IncludeManagedFields { get; set; }

    /// <summary>Write one string per object instead of one multi-document string.</summary>
    [Parameter]
    public SwitchParameter AsArray { get; set; }

    protected override void ProcessRecord()
    {
        JsonNode? node;
        try
        {
            node = PSJson.ToNode(InputObject);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            WriteError(new ErrorRecord(ex, "KubeYamlConvertFailed", ErrorCategory.InvalidData, InputObject));
            return;
        }
        if (!IncludeManagedFields.IsPresent)
        {
            YamlWriter.StripManagedFields(node);
        }
        if (AsArray.IsPresent)
        {
            WriteObject(YamlWriter.Write(node));
        }
        else
        {
            _documents.Add(node);
        }
    }

    protected override void EndProcessing()
    {
        if (!AsArray.IsPresent && _documents.Count > 0)
        {
            WriteObject(YamlWriter.WriteAll(_documents));
        }
    }
}
