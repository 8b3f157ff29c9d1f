using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubePS.Engine.Resources;
using KubePS.Engine.Yaml;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>
/// Pipeline objects the cmdlets build from manifests and JSON, and their default display: one way for
/// ConvertFrom-KubeYaml, Expand-KubeTemplate, Test-KubePolicy, Wait-KubeResource, Get-KubeAuditLog and the change and deploy cmdlets.
/// </summary>
internal static class PipelineObjects
{
    /// <summary>
    /// A manifest document as a pipeline object: with <paramref name="typed"/> the client's model where its kind has one
    /// (V1Deployment...), else a generic KubePS.Resource. Throws <see cref="JsonException"/> when the document does not fit
    /// its kind's model.
    /// </summary>
    public static PSObject FromManifest(ManifestDocument doc, bool typed)
    {
        using var json = JsonDocument.Parse(doc.Object.ToJsonString());
        var element = json.RootElement;
        var model = typed && doc.ApiVersion is string av && doc.Kind is string k ? ModelTypeMap.ToModel(element, av, k) : null;
        return model is null ? KubeObjects.FromJson(element.Clone()) : KubeObjects.ToPipeline(model);
    }

    /// <summary>A JSON value as PowerShell values (objects as PSObjects, arrays, scalars); null stays null.</summary>
    public static object? FromJsonValue(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return KubeObjects.ConvertValue(doc.RootElement);
    }

    /// <summary>The properties PowerShell shows by default where no format view applies (PSStandardMembers.DefaultDisplayPropertySet).</summary>
    public static void SetDefaultDisplay(PSObject pso, params string[] names) =>
        pso.Members.Add(new PSMemberSet("PSStandardMembers", new PSMemberInfo[] { new PSPropertySet("DefaultDisplayPropertySet", names) }));
}
