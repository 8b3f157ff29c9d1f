using System.Globalization;
using System.Text.Json.Nodes;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubePS.Engine.Policy;

/// <summary>
/// A policy: rules read from one or more files (or a kubeps.yaml <c>policy:</c> section). Mutating rules run first,
/// in file order, then every other rule sees the changed object.
/// </summary>
public sealed class PolicySet
{
    public const string EnvironmentVariable = "KUBEPS_POLICY";
    public IReadOnlyList<PolicyRule> Rules { get; }
    /// <summary>The files the rules came from.</summary>
    public IReadOnlyList<string> Sources { get; }

    public PolicySet(IReadOnlyList<PolicyRule> rules, IReadOnlyList<string> sources)
    {
        var dup = rules.GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
        {
            throw new KubeException(KubeErrorKind.KubePolicyInvalid, $"{dup.Last().Origin}: rule name {dup.Key} is used twice (also at {dup.First().Origin}).") { Target = dup.Key };
        }
        Rules = rules;
        Sources = sources;
    }

    public static PolicySet Empty { get; } = new(Array.Empty<PolicyRule>(), Array.Empty<string>());
    public bool IsEmpty => Rules.Count == 0;

    /// <summary>Several policies as one (rule names must stay unique).</summary>
    public static PolicySet Combine(IEnumerable<PolicySet> sets)
    {
        var list = sets.ToList();
        return list.Count == 1 ? list[0] : new PolicySet(list.SelectMany(s => s.Rules).ToList(), list.SelectMany(s => s.Sources).ToList());
    }

    private static readonly Dictionary<string, (DateTime Written, long Length, PolicySet Set)> FileCache = new(StringComparer.Ordinal);
    private static readonly object CacheGate = new();

