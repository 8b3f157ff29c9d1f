using System.Text.Json.Nodes;
using KubePS.Engine.Apply;
using KubePS.Engine.Deploy;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;
using Xunit;

namespace KubePS.Engine.Tests;

public class DeployReferenceTests
{
    private static JsonObject Obj(string yaml) => YamlReader.Read(yaml)[0].Object;

    [Fact]
    public void PodTemplateReferencesAreFoundWithTheirPlaces()
    {
        var refs = DeployReferences.Find(Obj("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api}
            spec:
              template:
                spec:
                  serviceAccountName: runner
                  imagePullSecrets: [{name: pull}]
                  volumes:
                    - {name: cfg, configMap: {name: files}}
                    - {name: sec, secret: {secretName: certs, optional: true}}
                    - {name: data, persistentVolumeClaim: {claimName: data}}
                  containers:
                    - name: main
                      envFrom: [{configMapRef: {name: settings}}, {secretRef: {name: creds}}]
                      env:
                        - {name: P, valueFrom: {secretKeyRef: {name: pw, key: p}}}
            """), "ns");
        var found = refs.Select(r => $"{r.Kind}/{r.Name}:{r.MustExist}").ToList();
        Assert.Equal(new[] { "ServiceAccount/runner:True", "Secret/pull:True", "ConfigMap/files:True", "Secret/certs:False", "PersistentVolumeClaim/data:True", "ConfigMap/settings:True", "Secret/creds:True", "Secret/pw:True" }, found);
        Assert.All(refs, r => Assert.Equal("ns", r.Namespace));
        Assert.Contains(refs, r => r.Detail == "spec.template.spec.containers[main].envFrom.configMapRef");
    }

    [Fact]
    public void DefaultServiceAccountIsNotAReference()
    {
        var refs = DeployReferences.Find(Obj("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccountName: default\n  containers: [{name: c, image: i}]\n"), "ns");
        Assert.Empty(refs);
    }

    [Fact]
    public void IngressBackendsAndBindingsAreReferences()
    {
        var ingress = DeployReferences.Find(Obj("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: front}
            spec:
              defaultBackend: {service: {name: fallback, port: {number: 80}}}
              rules:
                - host: a.example.com
                  http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
            """), "ns");
        Assert.Equal(new[] { "Service/fallback", "Service/api" }, ingress.Select(r => $"{r.Kind}/{r.Name}"));
        Assert.All(ingress, r => Assert.True(r.MustExist));

        var binding = DeployReferences.Find(Obj("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: b}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
            subjects: [{kind: ServiceAccount, name: runner}]
            """), "ns");
        Assert.Equal(new[] { "Role/reader", "ServiceAccount/runner" }, binding.Select(r => $"{r.Kind}/{r.Name}"));
        Assert.All(binding, r => Assert.False(r.MustExist));
    }

    [Theory]
    [InlineData("Deployment/db", "Deployment", null, "db", null)]
    [InlineData(" StatefulSet/data/db = Ready ", "StatefulSet", "data", "db", "Ready")]
    [InlineData("Job/migrate=Condition=Complete", "Job", null, "migrate", "Condition=Complete")]
    [InlineData("ConfigMap/x=Applied", "ConfigMap", null, "x", "Applied")]
    public void DependenciesParse(string text, string kind, string? ns, string name, string? gate)
    {
        var d = DeployReferences.ParseDependency(text)!;
        Assert.Equal((kind, ns, name, gate), (d.Kind, d.Namespace, d.Name, d.Gate));
    }

    [Theory]
    [InlineData("db")]
    [InlineData("a/b/c/d")]
    [InlineData("Deployment/")]
    public void BadDependenciesAreRejected(string text) => Assert.Null(DeployReferences.ParseDependency(text));

    [Fact]
    public void ListsSplitOnCommasAndNewlines() =>
        Assert.Equal(new[] { "ConfigMap/a", "Deployment/b", "Secret/c" }, DeployReferences.SplitList("ConfigMap/a, Deployment/b\nSecret/c,"));
}

public class DeployGraphTests
{
    private static DeployNode Node(string kind, string name)
    {
        var doc = new ManifestDocument { Object = new JsonObject { ["apiVersion"] = "v1", ["kind"] = kind, ["metadata"] = new JsonObject { ["name"] = name } }, Source = "t.yaml" };
        return new DeployNode
        {
            Key = new DeployKey("", kind, "ns", name),
            Object = new PlannedObject { Document = doc, Kind = kind, ApiVersion = "v1", Name = name, Namespace = "ns" },
        };
    }

    private static DeployPlan Plan(params DeployNode[] nodes)
    {
        var plan = new DeployPlan { Application = new DeployApplication { Name = "t" }, InventoryNamespace = "ns" };
        plan.Nodes.AddRange(nodes);
        return plan;
    }

    [Fact]
    public void LevelsAreTheLongestPathFromARoot()
    {
        var ns = Node("Namespace", "n");
        var cm = Node("ConfigMap", "c");
        var db = Node("StatefulSet", "db");
        var api = Node("Deployment", "api");
        DeployPlanner.AddEdge(cm, ns, DeployEdgeReason.Kind, DeployGate.Applied, "namespace");
        DeployPlanner.AddEdge(db, cm, DeployEdgeReason.Reference, DeployGate.Applied, "envFrom");
        DeployPlanner.AddEdge(api, db, DeployEdgeReason.Explicit, DeployGate.Ready, "annotation");
        DeployPlanner.AddEdge(api, ns, DeployEdgeReason.Kind, DeployGate.Applied, "namespace");
        var plan = Plan(api, db, cm, ns);
        Assert.True(DeployPlanner.Level(plan));
        Assert.Equal(new[] { "n:0", "c:1", "db:2", "api:3" }, plan.Nodes.Select(n => $"{n.Key.Name}:{n.Level}"));
        Assert.Empty(plan.Problems);
    }

    [Fact]
    public void EdgesToTheSameDependencyMergeKeepingTheStrongestReasonAndGate()
    {
        var a = Node("Deployment", "a");
        var b = Node("ConfigMap", "b");
        DeployPlanner.AddEdge(a, b, DeployEdgeReason.Kind, DeployGate.Applied, "kind");
        DeployPlanner.AddEdge(a, b, DeployEdgeReason.Explicit, DeployGate.Ready, "annotation");
        var e = Assert.Single(a.DependsOn);
        Assert.Equal(DeployEdgeReason.Explicit, e.Reason);
        Assert.Equal(DeployGate.Ready, e.Gate);
        Assert.Equal("kind; annotation", e.Detail);
        Assert.Single(b.Dependents);
    }

    [Fact]
    public void ACycleIsReportedWithItsPath()
    {
        var a = Node("ConfigMap", "a");
        var b = Node("ConfigMap", "b");
        var c = Node("ConfigMap", "c");
        var free = Node("ConfigMap", "free");
        DeployPlanner.AddEdge(a, b, DeployEdgeReason.Explicit, DeployGate.Applied, "annotation");
        DeployPlanner.AddEdge(b, c, DeployEdgeReason.Reference, DeployGate.Applied, "ref");
        DeployPlanner.AddEdge(c, a, DeployEdgeReason.Explicit, DeployGate.Applied, "kubeps.yaml");
        var plan = Plan(free, a, b, c);
        Assert.False(DeployPlanner.Level(plan));
        var p = Assert.Single(plan.Problems);
        Assert.Equal(KubeErrorKind.KubeDeployCycle, p.Error.Kind);
        Assert.Contains("ConfigMap/ns/a -> ConfigMap/ns/b -> ConfigMap/ns/c -> ConfigMap/ns/a", p.Error.Message);
        Assert.Contains("-[reference: ref]->", p.Error.Message);
    }
}

public class DeployApplicationTests
{
    [Fact]
    public void ReadsTheApplicationFile()
    {
        using var dir = new TempDir();
        var file = dir.Write("kubeps.yaml", """
            apiVersion: kubeps.io/v1alpha1
            kind: Application
            metadata: {name: shop}
            spec:
              namespace: shop
              inventoryNamespace: ops
              timeout: 5m
              concurrency: 4
              sources: [{path: manifests}, extra.yaml]
              resources:
                - match: Deployment/api
                  dependsOn: [StatefulSet/db, Job/migrate]
                - match: Job/migrate
                  waitFor: Condition=Complete
            """);
        var app = DeployApplication.Load(file);
        Assert.Equal(("shop", "shop", "ops", 4), (app.Name, app.Namespace, app.InventoryNamespace, app.Concurrency));
        Assert.Equal(TimeSpan.FromMinutes(5), app.Timeout);
        Assert.Equal(new[] { ("path", "manifests"), ("path", "extra.yaml") }, app.Sources);
        Assert.Equal(new[] { "StatefulSet/db", "Job/migrate" }, app.Resources[0].DependsOn);
        Assert.Equal("Condition=Complete", app.Resources[1].WaitFor);
        Assert.Equal(Path.Combine(dir.Path, "manifests"), app.ResolvePath("manifests"));
        Assert.Equal(file, DeployApplication.FindFile(dir.Path));
    }

    [Theory]
    [InlineData("kind: Deployment\nmetadata: {name: x}\n", "kind: Application")]
    [InlineData("metadata: {name: x}\nspec: {sources: [{helm: chart}]}\n", "unknown source \"helm\"")]
    [InlineData("metadata: {name: x}\nspec: {resources: [{match: Job/j, waitFor: Sometime}]}\n", "waitFor")]
    [InlineData("metadata: {name: Bad_Name}\n", "application name")]
    [InlineData("metadata: {name: x}\nspec: {timeout: soon}\n", "timeout")]
    public void BadApplicationFilesNameTheProblem(string yaml, string expected)
    {
        using var dir = new TempDir();
        var file = dir.Write("kubeps.yaml", yaml);
        var ex = Assert.Throws<KubeException>(() => DeployApplication.Load(file));
        Assert.Equal(KubeErrorKind.KubeDeployApplicationInvalid, ex.Kind);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task SourcesCanBeRegisteredByOtherFeatures()
    {
        DeploySourceRegistry.Register("test-rendered", (value, app) => new ObjectDocumentSource(YamlReader.Read($"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {value}}}\n"), "rendered"));
        using var dir = new TempDir();
        var app = DeployApplication.Load(dir.Write("kubeps.yaml", "metadata: {name: x}\nspec: {sources: [{test-rendered: made}]}\n"));
        var source = DeploySourceRegistry.Create(app.Sources[0].Key, app.Sources[0].Value, app)!;
        var docs = await source.ReadAsync(new DeploySourceContext(app, "default"), new List<KubeException>(), CancellationToken.None);
        Assert.Equal("made", Assert.Single(docs).Name);
    }

    [Theory]
    [InlineData("300", 300)]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("00:02:00", 120)]
    public void DurationsParse(string text, double seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), DeployApplication.ParseDuration(text));
}
