using System.Text.Json.Nodes;
using KubePS.Engine.Yaml;

namespace KubePS.Engine.Policy;

/// <summary>What a rule does when an object breaks it.</summary>
public enum PolicySeverity
{
    /// <summary>The object must not be sent: the call fails with KubePolicyDenied and nothing is written.</summary>
    Deny,
    /// <summary>A warning is written and the change goes ahead.</summary>
    Warn,
    /// <summary>The rule changes the object (adds a label, a default) before it is sent.</summary>
    Mutate,
}

/// <summary>The verdict of one rule about one object.</summary>
public enum PolicyVerdict
{
    /// <summary>The object satisfies the rule, or the rule does not apply to it.</summary>
    Pass,
    Deny,
    Warn,
    /// <summary>The rule changed the object.</summary>
    Mutate,
}

/// <summary>One rule's verdict about one object.</summary>
public sealed record PolicyResult
{
    public required string Rule { get; init; }
    public required string RuleType { get; init; }
    public required PolicyVerdict Verdict { get; init; }
    public required string Message { get; init; }
    /// <summary>Path in the object the verdict points at (spec.template.spec.containers[0].image), or null.</summary>
    public string? Path { get; init; }
    /// <summary>False when the rule's match (kinds, namespaces, contexts, verbs) excluded the object.</summary>
    public bool Applies { get; init; } = true;
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public string? Namespace { get; init; }
    public string? Name { get; init; }
    /// <summary>Where the object came from (file, document, line), or null for objects built in memory.</summary>
    public string? Source { get; init; }

    /// <summary>"Deployment/shop/web" or "Namespace/shop".</summary>
    public string ObjectName => Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";

    public override string ToString() => $"{Verdict} {Rule} {ObjectName}: {Message}{(Path is null ? "" : $" (at {Path})")}";
}

/// <summary>One object to evaluate.</summary>
public sealed record PolicySubject
{
    /// <summary>The object as it will be sent (evaluation never changes it: mutations go to a copy).</summary>
    public required JsonObject Object { get; init; }
    /// <summary>The manifest document it came from, when it came from one.</summary>
    public ManifestDocument? Document { get; init; }
    /// <summary>
    /// True when the object holds only the fields the change sets (Set-KubeScale sends spec.replicas, Set-KubeImage
    /// the containers' images, Remove-KubeResource nothing): rules about fields that are absent then pass.
    /// </summary>
    public bool Partial { get; init; }
    /// <summary>The namespace the object will land in when its metadata has none (null for cluster-scoped kinds).</summary>
    public string? DefaultNamespace { get; init; }

    public static PolicySubject From(ManifestDocument document, string? defaultNamespace) =>
        new() { Object = document.Object, Document = document, DefaultNamespace = defaultNamespace };
}

/// <summary>Who asks for what: the verb and the kubeconfig context select rules (match.verbs, match.contexts).</summary>
public sealed record PolicyRequest
{
    /// <summary>apply, create, deploy, scale, restart, label, annotate, set-image, delete, test.</summary>
    public string Verb { get; init; } = "apply";
    public string? Context { get; init; }
    public bool DryRun { get; init; }
}

/// <summary>The verdicts about one object and the object to send (a changed copy when a rule mutated it).</summary>
public sealed class PolicyObjectEvaluation
{
    public required PolicySubject Subject { get; init; }
    public required JsonObject Object { get; init; }
    public List<PolicyResult> Results { get; } = new();
    public bool Denied => Results.Any(r => r.Verdict == PolicyVerdict.Deny);
    public bool Mutated => Results.Any(r => r.Verdict == PolicyVerdict.Mutate);
    public IEnumerable<PolicyResult> Violations => Results.Where(r => r.Verdict != PolicyVerdict.Pass);
}

/// <summary>What a policy said about a set of objects.</summary>
public sealed class PolicyEvaluation
{
    public List<PolicyObjectEvaluation> Objects { get; } = new();
    public IEnumerable<PolicyResult> Results => Objects.SelectMany(o => o.Results);
    public bool Denied => Objects.Any(o => o.Denied);
    public IEnumerable<PolicyResult> Denials => Results.Where(r => r.Verdict == PolicyVerdict.Deny);
    public IEnumerable<PolicyResult> Warnings => Results.Where(r => r.Verdict == PolicyVerdict.Warn);
    public IEnumerable<PolicyResult> Mutations => Results.Where(r => r.Verdict == PolicyVerdict.Mutate);

    /// <summary>An evaluation of nothing (no policy is active).</summary>
    public static PolicyEvaluation Empty(IEnumerable<PolicySubject> subjects)
    {
        var e = new PolicyEvaluation();
        foreach (var s in subjects)
        {
            e.Objects.Add(new PolicyObjectEvaluation { Subject = s, Object = s.Object });
        }
        return e;
    }
}
