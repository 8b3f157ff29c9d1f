using System.Management.Automation;
using System.Text.Json;
using k8s;
using k8s.Models;
using KubePS.Engine.Resources;

namespace KubePS.Output;

/// <summary>
/// Turns what the engine yields into pipeline objects: typed models stay typed (with the
/// KubePS.KubeObject type name added so Types.ps1xml gives them Name, Namespace, Kind and Age);
/// custom resources become PSObjects typed KubePS.Resource#&lt;group&gt;/&lt;Kind&gt;.
/// </summary>
public static class KubeObjects
{
    public const string KubeObjectTypeName = "KubePS.KubeObject";
    public const string ResourceTypeName = "KubePS.Resource";

    /// <summary>Wraps one engine result for WriteObject.</summary>
    public static PSObject ToPipeline(object engineObject)
    {
        if (engineObject is JsonElement element)
        {
            return FromJson(element);
        }
        var pso = PSObject.AsPSObject(engineObject);
        if (!pso.TypeNames.Contains(KubeObjectTypeName))
        {
            pso.TypeNames.Add(KubeObjectTypeName);
        }
        return pso;
    }

    /// <summary>A custom resource (or any kind without a typed model) as a PSObject tree.</summary>
    public static PSObject FromJson(JsonElement element)
    {
        var pso = (PSObject)ConvertValue(element)!;
        var apiVersion = element.TryGetProperty("apiVersion", out var av) ? av.GetString() ?? "" : "";
        var kind = element.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "";
        var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "core";
        pso.TypeNames.Clear();
        pso.TypeNames.Add(ResourceTypeName + "#" + group + "/" + kind);
        pso.TypeNames.Add(ResourceTypeName);
        pso.TypeNames.Add(KubeObjectTypeName);
        pso.TypeNames.Add("System.Management.Automation.PSCustomObject");
        pso.TypeNames.Add("System.Object");
        return pso;
    }

    /// <summary>JSON to PowerShell values: objects to PSObjects with note properties, arrays to object[], numbers to long or double.</summary>
    public static object? ConvertValue(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var pso = new PSObject();
                foreach (var p in e.EnumerateObject())
                {
                    pso.Properties.Add(new PSNoteProperty(p.Name, ConvertValue(p.Value)));
                }
                return pso;
            case JsonValueKind.Array:
                var list = new List<object?>(e.GetArrayLength());
                foreach (var x in e.EnumerateArray())
                {
                    list.Add(ConvertValue(x));
                }
                return list.ToArray();
            case JsonValueKind.String:
                return e.GetString();
            case JsonValueKind.Number:
                return e.TryGetInt64(out var l) ? l : e.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>metadata of a typed model or a PSObject tree, as (name, namespace, creation time).</summary>
    internal static (string? Name, string? Namespace, DateTime? Created, string? Kind, string? ApiVersion) Identity(PSObject obj)
    {
        var baseObject = obj.BaseObject;
        if (baseObject is IKubernetesObject<V1ObjectMeta> ko)
        {
            return (ko.Metadata?.Name, ko.Metadata?.NamespaceProperty, ko.Metadata?.CreationTimestamp, ko.Kind, ko.ApiVersion);
        }
        var meta = obj.Properties["metadata"]?.Value as PSObject;
        DateTime? created = null;
        var ts = meta?.Properties["creationTimestamp"]?.Value;
        if (ts is DateTime dt)
        {
            created = dt.ToUniversalTime();
        }
        else if (ts is string s && DateTime.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
        {
            created = parsed;
        }
        return (meta?.Properties["name"]?.Value as string, meta?.Properties["namespace"]?.Value as string, created,
            obj.Properties["kind"]?.Value as string, obj.Properties["apiVersion"]?.Value as string);
    }
}

/// <summary>
/// Static getters behind the CodeProperties in KubePS.Types.ps1xml: real, typed properties that
/// Where-Object and Sort-Object can use on every kube object.
/// </summary>
public static class KubeObjectProperties
{
    public static string? GetName(PSObject obj) => KubeObjects.Identity(obj).Name;

    public static string? GetNamespace(PSObject obj) => KubeObjects.Identity(obj).Namespace;

    public static string? GetKind(PSObject obj) => KubeObjects.Identity(obj).Kind;

    /// <summary>Time since creation; sorts and compares as a TimeSpan, prints kubectl-style in the views.</summary>
    public static TimeSpan? GetAge(PSObject obj)
    {
        var created = KubeObjects.Identity(obj).Created;
        return created is null ? null : DateTime.UtcNow - created.Value;
    }

    /// <summary>kubectl's short form of an age (45s, 3m12s, 4d3h).</summary>
    public static string FormatAge(object? age) => age switch
    {
        TimeSpan t => Printing.HumanDuration(t),
        PSObject p when p.BaseObject is TimeSpan t2 => Printing.HumanDuration(t2),
        _ => "<unknown>",
    };

    /// <summary>The age of a date string or DateTime (for date printer columns), kubectl-style.</summary>
    public static string FormatSince(object? value) => value switch
    {
        DateTime dt => Printing.Age(dt.ToUniversalTime()),
        string s when DateTime.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) => Printing.Age(parsed),
        PSObject p => FormatSince(p.BaseObject),
        _ => "<unknown>",
    };

    public static string GetPodStatus(PSObject obj) => obj.BaseObject is V1Pod pod ? Printing.PodStatus(pod) : "";

    public static string GetPodReady(PSObject obj) => obj.BaseObject is V1Pod pod ? Printing.PodReady(pod) : "";

    public static int GetPodRestarts(PSObject obj) => obj.BaseObject is V1Pod pod ? Printing.PodRestarts(pod) : 0;
}

/// <summary>Column helpers for the table views in KubePS.Format.ps1xml (kubectl's column rules).</summary>
public static class KubeColumns
{
    public static string FormatMap(IDictionary<string, string>? map) =>
        map is null || map.Count == 0 ? "<none>" : string.Join(",", map.Select(kv => kv.Key + "=" + kv.Value));

