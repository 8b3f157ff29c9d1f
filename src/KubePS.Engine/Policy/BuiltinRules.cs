using System.Text.Json.Nodes;

namespace KubePS.Engine.Policy;

/// <summary>Finds the pod spec of pods, pod templates (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, ...) and CronJobs.</summary>
internal static class PodSpecs
{
    public static (JsonObject Spec, string Path)? Find(JsonObject obj, string kind)
    {
        var spec = obj["spec"] as JsonObject;
        if (spec is null)
        {
            return null;
        }
        if (string.Equals(kind, "Pod", StringComparison.OrdinalIgnoreCase))
        {
            return (spec, "spec");
        }
        if (string.Equals(kind, "CronJob", StringComparison.OrdinalIgnoreCase))
        {
            return spec["jobTemplate"]?["spec"]?["template"]?["spec"] is JsonObject cj ? (cj, "spec.jobTemplate.spec.template.spec") : null;
        }
        if (string.Equals(kind, "PodTemplate", StringComparison.OrdinalIgnoreCase))
        {
            return obj["template"]?["spec"] is JsonObject pt ? (pt, "template.spec") : null;
        }
        return spec["template"]?["spec"] is JsonObject t ? (t, "spec.template.spec") : null;
    }

    /// <summary>Every container (containers, initContainers, ephemeralContainers) with its path.</summary>
    public static IEnumerable<(JsonObject Container, string Path)> Containers(JsonObject podSpec, string specPath)
    {
        foreach (var list in new[] { "initContainers", "containers", "ephemeralContainers" })
        {
            if (podSpec[list] is JsonArray arr)
            {
                for (var i = 0; i < arr.Count; i++)
                {
                    if (arr[i] is JsonObject c)
                    {
                        yield return (c, $"{specPath}.{list}[{i}]");
                    }
                }
            }
        }
    }

    public static string ContainerName(JsonObject c) => ObjectFacts.Str(c["name"]) ?? "?";
}

/// <summary>Base of the rules about containers: runs the check on every container of the object's pod spec.</summary>
public abstract class ContainerRule : PolicyRule
{
    /// <summary>Whether the rule still runs when only some fields of the object are known (image rules do: Set-KubeImage).</summary>
    protected virtual bool RunsOnPartial => false;

    public override void Evaluate(JsonObject obj, ObjectFacts facts, PolicyRequest request, RuleFindings findings)
    {
        if (facts.Partial && !RunsOnPartial)
        {
            return;
        }
        if (PodSpecs.Find(obj, facts.Kind) is not var (spec, path))
        {
            return;
        }
        EvaluatePod(spec, path, facts, findings);
    }

    protected virtual void EvaluatePod(JsonObject podSpec, string path, ObjectFacts facts, RuleFindings findings)
    {
        foreach (var (c, cpath) in PodSpecs.Containers(podSpec, path))
        {
            EvaluateContainer(c, cpath, findings);
        }
    }

    protected virtual void EvaluateContainer(JsonObject container, string path, RuleFindings findings)
    {
    }
}

/// <summary>allowedNamespaces: namespaced objects (and Namespaces themselves) only in the listed namespaces (glob patterns).</summary>
public sealed class AllowedNamespacesRule : PolicyRule
{
    public required IReadOnlyList<string> Namespaces { get; init; }
    public override string Type => "allowedNamespaces";

    public override void Evaluate(JsonObject obj, ObjectFacts facts, PolicyRequest request, RuleFindings findings)
    {
        var ns = string.Equals(facts.Kind, "Namespace", StringComparison.OrdinalIgnoreCase) ? facts.Name : facts.Namespace;
        if (ns is null)
        {
            return;
        }
        if (!Glob.Any(Namespaces, ns))
        {
            findings.Violation(facts.Kind == "Namespace" ? "metadata.name" : "metadata.namespace",
                $"namespace {ns} is not allowed{(request.Context is null ? "" : $" in context {request.Context}")} (allowed: {string.Join(", ", Namespaces)})");
        }
    }
}

