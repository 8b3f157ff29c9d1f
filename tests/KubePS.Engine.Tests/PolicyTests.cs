using System.Diagnostics;
using System.Text.Json.Nodes;
using KubePS.Engine.Errors;
using KubePS.Engine.Policy;
using KubePS.Engine.Yaml;
using Xunit;
using Xunit.Abstractions;

namespace KubePS.Engine.Tests;

public sealed class PolicyTests(ITestOutputHelper output)
{
    private static PolicySet Policy(string rules) => PolicySet.Parse("rules:\n" + rules, "test-policy.yaml");

    private static PolicyObjectEvaluation Eval(PolicySet policy, string yaml, string verb = "apply", string? context = null, bool partial = false)
    {
        var doc = YamlReader.Read(yaml).Single();
        var subject = new PolicySubject { Object = doc.Object, Document = doc, DefaultNamespace = "default", Partial = partial };
        return PolicyEngine.Evaluate(policy, new[] { subject }, new PolicyRequest { Verb = verb, Context = context }).Objects.Single();
    }

    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop, labels: {app: web}}
        spec:
          replicas: 3
          template:
            spec:
              containers:
              - name: web
                image: ghcr.io/acme/web:1.2
                resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}
                securityContext: {runAsNonRoot: true}
        """;

    [Fact]
    public void OneResultPerObjectAndRule_PassWhenCompliant()
    {
        var policy = Policy("""
              - {name: ns, type: allowedNamespaces, namespaces: [shop]}
              - {name: replicas, type: replicaRange, min: 1, max: 5}
              - {name: team, type: requiredLabels, labels: [app]}
              - {name: reg, type: allowedRegistries, registries: [ghcr.io/acme]}
              - {name: latest, type: forbidLatestTag}
              - {name: res, type: requireResources}
              - {name: priv, type: forbidPrivileged}
              - {name: hostnet, type: forbidHostNetwork}
              - {name: hostpid, type: forbidHostPID}
              - {name: hostpath, type: forbidHostPath}
              - {name: root, type: requireRunAsNonRoot}
              - {name: kinds, type: forbiddenKinds, kinds: [ClusterRoleBinding]}
              - {name: cel, type: cel, expression: "object.spec.replicas <= 5"}
            """);
        var e = Eval(policy, Deployment);
        Assert.Equal(13, e.Results.Count);
        Assert.All(e.Results, r => Assert.Equal(PolicyVerdict.Pass, r.Verdict));
    }

    [Theory]
    [InlineData("{name: r, type: allowedNamespaces, namespaces: ['team-*']}", "metadata.namespace", "namespace shop is not allowed")]
    [InlineData("{name: r, type: replicaRange, max: 2}", "spec.replicas", "3 replicas")]
    [InlineData("{name: r, type: replicaRange, min: 4}", "spec.replicas", "outside the allowed range 4")]
    [InlineData("{name: r, type: requiredLabels, labels: [team]}", "metadata.labels.team", "label team is required")]
    [InlineData("{name: r, type: requiredAnnotations, annotations: [owner]}", "metadata.annotations.owner", "annotation owner is required")]
    [InlineData("{name: r, type: allowedRegistries, registries: [registry.example.com]}", "spec.template.spec.containers[0].image", "not from an allowed registry")]
    [InlineData("{name: r, type: requireResources, limits: [cpu]}", "spec.template.spec.containers[0].resources", "limits.cpu")]
    [InlineData("{name: r, type: forbiddenKinds, kinds: ['Deploy*']}", "kind", "kind Deployment is forbidden")]
    [InlineData("{name: r, type: cel, expression: \"object.spec.replicas < 3\"}", null, "failed: object.spec.replicas < 3")]
    public void EachRuleTypeDenies(string rule, string? path, string message)
    {
        var e = Eval(Policy("  - " + rule + "\n"), Deployment);
        var r = Assert.Single(e.Results);
        Assert.Equal(PolicyVerdict.Deny, r.Verdict);
        Assert.Equal(path, r.Path);
        Assert.Contains(message, r.Message);
        Assert.True(e.Denied);
    }

    [Theory]
    [InlineData("forbidPrivileged", "securityContext: {privileged: true}", "spec.template.spec.containers[0].securityContext.privileged")]
    [InlineData("forbidLatestTag", "image: nginx", "spec.template.spec.containers[0].image")]
    [InlineData("forbidLatestTag", "image: 'nginx:latest'", "spec.template.spec.containers[0].image")]
    [InlineData("requireRunAsNonRoot", "securityContext: {runAsNonRoot: false}", "spec.template.spec.containers[0].securityContext.runAsNonRoot")]
    public void ContainerRules(string type, string containerField, string path)
    {
        var yaml = $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    {{containerField}}
            """;
        var r = Assert.Single(Eval(Policy($"  - {{name: r, type: {type}}}\n"), yaml).Results);
        Assert.Equal(PolicyVerdict.Deny, r.Verdict);
        Assert.Equal(path, r.Path);
    }

    [Theory]
    [InlineData("forbidHostNetwork", "hostNetwork: true", "spec.hostNetwork")]
    [InlineData("forbidHostPID", "hostPID: true", "spec.hostPID")]
    [InlineData("forbidHostIPC", "hostIPC: true", "spec.hostIPC")]
    [InlineData("forbidHostPath", "volumes: [{name: v, hostPath: {path: /etc}}]", "spec.volumes[0].hostPath")]
    public void PodRulesOnPods(string type, string podField, string path)
    {
        var yaml = $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              {{podField}}
              containers: [{name: c, image: 'nginx:1'}]
            """;
        var r = Assert.Single(Eval(Policy($"  - {{name: r, type: {type}}}\n"), yaml).Results);
        Assert.Equal(PolicyVerdict.Deny, r.Verdict);
        Assert.Equal(path, r.Path);
    }

    [Fact]
    public void DigestsAndAllowedHostPathsPass()
    {
        var yaml = """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: c}
            spec:
              jobTemplate:
                spec:
                  template:
                    spec:
                      volumes: [{name: logs, hostPath: {path: /var/log/app}}]
                      containers: [{name: c, image: 'nginx@sha256:abc'}]
            """;
        var e = Eval(Policy("  - {name: a, type: forbidLatestTag}\n  - {name: b, type: forbidHostPath, allowedPaths: [/var/log]}\n"), yaml);
        Assert.All(e.Results, r => Assert.Equal(PolicyVerdict.Pass, r.Verdict));
    }

    [Fact]
    public void WarnVerdictDoesNotDeny()
    {
        var e = Eval(Policy("  - {name: r, type: replicaRange, max: 1, severity: warn}\n"), Deployment);
        Assert.Equal(PolicyVerdict.Warn, Assert.Single(e.Results).Verdict);
        Assert.False(e.Denied);
    }

    [Fact]
    public void MutateInjectsDefaultsOnACopyAndValidatorsSeeTheChange()
    {
        var policy = Policy("""
              - {name: team, type: requiredLabels, severity: mutate, labels: {team: platform}}
              - {name: root, type: requireRunAsNonRoot, severity: mutate}
              - {name: check, type: cel, expression: "object.metadata.labels.team == 'platform'"}
            """);
        var yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec: {template: {spec: {containers: [{name: c, image: 'x:1'}]}}}\n";
        var doc = YamlReader.Read(yaml).Single();
        var e = PolicyEngine.Evaluate(policy, new[] { PolicySubject.From(doc, "default") }, new PolicyRequest()).Objects.Single();
        Assert.Equal(new[] { PolicyVerdict.Mutate, PolicyVerdict.Mutate, PolicyVerdict.Pass }, e.Results.Select(r => r.Verdict));
        Assert.Equal("platform", e.Object["metadata"]!["labels"]!["team"]!.GetValue<string>());
        Assert.True(e.Object["spec"]!["template"]!["spec"]!["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
        Assert.Null(doc.Object["metadata"]!["labels"]);
        Assert.Equal("metadata.labels.team", e.Results[0].Path);
    }

    [Fact]
    public void MatchSelectsByKindNamespaceContextAndVerb()
    {
        var policy = Policy("""
              - {name: prod, type: allowedNamespaces, namespaces: [prod-*], match: {contexts: ['prod-*']}}
              - {name: scale, type: replicaRange, max: 1, match: {verbs: [scale]}}
              - {name: svc, type: forbiddenKinds, kinds: ['*'], match: {kinds: [Service]}}
              - {name: excl, type: forbiddenKinds, kinds: ['*'], match: {excludeNamespaces: [shop]}}
            """);
        var dev = Eval(policy, Deployment, context: "dev");
        Assert.All(dev.Results, r => Assert.Equal(PolicyVerdict.Pass, r.Verdict));
        Assert.All(dev.Results, r => Assert.False(r.Applies));
        var prod = Eval(policy, Deployment, context: "prod-eu");
        Assert.Equal(PolicyVerdict.Deny, prod.Results[0].Verdict);
        Assert.Contains("prod-eu", prod.Results[0].Message);
        var scale = Eval(policy, Deployment, verb: "scale");
        Assert.Equal(PolicyVerdict.Deny, scale.Results[1].Verdict);
    }

    [Fact]
    public void PartialObjectsOnlyJudgeThePresentFields()
    {
        var policy = Policy("""
              - {name: labels, type: requiredLabels, labels: [team]}
              - {name: res, type: requireResources}
              - {name: range, type: replicaRange, max: 5}
              - {name: cel, type: cel, expression: "object.spec.template.spec.containers.size() > 5"}
              - {name: celp, type: cel, partial: true, expression: "object.spec.replicas <= 5"}
            """);
        var e = Eval(policy, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: shop}\nspec: {replicas: 9}\n", verb: "scale", partial: true);
        Assert.Equal(new[] { PolicyVerdict.Pass, PolicyVerdict.Pass, PolicyVerdict.Deny, PolicyVerdict.Pass, PolicyVerdict.Deny }, e.Results.Select(r => r.Verdict));
    }

    [Fact]
    public void CelFeatures()
    {
        var yaml = Deployment;
        foreach (var expr in new[]
        {
            "object.spec.replicas <= 5",
            "object.metadata.labels.exists(k, k == 'app')",
            "has(object.metadata.labels.app) && !has(object.metadata.labels.team)",
            "object.metadata.name.startsWith('we') && object.metadata.name.matches('^w.b$')",
            "object.spec.template.spec.containers.all(c, c.image.contains(':'))",
            "object.metadata.name.upperAscii() == 'WEB' && object.spec.template.spec.containers[0].image.split('/')[0] == 'ghcr.io'",
            "request.verb == 'apply' && request.namespace == 'shop' && request.kind == 'Deployment'",
            "size(object.spec.template.spec.containers) == 1",
        })
        {
            var r = Assert.Single(Eval(Policy($"  - name: c\n    type: cel\n    expression: \"{expr}\"\n"), yaml).Results);
            Assert.True(r.Verdict == PolicyVerdict.Pass, $"{expr}: {r.Message}");
        }
        // A runtime error (a missing field without has()) is a violation, or a pass with failurePolicy: Ignore.
        Assert.Equal(PolicyVerdict.Deny, Assert.Single(Eval(Policy("  - {name: c, type: cel, expression: \"object.spec.nope.x == 1\"}\n"), yaml).Results).Verdict);
        Assert.Equal(PolicyVerdict.Pass, Assert.Single(Eval(Policy("  - {name: c, type: cel, failurePolicy: Ignore, expression: \"object.spec.nope.x == 1\"}\n"), yaml).Results).Verdict);
    }

    [Theory]
    [InlineData("object.spec.replicas +", 23)]
    [InlineData("object.metadata.name.lowerCase() == 'a'", 22)]
    [InlineData("nosuch(object) && true", 1)]
    public void CelCompileErrorsNameExpressionAndColumn(string expr, int column)
    {
        var ex = Assert.Throws<KubeException>(() => Policy($"  - name: c\n    type: cel\n    expression: \"{expr}\"\n"));
        Assert.Equal(KubeErrorKind.KubePolicyExpressionInvalid, ex.Kind);
        Assert.Contains($"column {column}", ex.Message);
        Assert.Contains(expr, ex.Message);
        Assert.Contains("test-policy.yaml, line 4", ex.Message);
    }

    [Theory]
    [InlineData("  - {name: a, type: nope}\n", 2, "unknown rule type nope")]
    [InlineData("  - {name: a, type: replicaRange}\n", 2, "needs min, max or both")]
    [InlineData("  - {name: a, type: forbidPrivileged, severity: mutate}\n", 2, "cannot mutate")]
    [InlineData("  - {name: a, type: requiredLabels, severity: mutate, labels: [team]}\n", 2, "needs a default value for team")]
    [InlineData("  - {name: a, type: forbidPrivileged}\n  - {name: a, type: forbidHostPID}\n", 3, "used twice")]
    [InlineData("  - {name: a, type: forbidPrivileged, colour: red}\n", 2, "unknown field colour")]
    [InlineData("  - {name: a, type: forbidPrivileged, severity: block}\n", 2, "severity must be deny, warn or mutate")]
    [InlineData("  - {name: a, type: forbidPrivileged\n", 3, "does not parse")]
    public void InvalidPolicyNamesFileAndLine(string rules, int line, string problem)
    {
        var ex = Assert.Throws<KubeException>(() => Policy(rules));
        Assert.Equal(KubeErrorKind.KubePolicyInvalid, ex.Kind);
        Assert.Contains($"test-policy.yaml, line {line}", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void SamplePolicyLoadsAndEvaluates200ObjectsQuickly()
    {
        var sample = Path.Combine(RepoRoot(), "docs", "examples", "policy", "kubeps-policy.yaml");
        var policy = PolicySet.Load(sample);
        Assert.True(policy.Rules.Count >= 15);
        var types = policy.Rules.Select(r => r.Type).ToHashSet();
        foreach (var t in PolicySet.RuleTypes.Where(t => t != "forbidHostIPC"))
        {
            Assert.Contains(t, types);
        }
        var subjects = Enumerable.Range(0, 200).Select(i => new PolicySubject
        {
            Object = (JsonObject)YamlReader.Read(i % 2 == 0 ? Deployment.Replace("name: web,", $"name: web{i},") : $"apiVersion: v1\nkind: Service\nmetadata: {{name: s{i}, namespace: shop}}\nspec: {{ports: [{{port: 80}}]}}\n").Single().Object,
            DefaultNamespace = "shop",
        }).ToList();
        PolicyEngine.Evaluate(policy, subjects.Take(5), new PolicyRequest { Context = "prod-eu" }); // warm up
        var sw = Stopwatch.StartNew();
        var e = PolicyEngine.Evaluate(policy, subjects, new PolicyRequest { Context = "prod-eu" });
        sw.Stop();
        output.WriteLine($"200 objects x {policy.Rules.Count} rules: {sw.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(200 * policy.Rules.Count, e.Results.Count());
    }

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "KubePS.psd1")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repo root not found");
        }
        return dir;
    }
}