    /// <summary>Reads a policy file (cached while the file is unchanged). KubePolicyNotFound, KubePolicyInvalid (file, line), KubePolicyExpressionInvalid.</summary>
    public static PolicySet Load(string path)
    {
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            throw new KubeException(KubeErrorKind.KubePolicyNotFound, $"The policy file {full} does not exist.") { Target = full, RecommendedAction = "Check -PolicyPath or $env:KUBEPS_POLICY." };
        }
        lock (CacheGate)
        {
            if (FileCache.TryGetValue(full, out var hit) && hit.Written == info.LastWriteTimeUtc && hit.Length == info.Length)
            {
                return hit.Set;
            }
        }
        var set = Parse(File.ReadAllText(full), full);
        lock (CacheGate)
        {
            FileCache[full] = (info.LastWriteTimeUtc, info.Length, set);
        }
        return set;
    }

    /// <summary>Parses policy YAML: <c>rules:</c> (with optional <c>apiVersion: kubeps.io/v1</c>, <c>kind: Policy</c>).</summary>
    public static PolicySet Parse(string text, string source = "<string>")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new KubeException(KubeErrorKind.KubePolicyInvalid, $"{source}, line {ex.Start.Line}: the policy does not parse: {ex.InnerException?.Message ?? ex.Message}", ex) { Target = source };
        }
        var rules = new List<PolicyRule>();
        foreach (var doc in stream.Documents)
        {
            if (doc.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue;
            }
            if (doc.RootNode is not YamlMappingNode root)
            {
                throw Invalid(source, doc.RootNode, "a policy document must be a mapping with rules:");
            }
            rules.AddRange(ParseRules(root, source));
        }
        return new PolicySet(rules, new[] { source });
    }

    /// <summary>Reads rules from a mapping that has <c>rules:</c> (a policy document or kubeps.yaml's policy: section).</summary>
    public static IReadOnlyList<PolicyRule> ParseRules(YamlMappingNode root, string source)
    {
        var rules = new List<PolicyRule>();
        foreach (var (k, v) in root.Children)
        {
            var key = (k as YamlScalarNode)?.Value;
            switch (key)
            {
                case "apiVersion":
                    if ((v as YamlScalarNode)?.Value is not ("kubeps.io/v1" or "kubeps.io/v1alpha1"))
                    {
                        throw Invalid(source, v, "apiVersion must be kubeps.io/v1");
                    }
                    break;
                case "kind":
                    if ((v as YamlScalarNode)?.Value != "Policy")
                    {
                        throw Invalid(source, v, "kind must be Policy");
                    }
                    break;
                case "metadata" or "description":
                    break;
                case "rules":
                    if (v is not YamlSequenceNode seq)
                    {
                        throw Invalid(source, v, "rules must be a list");
                    }
                    foreach (var item in seq.Children)
                    {
                        rules.Add(ParseRule(item, source));
                    }
                    break;
                default:
                    throw Invalid(source, k, $"unknown field {key} (expected apiVersion, kind, metadata, rules)");
            }
        }
        return rules;
    }

    internal static KubeException Invalid(string source, YamlNode node, string problem) =>
        new(KubeErrorKind.KubePolicyInvalid, $"{source}, line {node.Start.Line}: {problem}")
        {
            Target = $"{source}:{node.Start.Line}",
            RecommendedAction = "Fix the policy file; docs/policy.md lists the rule types and their fields.",
        };

    public static readonly string[] RuleTypes =
    {
        "allowedNamespaces", "replicaRange", "requiredLabels", "requiredAnnotations", "allowedRegistries", "forbidLatestTag",
        "requireResources", "forbidPrivileged", "forbidHostNetwork", "forbidHostPID", "forbidHostIPC", "forbidHostPath",
        "forbiddenKinds", "requireRunAsNonRoot", "cel",
    };

    private static PolicyRule ParseRule(YamlNode node, string source)
    {
        if (node is not YamlMappingNode map)
        {
            throw Invalid(source, node, "a rule must be a mapping (name, type, severity, ...)");
        }
        var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            fields[(k as YamlScalarNode)?.Value ?? ""] = v;
        }
        var origin = $"{source}, line {node.Start.Line}";
        var used = new HashSet<string> { "name", "type", "severity", "match", "message" };

        string Req(string f)
        {
            if (!fields.TryGetValue(f, out var n) || n is not YamlScalarNode { Value: { Length: > 0 } s })
            {
                throw Invalid(source, fields.GetValueOrDefault(f) ?? node, $"the rule needs {f}");
            }
            return s;
        }
        string? Opt(string f)
        {
            used.Add(f);
            if (!fields.TryGetValue(f, out var n))
            {
                return null;
            }
            return n is YamlScalarNode s ? s.Value : throw Invalid(source, n, $"{f} must be a single value");
        }
        IReadOnlyList<string> List(string f, YamlNode? from = null, bool required = false)
        {
            used.Add(f);
            var container = from as YamlMappingNode;
            YamlNode? n = null;
            if (container is not null)
            {
                container.Children.TryGetValue(new YamlScalarNode(f), out n);
            }
            else
            {
                fields.TryGetValue(f, out n);
            }
            if (n is null)
            {
                return required ? throw Invalid(source, from ?? node, $"the rule needs {f} (a list)") : Array.Empty<string>();
            }
            if (n is YamlScalarNode one)
            {
                return one.Value is null ? Array.Empty<string>() : new[] { one.Value };
            }
            if (n is not YamlSequenceNode seq || seq.Children.Any(c => c is not YamlScalarNode))
            {
                throw Invalid(source, n, $"{f} must be a list of strings");
            }
            var list = seq.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();
            return required && list.Count == 0 ? throw Invalid(source, n, $"{f} must not be empty") : list;
        }
        long? Long(string f)
        {
            var s = Opt(f);
            if (s is null)
            {
                return null;
            }
            return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) && l >= 0 ? l : throw Invalid(source, fields[f], $"{f} must be a whole number >= 0");
        }
        bool Bool(string f, bool def)
        {
            var s = Opt(f);
            return s is null ? def : s.ToLowerInvariant() switch
            {
                "true" or "yes" => true,
                "false" or "no" => false,
                _ => throw Invalid(source, fields[f], $"{f} must be true or false"),
            };
        }

        var name = Req("name");
        var type = Req("type");
        var severityText = fields.TryGetValue("severity", out var sv) ? (sv as YamlScalarNode)?.Value : "deny";
        if (!Enum.TryParse<PolicySeverity>(severityText, ignoreCase: true, out var severity) || int.TryParse(severityText, out _))
        {
            throw Invalid(source, sv!, $"severity must be deny, warn or mutate (not {severityText})");
        }
        var match = new PolicyMatch();
        if (fields.TryGetValue("match", out var m))
        {
            if (m is not YamlMappingNode mm)
            {
                throw Invalid(source, m, "match must be a mapping (kinds, namespaces, excludeNamespaces, contexts, verbs)");
            }
            foreach (var (k, _) in mm.Children)
            {
                if ((k as YamlScalarNode)?.Value is not ("kinds" or "namespaces" or "excludeNamespaces" or "contexts" or "verbs"))
                {
                    throw Invalid(source, k, $"unknown field match.{(k as YamlScalarNode)?.Value} (expected kinds, namespaces, excludeNamespaces, contexts, verbs)");
                }
            }
            match = new PolicyMatch
            {
                Kinds = List("kinds", mm), Namespaces = List("namespaces", mm), ExcludeNamespaces = List("excludeNamespaces", mm),
                Contexts = List("contexts", mm), Verbs = List("verbs", mm),
            };
            used.Remove("kinds");
            used.Remove("namespaces");
        }
        var message = fields.TryGetValue("message", out var msg) ? (msg as YamlScalarNode)?.Value : null;

        PolicyRule rule = type switch
        {
            "allowedNamespaces" => new AllowedNamespacesRule { Name = name, Severity = severity, Match = match, Message = message, Origin = origin, Namespaces = List("namespaces", required: true) },
            "replicaRange" => ReplicaRange(),
            "requiredLabels" or "requiredAnnotations" => new RequiredMetadataRule
            {
                Name = name, Severity = severity, Match = match, Message = message, Origin = origin,
                Annotations = type == "requiredAnnotations", Keys = Keys(type == "requiredAnnotations" ? "annotations" : "labels"),
            },
            "allowedRegistries" => new AllowedRegistriesRule { Name = name, Severity = severity, Match = match, Message = message, Origin = origin, Registries = List("registries", required: true) },
            "forbidLatestTag" => new ForbidLatestTagRule { Name = name, Severity = severity, Match = match, Message = message, Origin = origin, AllowUntagged = Bool("allowUntagged", false) },
            "requireResources" => new RequireResourcesRule
            {
                Name = name, Severity = severity, Match = match, Message = message, Origin = origin,
                Requests = fields.ContainsKey("requests") ? List("requests") : new[] { "cpu", "memory" },
                Limits = fields.ContainsKey("limits") ? List("limits") : new[] { "memory" },
            },
            "forbidPrivileged" => new ForbidPrivilegedRule { Name = name, Severity = severity, Match = match, Message = message, Origin = origin },
            "forbidHostNetwork" or "forbidHostPID" or "forbidHostIPC" => new ForbidHostNamespaceRule { Name = name, Severity = severity, Match = match, Message = message, Origin = origin, Field = "host" + type["forbidHost".Length..] },
            "forbidHostPath" => new ForbidHostPathRule { Name = name, Severity = severity, Match = match, Message = message, Origin = origin, AllowedPaths = List("allowedPaths") },
            "forbiddenKinds" => new ForbiddenKindsRule { Name = name, Severity = severity, Match = match, Message = message, Origin = origin, Kinds = List("kinds", required: true) },
            "requireRunAsNonRoot" => new RequireRunAsNonRootRule { Name = name, Severity = severity, Match = match, Message = message, Origin = origin },
            "cel" => Cel(),
            _ => throw Invalid(source, fields["type"], $"unknown rule type {type} (known: {string.Join(", ", RuleTypes)})"),
        };
        if (severity == PolicySeverity.Mutate && !rule.CanMutate)
        {
            throw Invalid(source, sv!, $"rule type {type} cannot mutate (only requiredLabels, requiredAnnotations and requireRunAsNonRoot can); use deny or warn");
        }
        var unknown = fields.Keys.FirstOrDefault(f => !used.Contains(f));
        if (unknown is not null)
        {
            throw Invalid(source, map.Children.First(kv => (kv.Key as YamlScalarNode)?.Value == unknown).Key, $"unknown field {unknown} for a {type} rule");
        }
        return rule;

        ReplicaRangeRule ReplicaRange()
        {
            var r = new ReplicaRangeRule { Name = name, Severity = severity, Match = match, Message = message, Origin = origin, Min = Long("min"), Max = Long("max") };
            if (r.Min is null && r.Max is null)
            {
                throw Invalid(source, node, "a replicaRange rule needs min, max or both");
            }
            if (r.Min > r.Max)
            {
                throw Invalid(source, fields["min"], "min is greater than max");
            }
            return r;
        }

        IReadOnlyDictionary<string, string?> Keys(string f)
        {
            used.Add(f);
            if (!fields.TryGetValue(f, out var n))
            {
                throw Invalid(source, node, $"the rule needs {f} (a list of keys, or a map of key: default)");
            }
            var d = new Dictionary<string, string?>(StringComparer.Ordinal);
            switch (n)
            {
                case YamlSequenceNode seq when seq.Children.All(c => c is YamlScalarNode):
                    foreach (var c in seq.Children)
                    {
                        d[((YamlScalarNode)c).Value ?? ""] = null;
                    }
                    break;
                case YamlMappingNode mapping when mapping.Children.All(kv => kv.Value is YamlScalarNode):
                    foreach (var (k, v) in mapping.Children)
                    {
                        var value = ((YamlScalarNode)v).Value;
                        d[((YamlScalarNode)k).Value ?? ""] = value is null or "" or "~" or "null" ? null : value;
                    }
                    break;
                default:
                    throw Invalid(source, n, $"{f} must be a list of keys or a map of key: default value");
            }
            if (d.Count == 0)
            {
                throw Invalid(source, n, $"{f} must not be empty");
            }
            if (severity == PolicySeverity.Mutate && d.FirstOrDefault(kv => kv.Value is null) is { Key: { } missing })
            {
                throw Invalid(source, n, $"severity mutate needs a default value for {missing} ({f}: {{ {missing}: value }})");
            }
            return d;
        }

        CelRule Cel()
        {
            var expression = Req("expression");
            used.Add("expression");
            var failure = Opt("failurePolicy") ?? "Fail";
            if (failure is not ("Fail" or "Ignore"))
            {
                throw Invalid(source, fields["failurePolicy"], "failurePolicy must be Fail or Ignore");
            }
            var partial = Bool("partial", false);
            var exprOrigin = $"{source}, line {fields["expression"].Start.Line} (rule {name})";
            return CelRule.Compile(expression, name, severity, exprOrigin, match, message, failure == "Ignore", partial);
        }
    }

    /// <summary>Reads kubeps.yaml's <c>policy:</c> section: a path (relative to the file) or inline rules.</summary>
    public static PolicySet? FromApplication(JsonObject? raw, string? applicationFile)
    {
        var inSpec = raw?["policy"] is null && raw?["spec"]?["policy"] is not null;
        if ((raw?["policy"] ?? raw?["spec"]?["policy"]) is not { } node || applicationFile is null)
        {
            return null;
        }
        var dir = Path.GetDirectoryName(Path.GetFullPath(applicationFile)) ?? ".";
        if (node is JsonValue v && v.TryGetValue<string>(out var p))
        {
            return Load(Path.IsPathRooted(p) ? p : Path.Combine(dir, p));
        }
        if (node is JsonArray paths && paths.All(x => x is JsonValue))
        {
            return Combine(paths.Select(x => Load(Path.Combine(dir, x!.GetValue<string>()))));
        }
        // Inline rules: re-read the file to keep line numbers.
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(applicationFile)));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        if (inSpec)
        {
            root = (YamlMappingNode)root.Children[new YamlScalarNode("spec")];
        }
        var section = root.Children[new YamlScalarNode("policy")];
        if (section is not YamlMappingNode sm)
        {
            throw Invalid(applicationFile, section, "policy must be a file path, a list of paths, or a mapping with rules:");
        }
        return new PolicySet(ParseRules(sm, applicationFile), new[] { applicationFile });
    }
}
