using System.Text.Json.Nodes;

namespace KubePS.LocalCluster;

/// <summary>Turns CustomResourceDefinitions into served resource types (Established at once).</summary>
public static class Crds
{
    public static void Register(ResourceRegistry registry, ResourceStore store, JsonObject crd, JsonObject old)
    {
        var spec = crd["spec"] as JsonObject;
        if (spec is null) return;
        var group = (string)spec["group"];
        var names = spec["names"] as JsonObject;
        var plural = (string)names?["plural"];
        if (group is null || plural is null) return;
        registry.RemoveGroupPlural(group, plural);
        foreach (var v in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((bool?)v["served"] == false) continue;
            var cols = new List<TableColumn> { Builtins.NameCol };
            if (v["additionalPrinterColumns"] is JsonArray apc && apc.Count > 0)
                cols.AddRange(apc.OfType<JsonObject>().Select(c => new TableColumn((string)c["name"] ?? "", (string)c["type"] ?? "string", (string)c["format"] ?? "",
                    (string)c["description"] ?? "", (int)(JsonUtil.Long(c, "priority") ?? 0), (string)c["jsonPath"])));
            else cols.Add(new TableColumn("Age", "date", "", Builtins.AgeCol.Description, 0, ".metadata.creationTimestamp"));
            var subs = new List<string>();
            var sr = v["subresources"] as JsonObject;
            if (sr?["status"] != null) subs.Add("status");
            if (sr?["scale"] is JsonObject scale) subs.Add("scale");
            registry.Add(new ResourceType
            {
                Group = group, Version = (string)v["name"] ?? "v1", Kind = (string)names["kind"], Plural = plural,
                Singular = (string)names["singular"] ?? ((string)names["kind"])?.ToLowerInvariant(),
                ShortNames = (names["shortNames"] as JsonArray)?.Select(x => (string)x).ToArray() ?? [],
                Categories = (names["categories"] as JsonArray)?.Select(x => (string)x).ToArray() ?? [],
                Namespaced = (string)spec["scope"] != "Cluster", Subresources = subs.ToArray(), Columns = cols, IsCustom = true, HasGeneration = true,
                ScaleSpecPath = (string)sr?["scale"]?["specReplicasPath"] ?? ".spec.replicas",
                ScaleStatusPath = (string)sr?["scale"]?["statusReplicasPath"] ?? ".status.replicas",
                ScaleSelectorPath = (string)sr?["scale"]?["labelSelectorPath"],
                CrdSchema = v["schema"]?["openAPIV3Schema"]?.DeepClone() as JsonObject,
            });
        }
    }

    public static void Unregister(ResourceRegistry registry, ResourceStore store, JsonObject crd)
    {
        var group = JsonUtil.Str(crd, "spec", "group");
        var plural = JsonUtil.Str(crd, "spec", "names", "plural");
        if (group is null || plural is null) return;
        foreach (var t in registry.All.Where(t => t.Group == group && t.Plural == plural).ToList()) store.DropType(t);
        registry.RemoveGroupPlural(group, plural);
    }
}