/// <summary>replicaRange: spec.replicas within [min, max] (a missing spec.replicas counts as 1 on a whole object).</summary>
public sealed class ReplicaRangeRule : PolicyRule
{
    public static readonly string[] DefaultKinds = { "Deployment", "StatefulSet", "ReplicaSet", "ReplicationController" };
    public long? Min { get; init; }
    public long? Max { get; init; }
    public override string Type => "replicaRange";

    public override void Evaluate(JsonObject obj, ObjectFacts facts, PolicyRequest request, RuleFindings findings)
    {
        if (Match.Kinds.Count == 0 && !DefaultKinds.Contains(facts.Kind, StringComparer.OrdinalIgnoreCase))
        {
            return;
        }
        long replicas;
        if (obj["spec"]?["replicas"] is JsonValue v && v.TryGetValue<long>(out var r))
        {
            replicas = r;
        }
        else if (obj["spec"]?["replicas"] is JsonValue vi && vi.TryGetValue<int>(out var ri))
        {
            replicas = ri;
        }
        else if (facts.Partial)
        {
            return;
        }
        else
        {
            replicas = 1;
        }
        if ((Min is { } min && replicas < min) || (Max is { } max && replicas > max))
        {
            findings.Violation("spec.replicas", $"{replicas} replicas is outside the allowed range {Min?.ToString() ?? "0"}..{Max?.ToString() ?? "∞"}");
        }
    }
}

/// <summary>requiredLabels / requiredAnnotations: keys that must be present (mutate: added with their default value).</summary>
public sealed class RequiredMetadataRule : PolicyRule
{
    public required bool Annotations { get; init; }
    /// <summary>Key → default value (null = no default).</summary>
    public required IReadOnlyDictionary<string, string?> Keys { get; init; }
    public override string Type => Annotations ? "requiredAnnotations" : "requiredLabels";
    public override bool CanMutate => true;

    public override void Evaluate(JsonObject obj, ObjectFacts facts, PolicyRequest request, RuleFindings findings)
    {
        if (facts.Partial)
        {
            return;
        }
        var field = Annotations ? "annotations" : "labels";
        var meta = obj["metadata"] as JsonObject;
        var map = meta?[field] as JsonObject;
        foreach (var (key, def) in Keys)
        {
            var path = $"metadata.{field}.{key}";
            if (map is not null && map[key] is JsonValue value && value.TryGetValue<string>(out var s) && s.Length > 0)
            {
                continue;
            }
            if (Severity == PolicySeverity.Mutate && def is not null && meta is not null)
            {
                if (map is null)
                {
                    meta[field] = map = new JsonObject();
                }
                map[key] = def;
                findings.Mutation(path, $"added {(Annotations ? "annotation" : "label")} {key}={def}");
                continue;
            }
            findings.Violation(path, $"{(Annotations ? "annotation" : "label")} {key} is required");
        }
    }
}

/// <summary>allowedRegistries: every image comes from one of the registries (prefixes such as ghcr.io/acme).</summary>
public sealed class AllowedRegistriesRule : ContainerRule
{
    public required IReadOnlyList<string> Registries { get; init; }
    public override string Type => "allowedRegistries";
    protected override bool RunsOnPartial => true;

    /// <summary>docker.io/library/nginx for nginx; the host is the first segment when it has a dot, a colon or is localhost.</summary>
    public static string Normalize(string image)
    {
        var slash = image.IndexOf('/');
        var first = slash < 0 ? "" : image[..slash];
        if (slash < 0)
        {
            return "docker.io/library/" + image;
        }
        if (first.Contains('.') || first.Contains(':') || first == "localhost")
        {
            return image;
        }
        return "docker.io/" + image;
    }

