using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KubePS.LocalCluster;

/// <summary>/version, /api, /apis and per group-version resource lists (legacy discovery format).</summary>
public static class Discovery
{
    public const string GitVersion = "v1.32.4";

    public static JsonObject Version() => new()
    {
        ["major"] = "1", ["minor"] = "32", ["gitVersion"] = GitVersion, ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean", ["buildDate"] = "2025-01-01T00:00:00Z", ["goVersion"] = "go1.23.8", ["compiler"] = "gc", ["platform"] = "linux/amd64",
    };

    public static JsonObject ApiVersions(HttpContext ctx) => new()
    {
        ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = ctx.Request.Host.Value }),
    };

    public static JsonObject Group(ResourceRegistry r, string group)
    {
        var versions = r.Versions(group).OrderBy(v => v == "v1" ? 0 : 1).ToList();
        return new JsonObject
        {
            ["kind"] = "APIGroup", ["apiVersion"] = "v1", ["name"] = group,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = group + "/" + v, ["version"] = v }).ToArray()),
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = group + "/" + versions[0], ["version"] = versions[0] },
        };
    }

    public static JsonObject GroupList(ResourceRegistry r)
    {
        var groups = new JsonArray();
        foreach (var g in r.Groups().ToList())
        {
            var o = Group(r, g);
            o.Remove("kind"); o.Remove("apiVersion");
            groups.Add(o);
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    private static JsonArray Arr(IEnumerable<string> s) => new(s.Select(x => (JsonNode)x).ToArray());

    public static JsonObject ResourceList(ResourceRegistry r, string group, string version)
    {
        var resources = new JsonArray();
        foreach (var t in r.All.Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal))
        {
            var o = new JsonObject { ["name"] = t.Plural, ["singularName"] = t.Singular, ["namespaced"] = t.Namespaced, ["kind"] = t.Kind, ["verbs"] = Arr(t.Verbs) };
            if (t.ShortNames.Length > 0) o["shortNames"] = Arr(t.ShortNames);
            if (t.Categories.Length > 0) o["categories"] = Arr(t.Categories);
            resources.Add(o);
            foreach (var sub in t.Subresources)
            {
                var s = new JsonObject { ["name"] = t.Plural + "/" + sub, ["singularName"] = "", ["namespaced"] = t.Namespaced };
                switch (sub)
                {
                    case "scale": s["group"] = "autoscaling"; s["version"] = "v1"; s["kind"] = "Scale"; s["verbs"] = Arr(["get", "patch", "update"]); break;
                    case "log": s["kind"] = "Pod"; s["verbs"] = Arr(["get"]); break;
                    case "eviction": s["group"] = "policy"; s["version"] = "v1"; s["kind"] = "Eviction"; s["verbs"] = Arr(["create"]); break;
                    case "binding": s["kind"] = "Binding"; s["verbs"] = Arr(["create"]); break;
                    case "token": s["group"] = "authentication.k8s.io"; s["version"] = "v1"; s["kind"] = "TokenRequest"; s["verbs"] = Arr(["create"]); break;
                    case "proxy": s["kind"] = t.Kind == "Pod" ? "PodProxyOptions" : t.Kind == "Node" ? "NodeProxyOptions" : "ServiceProxyOptions"; s["verbs"] = Arr(["create", "delete", "get", "patch", "update"]); break;
                    case "finalize": s["kind"] = t.Kind; s["verbs"] = Arr(["update"]); break;
                    default: s["kind"] = t.Kind; s["verbs"] = Arr(["get", "patch", "update"]); break;
                }
                resources.Add(s);
            }
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = group.Length == 0 ? version : group + "/" + version, ["resources"] = resources };
    }
}
