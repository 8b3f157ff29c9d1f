using System.Text.Json.Nodes;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;
using Xunit;

namespace KubePS.Engine.Tests;

public class YamlTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: app
          labels:
            tier: "1"
        data:
          port: "8080"
          enabled: "true"
          empty: ""
          script: |
            echo one
            echo two
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
          paused: false
          template:
            spec:
              containers:
                - name: web
                  image: nginx:1.27
                  args: ["--port", "80"]
        """;

    [Fact]
    public void Reads_documents_with_kubernetes_scalar_types()
    {
        var docs = YamlReader.Read(Manifest, "app.yaml");
        Assert.Equal(2, docs.Count);
        Assert.Equal("ConfigMap", docs[0].Kind);
        Assert.Equal("8080", docs[0].Object["data"]!["port"]!.GetValue<string>());
        Assert.Equal(3, docs[1].Object["spec"]!["replicas"]!.GetValue<long>());
        Assert.False(docs[1].Object["spec"]!["paused"]!.GetValue<bool>());
        Assert.Equal(1, docs[1].Index);
        Assert.True(docs[1].Line > 10);
    }

    [Fact]
    public void Round_trips_without_losing_or_retyping_anything()
    {
        var docs = YamlReader.Read(Manifest);
        var text = YamlWriter.WriteAll(docs.Select(d => (JsonNode)d.Object));
        var again = YamlReader.Read(text);
        Assert.Equal(docs.Count, again.Count);
        for (var i = 0; i < docs.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(docs[i].Object, again[i].Object), text);
        }
        Assert.Contains("port: '8080'", text);
        Assert.Contains("enabled: 'true'", text);
        Assert.Contains("script: |", text);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("123")]
    [InlineData("1.5")]
    [InlineData("a: b")]
    [InlineData("- x")]
    [InlineData("#tag")]
    [InlineData(" lead")]
    [InlineData("null")]
    [InlineData("tab\there")]
    [InlineData("quote'inside: x")]
    public void Quotes_strings_that_would_read_back_as_something_else(string value)
    {
        var obj = new JsonObject { ["v"] = value };
        var back = YamlReader.Read(YamlWriter.Write(obj))[0].Object["v"]!.GetValue<string>();
        Assert.Equal(value, back);
    }

    [Fact]
    public void A_syntax_error_names_source_document_and_line()
    {
        var bad = "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: [unclosed\n";
        var ex = Assert.Throws<KubeException>(() => YamlReader.Read(bad, "bad.yaml"));
        Assert.Equal(KubeErrorKind.KubeYamlInvalid, ex.Kind);
        Assert.Contains("bad.yaml", ex.Message);
        Assert.Contains("document 2", ex.Message);
        Assert.Contains("line", ex.Message);
    }

    [Fact]
    public void Strips_managed_fields()
    {
        var o = JsonNode.Parse("""{"metadata":{"name":"a","managedFields":[{"manager":"kubectl"}]}}""");
        YamlWriter.StripManagedFields(o);
        Assert.DoesNotContain("managedFields", YamlWriter.Write(o));
    }
}