    protected override void EvaluateContainer(JsonObject container, string path, RuleFindings findings)
    {
        if (ObjectFacts.Str(container["image"]) is not { } image)
        {
            return;
        }
        var full = Normalize(image);
        foreach (var reg in Registries)
        {
            var r = reg.TrimEnd('/');
            if (Glob.IsMatch(r, full) || full.StartsWith(r + "/", StringComparison.OrdinalIgnoreCase) || Glob.IsMatch(r + "/*", full))
            {
                return;
            }
        }
        findings.Violation(path + ".image", $"image {image} of container {PodSpecs.ContainerName(container)} is not from an allowed registry ({string.Join(", ", Registries)})");
    }
}

/// <summary>forbidLatestTag: images must carry a tag other than latest, or a digest.</summary>
public sealed class ForbidLatestTagRule : ContainerRule
{
    public bool AllowUntagged { get; init; }
    public override string Type => "forbidLatestTag";
    protected override bool RunsOnPartial => true;

    /// <summary>The tag of an image reference (null when untagged; "" never), and whether it has a digest.</summary>
    public static (string? Tag, bool Digest) Parse(string image)
    {
        var digest = image.Contains('@');
        var name = digest ? image[..image.IndexOf('@')] : image;
        var lastSlash = name.LastIndexOf('/');
        var colon = name.IndexOf(':', lastSlash + 1);
        return (colon < 0 ? null : name[(colon + 1)..], digest);
    }

    protected override void EvaluateContainer(JsonObject container, string path, RuleFindings findings)
    {
        if (ObjectFacts.Str(container["image"]) is not { } image)
        {
            return;
        }
        var (tag, digest) = Parse(image);
        if (digest)
        {
            return;
        }
        if (tag is null && !AllowUntagged)
        {
            findings.Violation(path + ".image", $"image {image} of container {PodSpecs.ContainerName(container)} has no tag (it means latest)");
        }
        else if (string.Equals(tag, "latest", StringComparison.OrdinalIgnoreCase))
        {
            findings.Violation(path + ".image", $"image {image} of container {PodSpecs.ContainerName(container)} uses the latest tag");
        }
    }
}

/// <summary>requireResources: the listed requests and limits set on every container.</summary>
public sealed class RequireResourcesRule : ContainerRule
{
    public IReadOnlyList<string> Requests { get; init; } = new[] { "cpu", "memory" };
    public IReadOnlyList<string> Limits { get; init; } = new[] { "memory" };
    public override string Type => "requireResources";

    protected override void EvaluatePod(JsonObject podSpec, string path, ObjectFacts facts, RuleFindings findings)
    {
        // Ephemeral containers cannot have resources.
        foreach (var (c, cpath) in PodSpecs.Containers(podSpec, path).Where(c => !c.Path.Contains(".ephemeralContainers[")))
        {
            var missing = new List<string>();
            foreach (var r in Requests)
            {
                if (c["resources"]?["requests"]?[r] is null)
                {
                    missing.Add($"requests.{r}");
                }
            }
            foreach (var l in Limits)
            {
                if (c["resources"]?["limits"]?[l] is null)
                {
                    missing.Add($"limits.{l}");
                }
            }
            if (missing.Count > 0)
            {
                findings.Violation(cpath + ".resources", $"container {PodSpecs.ContainerName(c)} has no {string.Join(", ", missing)}");
            }
        }
    }
}

/// <summary>forbidPrivileged: no container runs privileged.</summary>
public sealed class ForbidPrivilegedRule : ContainerRule
{
    public override string Type => "forbidPrivileged";

    protected override void EvaluateContainer(JsonObject container, string path, RuleFindings findings)
    {
        if (container["securityContext"]?["privileged"] is JsonValue v && v.TryGetValue<bool>(out var p) && p)
        {
            findings.Violation(path + ".securityContext.privileged", $"container {PodSpecs.ContainerName(container)} is privileged");
        }
    }
}

