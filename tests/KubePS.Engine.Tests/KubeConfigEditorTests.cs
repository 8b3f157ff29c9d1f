using KubePS.Engine.Connection;
using Xunit;

namespace KubePS.Engine.Tests;

public sealed class KubeConfigEditorTests
{
    private const string Original = """
        # keep this comment
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: QUJD   # inline comment
            server: https://127.0.0.1:6443
          name: c1
        contexts:
        - context:
            cluster: c1
            user: u1
          name: dev
        - context:
            cluster: c1
            namespace: old-ns
            user: u1
          name: prod
        current-context: dev   # the default
        kind: Config
        users:
        - name: u1
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: kubelogin
              args: [get-token, --server-id, "abc"]
        """;

    [Fact]
    public void SetCurrentContext_ChangesOnlyThatValue()
    {
        using var dir = new TempDir();
        var path = dir.Write("cfg", Original);
        KubeConfigEditor.SetCurrentContext(path, "prod");
        Assert.Equal(Original.Replace("current-context: dev   #", "current-context: prod   #"), File.ReadAllText(path));
    }

    [Fact]
    public void SetNamespace_ReplacesAnExistingValue()
    {
        using var dir = new TempDir();
        var path = dir.Write("cfg", Original);
        KubeConfigEditor.SetContextNamespace(path, "prod", "new-ns");
        Assert.Equal(Original.Replace("namespace: old-ns", "namespace: new-ns"), File.ReadAllText(path));
    }

    [Fact]
    public void SetNamespace_InsertsOneLineWhenAbsent()
    {
        using var dir = new TempDir();
        var path = dir.Write("cfg", Original);
        KubeConfigEditor.SetContextNamespace(path, "dev", "team-a");
        var expected = Original.Replace("- context:\n    cluster: c1\n    user: u1\n  name: dev", "- context:\n    namespace: team-a\n    cluster: c1\n    user: u1\n  name: dev");
        Assert.Equal(expected, File.ReadAllText(path));
        Assert.Equal("team-a", KubeConfigLoader.ParseFile(path).Contexts[0].Namespace);
    }

    [Fact]
    public void SetCurrentContext_AppendsWhenAbsent_AndKeepsCrLf()
    {
        using var dir = new TempDir();
        var text = "apiVersion: v1\r\ncontexts:\r\n- name: a\r\n  context: {cluster: c, user: u}\r\n";
        var path = dir.Write("cfg", text);
        KubeConfigEditor.SetCurrentContext(path, "a");
        Assert.Equal(text + "current-context: a\r\n", File.ReadAllText(path));
    }

    [Fact]
    public void JsonKubeconfig_StaysJson()
    {
        using var dir = new TempDir();
        var text = """{"apiVersion": "v1", "contexts": [{"name": "a", "context": {"cluster": "c", "user": "u"}}], "current-context": "b"}""";
        var path = dir.Write("cfg", text);
        KubeConfigEditor.SetCurrentContext(path, "a");
        KubeConfigEditor.SetContextNamespace(path, "a", "ns1");
        Assert.Equal("""{"apiVersion": "v1", "contexts": [{"name": "a", "context": {"namespace": "ns1", "cluster": "c", "user": "u"}}], "current-context": "a"}""", File.ReadAllText(path));
    }

    [Fact]
    public void OddNames_AreQuoted()
    {
        Assert.Equal("arn:aws:eks:us-east-1:123:cluster/prod", KubeConfigEditor.FormatScalar("arn:aws:eks:us-east-1:123:cluster/prod", YamlDotNet.Core.ScalarStyle.Plain, false));
        Assert.Equal("\"true\"", KubeConfigEditor.FormatScalar("true", YamlDotNet.Core.ScalarStyle.Plain, false));
        Assert.Equal("\"my context\"", KubeConfigEditor.FormatScalar("my context", YamlDotNet.Core.ScalarStyle.Plain, false));
    }
}