    public static string FormatSelector(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return "<none>";
        }
        var parts = new List<string>();
        if (selector.MatchLabels is not null)
        {
            parts.AddRange(selector.MatchLabels.Select(kv => kv.Key + "=" + kv.Value));
        }
        foreach (var e in selector.MatchExpressions ?? Array.Empty<V1LabelSelectorRequirement>())
        {
            parts.Add(e.OperatorProperty switch
            {
                "In" => $"{e.Key} in ({string.Join(",", e.Values ?? Array.Empty<string>())})",
                "NotIn" => $"{e.Key} notin ({string.Join(",", e.Values ?? Array.Empty<string>())})",
                "Exists" => e.Key,
                "DoesNotExist" => "!" + e.Key,
                _ => e.Key,
            });
        }
        return parts.Count == 0 ? "<none>" : string.Join(",", parts);
    }

    public static string FormatSince(DateTime? time) => time is null ? "<none>" : Printing.Age(time);

    public static string JobStatus(V1Job job)
    {
        foreach (var c in job.Status?.Conditions ?? Array.Empty<V1JobCondition>())
        {
            if (c.Status == "True" && c.Type is "Complete" or "Failed" or "Suspended")
            {
                return c.Type;
            }
        }
        if (job.Status?.Conditions?.Any(c => c.Type == "FailureTarget" && c.Status == "True") == true)
        {
            return "FailureTarget";
        }
        return "Running";
    }

    public static string JobDuration(V1Job job)
    {
        var start = job.Status?.StartTime;
        if (start is null)
        {
            return "";
        }
        var end = job.Status?.CompletionTime ?? DateTime.UtcNow;
        return Printing.HumanDuration(end.ToUniversalTime() - start.Value.ToUniversalTime());
    }

    public static string ServiceExternalIP(V1Service svc)
    {
        var type = svc.Spec?.Type ?? "ClusterIP";
        var external = svc.Spec?.ExternalIPs ?? Array.Empty<string>();
        switch (type)
        {
            case "ClusterIP":
            case "NodePort":
                return external.Count > 0 ? string.Join(",", external) : "<none>";
            case "LoadBalancer":
                var ingress = (svc.Status?.LoadBalancer?.Ingress ?? Array.Empty<V1LoadBalancerIngress>())
                    .Select(i => i.Ip ?? i.Hostname).Where(s => !string.IsNullOrEmpty(s)).Concat(external).ToList();
                return ingress.Count > 0 ? string.Join(",", ingress) : "<pending>";
            case "ExternalName":
                return svc.Spec?.ExternalName ?? "<none>";
            default:
                return "<unknown>";
        }
    }

    public static string ServicePorts(V1Service svc)
    {
        var ports = svc.Spec?.Ports ?? Array.Empty<V1ServicePort>();
        if (ports.Count == 0)
        {
            return "<none>";
        }
        return string.Join(",", ports.Select(p => p.NodePort is int np && np > 0
            ? $"{p.Port}:{np}/{p.Protocol ?? "TCP"}"
            : $"{p.Port}/{p.Protocol ?? "TCP"}"));
    }

    public static string IngressHosts(V1Ingress ing)
    {
        var hosts = (ing.Spec?.Rules ?? Array.Empty<V1IngressRule>()).Select(r => string.IsNullOrEmpty(r.Host) ? "*" : r.Host).ToList();
        return hosts.Count == 0 ? "*" : string.Join(",", hosts);
    }

    public static string NodeStatus(V1Node node)
    {
        var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        var status = ready?.Status == "True" ? "Ready" : "NotReady";
        if (node.Spec?.Unschedulable == true)
        {
            status += ",SchedulingDisabled";
        }
        return status;
    }

    public static string NodeRoles(V1Node node)
    {
        var roles = (node.Metadata?.Labels ?? new Dictionary<string, string>())
            .Where(kv => kv.Key.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
            .Select(kv => kv.Key["node-role.kubernetes.io/".Length..]).Where(r => r.Length > 0).ToList();
        return roles.Count == 0 ? "<none>" : string.Join(",", roles);
    }

    public static string AccessModes(IList<string>? modes) =>
        modes is null || modes.Count == 0 ? "" : string.Join(",", modes.Select(m => m switch
        {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            _ => m,
        }));

    public static string EventLastSeen(Corev1Event ev)
    {
        var t = ev.LastTimestamp ?? ev.EventTime ?? ev.Metadata?.CreationTimestamp;
        return t is null ? "<unknown>" : Printing.Age(t);
    }
}
