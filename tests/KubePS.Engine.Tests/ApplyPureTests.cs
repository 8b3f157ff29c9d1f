using System.Text.Json.Nodes;
using KubePS.Engine.Apply;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;
using Xunit;

namespace KubePS.Engine.Tests;

public class ApplyOrderingTests
{
    [Fact]
    public void CrdsAndNamespacesComeFirstWebhooksLast()
    {
        var kinds = new[] { "Deployment", "ValidatingWebhookConfiguration", "ConfigMap", "Namespace", "Widget", "CustomResourceDefinition", "Service", "ServiceAccount" };
        var waves = ApplyOrdering.InWaves(kinds, k => k);
        Assert.Equal(new[] { "Namespace", "CustomResourceDefinition" }, waves[0]);
        Assert.Equal(new[] { "ConfigMap", "ServiceAccount" }, waves[1]);
        Assert.Equal(new[] { "Deployment", "Widget", "Service" }, waves[2]);
        Assert.Equal(new[] { "ValidatingWebhookConfiguration" }, waves[3]);
    }

    [Fact]
    public void DeleteOrderIsTheReverse()
    {
        var waves = ApplyOrdering.InDeleteWaves(new[] { "Namespace", "Deployment", "ConfigMap" }, k => k);
        Assert.Equal(new[] { "Deployment", "ConfigMap", "Namespace" }, waves.SelectMany(w => w));
    }

    [Fact]
    public void CrdDefinesReadsGroupAndKind()
    {
        var crd = JsonNode.Parse("""{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","names":{"kind":"Widget","plural":"widgets"}}}""")!.AsObject();
        Assert.Equal(("example.com", "Widget", "widgets"), ApplyOrdering.CrdDefines(crd));
        Assert.Null(ApplyOrdering.CrdDefines(JsonNode.Parse("""{"kind":"ConfigMap"}""")!.AsObject()));
    }
}

public class ResourceDiffTests
{
    [Fact]
    public void ChangedPathsIgnoreServerFields()
    {
        var live = JsonNode.Parse("""{"metadata":{"name":"a","resourceVersion":"5","generation":2,"managedFields":[{"manager":"x"}],"labels":{"app":"web","app.kubernetes.io/name":"x"}},"spec":{"replicas":2,"containers":[{"name":"c","image":"a:1"}]}}""");
        var desired = JsonNode.Parse("""{"metadata":{"name":"a","resourceVersion":"6","generation":3,"labels":{"app":"web","app.kubernetes.io/name":"y"}},"spec":{"replicas":3,"containers":[{"name":"c","image":"a:2"},{"name":"d"}]}}""");
        var paths = ResourceDiff.ChangedPaths(ResourceDiff.Normalize(live), ResourceDiff.Normalize(desired));
        Assert.Equal(new[] { "$.metadata.labels['app.kubernetes.io/name']", "$.spec.containers[0].image", "$.spec.containers[1]", "$.spec.replicas" }, paths);
    }

    [Fact]
    public void EqualObjectsHaveNoPathsAndNoDiff()
    {
        var a = JsonNode.Parse("""{"metadata":{"name":"a","uid":"1"},"data":{"k":"v"}}""");
        var b = JsonNode.Parse("""{"metadata":{"name":"a","uid":"2","creationTimestamp":"x"},"data":{"k":"v"}}""");
        Assert.Empty(ResourceDiff.ChangedPaths(ResourceDiff.Normalize(a), ResourceDiff.Normalize(b)));
        Assert.Equal("", ResourceDiff.UnifiedDiff("a\nb\n", "a\nb\n", "x"));
    }

    [Fact]
    public void UnifiedDiffHasHeadersHunksAndContext()
    {
        var before = string.Join("\n", Enumerable.Range(1, 20).Select(i => "line" + i)) + "\n";
        var after = before.Replace("line10\n", "line10 changed\n", StringComparison.Ordinal);
        var diff = ResourceDiff.UnifiedDiff(before, after, "ConfigMap/x");
        var lines = diff.TrimEnd('\n').Split('\n');
        Assert.Equal("--- ConfigMap/x (live)", lines[0]);
        Assert.Equal("+++ ConfigMap/x (desired)", lines[1]);
        Assert.Equal("@@ -7,7 +7,7 @@", lines[2]);
        Assert.Equal(new[] { " line7", " line8", " line9", "-line10", "+line10 changed", " line11", " line12", " line13" }, lines[3..]);
    }

    [Fact]
    public void UnifiedDiffOfNewObjectIsAllAdditions()
    {
        var diff = ResourceDiff.UnifiedDiff("", "a: 1\nb: 2\n", "x");
        Assert.Contains("@@ -0,0 +1,2 @@", diff, StringComparison.Ordinal);
        Assert.Contains("+a: 1\n+b: 2\n", diff, StringComparison.Ordinal);
    }
}

