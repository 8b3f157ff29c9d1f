using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubePS.Engine.Yaml;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Converts kube objects to Kubernetes JSON (the API's field names and formats, not .NET property names).</para>
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "KubeJson")]
[OutputType(typeof(string))]
public sealed class ConvertToKubeJsonCommand : PSCmdlet
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly List<JsonNode?> _items = new();

    /// <summary>The objects to convert.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>One line per object instead of indented JSON.</summary>
    [Parameter]
    public SwitchParameter Compress { get; set; }

    /// <summary>Keep metadata.managedFields (stripped by default).</summary>
    [Parameter]
    public SwitchParameter IncludeManagedFields { get; set; }

    /// <summary>Wrap several objects in a v1 List (as kubectl get -o json does) instead of writing one string per object.</summary>
    [Parameter]
    public SwitchParameter AsList { get; set; }

    protected override void ProcessRecord()
    {
        var node = PSJson.ToNode(InputObject);
        if (!IncludeManagedFields.IsPresent)
        {
            YamlWriter.StripManagedFields(node);
        }
        if (AsList.IsPresent)
        {
            _items.Add(node);
            return;
        }
        WriteObject(Compress.IsPresent ? node?.ToJsonString() ?? "null" : node?.ToJsonString(Indented) ?? "null");
    }

    protected override void EndProcessing()
    {
        if (!AsList.IsPresent)
        {
            return;
        }
        var list = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = "" },
            ["items"] = new JsonArray(_items.ToArray()),
        };
        WriteObject(Compress.IsPresent ? list.ToJsonString() : list.ToJsonString(Indented));
    }
}
