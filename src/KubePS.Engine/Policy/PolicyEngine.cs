using System.Text.Json.Nodes;
using KubePS.Engine.Errors;

namespace KubePS.Engine.Policy;

/// <summary>
/// Evaluates a policy against objects, offline: one result per object and rule. Mutating rules run first (in policy
/// order) on a copy of the object; the other rules then judge the changed copy, which is what should be sent.
/// </summary>
public static class PolicyEngine
{
    public static PolicyEvaluation Evaluate(PolicySet policy, IEnumerable<PolicySubject> subjects, PolicyRequest request)
    {
        var evaluation = new PolicyEvaluation();
        var mutators = policy.Rules.Where(r => r.Severity == PolicySeverity.Mutate).ToList();
        var validators = policy.Rules.Where(r => r.Severity != PolicySeverity.Mutate).ToList();
        foreach (var subject in subjects)
        {
            var facts = ObjectFacts.Of(subject);
            var results = new Dictionary<PolicyRule, PolicyResult>();
            JsonObject obj = subject.Object;
            var copied = false;
            foreach (var rule in mutators)
            {
                if (rule.Match.Excludes(facts, request) is { } why)
                {
                    results[rule] = Result(rule, facts, subject, PolicyVerdict.Pass, $"does not apply: {why}", null, applies: false);
                    continue;
                }
                if (!copied)
                {
                    obj = (JsonObject)subject.Object.DeepClone();
                    copied = true;
                }
                var findings = new RuleFindings();
                Run(rule, obj, facts, request, findings);
                results[rule] = Judge(rule, facts, subject, findings);
            }
            foreach (var rule in validators)
            {
                if (rule.Match.Excludes(facts, request) is { } why)
                {
                    results[rule] = Result(rule, facts, subject, PolicyVerdict.Pass, $"does not apply: {why}", null, applies: false);
                    continue;
                }
                var findings = new RuleFindings();
                Run(rule, obj, facts, request, findings);
                results[rule] = Judge(rule, facts, subject, findings);
            }
            var item = new PolicyObjectEvaluation { Subject = subject, Object = copied && results.Values.Any(r => r.Verdict == PolicyVerdict.Mutate) ? obj : subject.Object };
            item.Results.AddRange(policy.Rules.Select(r => results[r]));
            evaluation.Objects.Add(item);
        }
        return evaluation;
    }

    private static void Run(PolicyRule rule, JsonObject obj, ObjectFacts facts, PolicyRequest request, RuleFindings findings)
    {
        try
        {
            rule.Evaluate(obj, facts, request, findings);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or KeyNotFoundException)
        {
            // A field of an unexpected type (a string where a list belongs): the object is malformed for this rule.
            findings.Violation(null, $"the rule could not read the object: {ex.Message}");
        }
    }

    private static PolicyResult Judge(PolicyRule rule, ObjectFacts facts, PolicySubject subject, RuleFindings findings)
    {
        if (findings.Violations.Count > 0)
        {
            var verdict = rule.Severity == PolicySeverity.Warn ? PolicyVerdict.Warn : PolicyVerdict.Deny;
            var text = string.Join("; ", findings.Violations.Select(v => v.Message));
            return Result(rule, facts, subject, verdict, rule.Message is null ? text : $"{rule.Message} ({text})", findings.Violations[0].Path, true);
        }
        if (findings.Mutations.Count > 0)
        {
            return Result(rule, facts, subject, PolicyVerdict.Mutate, string.Join("; ", findings.Mutations.Select(m => m.Message)), findings.Mutations[0].Path, true);
        }
        return Result(rule, facts, subject, PolicyVerdict.Pass, "ok", null, true);
    }

    private static PolicyResult Result(PolicyRule rule, ObjectFacts facts, PolicySubject subject, PolicyVerdict verdict, string message, string? path, bool applies) => new()
    {
        Rule = rule.Name,
        RuleType = rule.Type,
        Verdict = verdict,
        Message = message,
        Path = path,
        Applies = applies,
        ApiVersion = facts.ApiVersion,
        Kind = facts.Kind,
        Namespace = facts.Namespace,
        Name = facts.Name,
        Source = subject.Document?.ToString(),
    };

    /// <summary>The terminating error for denials: names every violated rule and object; nothing was sent.</summary>
    public static KubeException Denied(PolicyEvaluation evaluation, string verb)
    {
        var denials = evaluation.Denials.ToList();
        var lines = denials.Select(d => $"  {d.ObjectName}{(d.Source is null ? "" : $" ({d.Source})")}: rule {d.Rule} ({d.RuleType}): {d.Message}{(d.Path is null ? "" : $" [at {d.Path}]")}");
        var objects = denials.Select(d => d.ObjectName).Distinct().Count();
        return new KubeException(KubeErrorKind.KubePolicyDenied,
            $"Policy denied {verb} of {objects} object(s); nothing was sent to the cluster.\n{string.Join("\n", lines)}")
        {
            Target = string.Join(", ", denials.Select(d => d.ObjectName).Distinct()),
            Causes = denials.Select(d => $"{d.ObjectName}: {d.Rule}: {d.Message}").ToList(),
            RecommendedAction = "Change the objects to satisfy the rules, or change the policy (-PolicyPath, $env:KUBEPS_POLICY).",
        };
    }
}