public class MetadataEditTests
{
    [Fact]
    public void ParsesSetAndRemove()
    {
        var edits = MetadataEdits.Parse(new[] { "app=web", "example.com/tier=", "old-" });
        Assert.Equal(new MetadataEdit("app", "web"), edits[0]);
        Assert.Equal(new MetadataEdit("example.com/tier", ""), edits[1]);
        Assert.True(edits[2].Remove);
        Assert.Equal("old", edits[2].Key);
    }

    [Theory]
    [InlineData("noequals")]
    [InlineData("=value")]
    [InlineData("-")]
    [InlineData("bad key=1")]
    [InlineData("-lead=1")]
    public void RejectsMalformedEdits(string spec)
    {
        var ex = Assert.Throws<KubeException>(() => MetadataEdits.Parse(new[] { spec }));
        Assert.Equal(KubeErrorKind.KubeBadRequest, ex.Kind);
    }

    [Fact]
    public void RejectsTheSameKeyTwice()
    {
        Assert.Throws<KubeException>(() => MetadataEdits.Parse(new[] { "a=1", "a-" }));
    }

    [Fact]
    public void OverwriteRuleFollowsKubectl()
    {
        var current = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" };
        // Same value: nothing to do. New key: set. Removing an absent key: nothing.
        Assert.Equal(new Dictionary<string, string?> { ["new"] = "1" }, MetadataEdits.Plan(current, MetadataEdits.Parse(new[] { "app=web", "new=1", "absent-" }), false, "label", "x"));
        // Changing a value needs overwrite.
        var ex = Assert.Throws<KubeException>(() => MetadataEdits.Plan(current, MetadataEdits.Parse(new[] { "tier=back" }), false, "label", "Deployment/web"));
        Assert.Equal(KubeErrorKind.KubeOverwriteRequired, ex.Kind);
        Assert.Contains("'tier' already has a value (front)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, string?> { ["tier"] = "back", ["app"] = null }, MetadataEdits.Plan(current, MetadataEdits.Parse(new[] { "tier=back", "app-" }), true, "label", "x"));
        // Removal never needs overwrite.
        Assert.Equal(new Dictionary<string, string?> { ["app"] = null }, MetadataEdits.Plan(current, MetadataEdits.Parse(new[] { "app-" }), false, "label", "x"));
    }
}

public class ManifestCollectorTests
{
    [Fact]
    public void ExpandsDirectoriesGlobsAndRecursion()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "b.yaml"), "a: 1");
        File.WriteAllText(Path.Combine(dir.Path, "a.yml"), "a: 1");
        File.WriteAllText(Path.Combine(dir.Path, "c.json"), "{}");
        File.WriteAllText(Path.Combine(dir.Path, "readme.md"), "x");
        Directory.CreateDirectory(Path.Combine(dir.Path, "sub"));
        File.WriteAllText(Path.Combine(dir.Path, "sub", "d.yaml"), "a: 1");
        Assert.Equal(new[] { "a.yml", "b.yaml", "c.json" }, ManifestCollector.ExpandPath(dir.Path, false).Select(Path.GetFileName));
        Assert.Equal(4, ManifestCollector.ExpandPath(dir.Path, true).Count);
        Assert.Equal(new[] { "b.yaml" }, ManifestCollector.ExpandPath(Path.Combine(dir.Path, "b*"), false).Select(Path.GetFileName));
        var ex = Assert.Throws<KubeException>(() => ManifestCollector.ExpandPath(Path.Combine(dir.Path, "nothing*.yaml"), false));
        Assert.Equal(KubeErrorKind.KubeManifestNotFound, ex.Kind);
    }

    [Fact]
    public void ShapeCheckNamesWhatIsMissing()
    {
        var docs = YamlReader.Read("kind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n", "m.yaml");
        var first = ManifestCollector.CheckShape(docs[0]);
        Assert.NotNull(first);
        Assert.Equal(KubeErrorKind.KubeManifestInvalid, first!.Kind);
        Assert.Contains("m.yaml (document 1, line 1)", first.Message, StringComparison.Ordinal);
        Assert.Contains("no apiVersion", first.Message, StringComparison.Ordinal);
        Assert.Contains("no metadata.name", ManifestCollector.CheckShape(docs[1])!.Message, StringComparison.Ordinal);
        Assert.Null(ManifestCollector.CheckShape(docs[2]));
    }

    [Fact]
    public void UnclosedFlowCollectionIsAYamlErrorNamingTheDocument()
    {
        var ex = Assert.Throws<KubeException>(() => YamlReader.Read("a: 1\n---\nmetadata:\n  name: [broken\n", "m.yaml"));
        Assert.Equal(KubeErrorKind.KubeYamlInvalid, ex.Kind);
        Assert.Contains("document 2", ex.Message, StringComparison.Ordinal);
        Assert.Matches("line [345]", ex.Message);
    }
}
