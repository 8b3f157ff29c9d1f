using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KubePS.Engine.Policy;

/// <summary>Which objects and calls a rule looks at. Every list empty = everything.</summary>
public sealed class PolicyMatch
{
    public IReadOnlyList<string> Kinds { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Namespaces { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> ExcludeNamespaces { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Contexts { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Verbs { get; init; } = Array.Empty<string>();

    /// <summary>Null when the rule applies, else why not.</summary>
    public string? Excludes(ObjectFacts facts, PolicyRequest request)
    {
        if (Kinds.Count > 0 && !Glob.Any(Kinds, facts.Kind))
        {
            return $"kind {facts.Kind} is not in match.kinds";
        }
        if (Contexts.Count > 0 && !Glob.Any(Contexts, request.Context ?? ""))
        {
            return $"context {(string.IsNullOrEmpty(request.Context) ? "(none)" : request.Context)} is not in match.contexts";
        }
        if (Verbs.Count > 0 && !Glob.Any(Verbs, request.Verb))
        {
            return $"verb {request.Verb} is not in match.verbs";
        }
        if (Namespaces.Count > 0 && (facts.Namespace is null || !Glob.Any(Namespaces, facts.Namespace)))
        {
            return $"namespace {facts.Namespace ?? "(cluster-scoped)"} is not in match.namespaces";
        }
        if (ExcludeNamespaces.Count > 0 && facts.Namespace is not null && Glob.Any(ExcludeNamespaces, facts.Namespace))
        {
            return $"namespace {facts.Namespace} is in match.excludeNamespaces";
        }
        return null;
    }
}

/// <summary>The identity of the object under evaluation.</summary>
public sealed record ObjectFacts(string ApiVersion, string Kind, string Name, string? Namespace, bool Partial)
{
    private static readonly HashSet<string> ClusterScoped = new(StringComparer.OrdinalIgnoreCase)
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass",
        "PriorityClass", "IngressClass", "RuntimeClass", "CSIDriver", "CSINode", "VolumeAttachment", "APIService",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "ComponentStatus",
        "CertificateSigningRequest", "FlowSchema", "PriorityLevelConfiguration", "ClusterIssuer",
    };

    /// <summary>True for the built-in cluster-scoped kinds (offline: no discovery).</summary>
    public static bool IsClusterScoped(string kind) => ClusterScoped.Contains(kind);

    public static ObjectFacts Of(PolicySubject subject)
    {
        var o = subject.Object;
        var meta = o["metadata"] as JsonObject;
        var kind = Str(o["kind"]) ?? "";
        var ns = Str(meta?["namespace"]);
        if (IsClusterScoped(kind))
        {
            ns = null;
        }
        else if (string.IsNullOrEmpty(ns))
        {
            ns = subject.DefaultNamespace;
        }
        return new ObjectFacts(Str(o["apiVersion"]) ?? "", kind, Str(meta?["name"]) ?? Str(meta?["generateName"]) ?? "", ns, subject.Partial);
    }

    internal static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>Case-insensitive glob patterns (* and ?).</summary>
public static class Glob
{
    private static readonly Dictionary<string, Regex> Cache = new();
    private static readonly object Gate = new();

    public static bool IsMatch(string pattern, string value)
    {
        if (!pattern.Contains('*') && !pattern.Contains('?'))
        {
            return string.Equals(pattern, value, StringComparison.OrdinalIgnoreCase);
        }
        Regex? re;
        lock (Gate)
        {
            if (!Cache.TryGetValue(pattern, out re))
            {
                re = new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
                Cache[pattern] = re;
            }
        }
        return re.IsMatch(value);
    }

    public static bool Any(IEnumerable<string> patterns, string value) => patterns.Any(p => IsMatch(p, value));
}

/// <summary>Collects what one rule found about one object.</summary>
public sealed class RuleFindings
{
    public List<(string? Path, string Message)> Violations { get; } = new();
    public List<(string? Path, string Message)> Mutations { get; } = new();

    public void Violation(string? path, string message) => Violations.Add((path, message));
    public void Mutation(string? path, string message) => Mutations.Add((path, message));
}

/// <summary>A rule of a policy: a name, a type, a severity, a match and the check itself.</summary>
public abstract class PolicyRule
{
    public required string Name { get; init; }
    public required PolicySeverity Severity { get; init; }
    public PolicyMatch Match { get; init; } = new();
    /// <summary>Replaces the rule's own message for violations, when given.</summary>
    public string? Message { get; init; }
    /// <summary>Where the rule is defined ("policy.yaml, line 12").</summary>
    public string? Origin { get; init; }

    /// <summary>The rule type as written in the policy file (requiredLabels, cel, ...).</summary>
    public abstract string Type { get; }

    /// <summary>True when the rule can change objects (severity mutate is allowed).</summary>
    public virtual bool CanMutate => false;

    /// <summary>Checks one object (and, with severity mutate, changes it in place: it is a copy).</summary>
    public abstract void Evaluate(JsonObject obj, ObjectFacts facts, PolicyRequest request, RuleFindings findings);
}