/// <summary>forbidHostNetwork / forbidHostPID / forbidHostIPC: the pod does not share the node's namespaces.</summary>
public sealed class ForbidHostNamespaceRule : ContainerRule
{
    /// <summary>hostNetwork, hostPID or hostIPC.</summary>
    public required string Field { get; init; }
    public override string Type => "forbid" + char.ToUpperInvariant(Field[0]) + Field[1..];

    protected override void EvaluatePod(JsonObject podSpec, string path, ObjectFacts facts, RuleFindings findings)
    {
        if (podSpec[Field] is JsonValue v && v.TryGetValue<bool>(out var on) && on)
        {
            findings.Violation($"{path}.{Field}", $"the pod uses {Field}");
        }
    }
}

/// <summary>forbidHostPath: no hostPath volumes (except under allowedPaths).</summary>
public sealed class ForbidHostPathRule : ContainerRule
{
    public IReadOnlyList<string> AllowedPaths { get; init; } = Array.Empty<string>();
    public override string Type => "forbidHostPath";

    protected override void EvaluatePod(JsonObject podSpec, string path, ObjectFacts facts, RuleFindings findings)
    {
        if (podSpec["volumes"] is not JsonArray volumes)
        {
            return;
        }
        for (var i = 0; i < volumes.Count; i++)
        {
            if (volumes[i]?["hostPath"] is not JsonObject hp)
            {
                continue;
            }
            var p = ObjectFacts.Str(hp["path"]) ?? "";
            if (AllowedPaths.Any(a => p == a.TrimEnd('/') || p.StartsWith(a.TrimEnd('/') + "/", StringComparison.Ordinal)))
            {
                continue;
            }
            findings.Violation($"{path}.volumes[{i}].hostPath", $"volume {ObjectFacts.Str(volumes[i]?["name"])} mounts host path {p}");
        }
    }
}

/// <summary>requireRunAsNonRoot: the pod (or every container) sets securityContext.runAsNonRoot: true (mutate: set on the pod).</summary>
public sealed class RequireRunAsNonRootRule : ContainerRule
{
    public override string Type => "requireRunAsNonRoot";
    public override bool CanMutate => true;

    private static bool? Flag(JsonNode? sc) => sc?["runAsNonRoot"] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    protected override void EvaluatePod(JsonObject podSpec, string path, ObjectFacts facts, RuleFindings findings)
    {
        var pod = Flag(podSpec["securityContext"]);
        var offenders = PodSpecs.Containers(podSpec, path)
            .Where(c => Flag(c.Container["securityContext"]) is false || (Flag(c.Container["securityContext"]) is null && pod is not true))
            .ToList();
        if (offenders.Count == 0)
        {
            return;
        }
        if (Severity == PolicySeverity.Mutate && offenders.All(c => Flag(c.Container["securityContext"]) is null))
        {
            if (podSpec["securityContext"] is not JsonObject sc)
            {
                podSpec["securityContext"] = sc = new JsonObject();
            }
            sc["runAsNonRoot"] = true;
            findings.Mutation($"{path}.securityContext.runAsNonRoot", "set runAsNonRoot: true on the pod");
            return;
        }
        foreach (var (c, cpath) in offenders)
        {
            findings.Violation(Flag(c["securityContext"]) is false ? cpath + ".securityContext.runAsNonRoot" : $"{path}.securityContext.runAsNonRoot",
                $"container {PodSpecs.ContainerName(c)} may run as root (set securityContext.runAsNonRoot: true)");
        }
    }
}

/// <summary>forbiddenKinds: objects of these kinds are never sent (glob patterns on the kind).</summary>
public sealed class ForbiddenKindsRule : PolicyRule
{
    public required IReadOnlyList<string> Kinds { get; init; }
    public override string Type => "forbiddenKinds";

    public override void Evaluate(JsonObject obj, ObjectFacts facts, PolicyRequest request, RuleFindings findings)
    {
        if (Glob.Any(Kinds, facts.Kind))
        {
            findings.Violation("kind", $"kind {facts.Kind} is forbidden");
        }
    }
}
