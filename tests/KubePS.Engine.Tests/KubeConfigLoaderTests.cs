using KubePS.Engine.Connection;
using KubePS.Engine.Errors;
using Xunit;

namespace KubePS.Engine.Tests;

public sealed class KubeConfigLoaderTests
{
    [Fact]
    public void Merge_FirstFileToSetAValueWins()
    {
        using var dir = new TempDir();
        var first = dir.Write("a", """
            current-context: alpha
            clusters:
            - name: shared
              cluster: {server: "https://first:6443"}
            contexts:
            - name: alpha
              context: {cluster: shared, user: ua, namespace: from-first}
            users:
            - name: ua
              user: {token: t1}
            """);
        var second = dir.Write("b", """
            current-context: beta
            clusters:
            - name: shared
              cluster: {server: "https://second:6443"}
            - name: other
              cluster: {server: "https://other:6443"}
            contexts:
            - name: alpha
              context: {cluster: other, user: ua, namespace: from-second}
            - name: beta
              context: {cluster: other, user: ub}
            users:
            - name: ub
              user: {token: t2}
            """);

        var merged = KubeConfigLoader.Merge(new[] { KubeConfigLoader.ParseFile(first), KubeConfigLoader.ParseFile(second) });

        Assert.Equal("alpha", merged.CurrentContext);
        Assert.Equal(first, merged.CurrentContextFile);
        Assert.Equal("https://first:6443", merged.Clusters["shared"].Server);
        Assert.Equal("https://other:6443", merged.Clusters["other"].Server);
        Assert.Equal("from-first", merged.Contexts["alpha"].Namespace);
        Assert.Equal(first, merged.Contexts["alpha"].Source.File);
        Assert.Equal(new[] { "alpha", "beta" }, merged.ContextNames);
        Assert.Equal("t2", merged.Users["ub"].Token);
    }

    [Fact]
    public void KubeconfigVariable_ListsSeveralFiles_SkipsMissingOnes()
    {
        using var dir = new TempDir();
        var a = dir.Write("a", "current-context: \"\"\ncontexts:\n- name: one\n  context: {cluster: c, user: u}\n");
        var b = dir.Write("b", "current-context: two\ncontexts:\n- name: two\n  context: {cluster: c, user: u}\n");
        var missing = Path.Combine(dir.Path, "missing");
        var previous = KubeConfigLoader.GetEnvironmentVariable;
        try
        {
            var value = string.Join(Path.PathSeparator, a, missing, b);
            KubeConfigLoader.GetEnvironmentVariable = name => name == "KUBECONFIG" ? value : previous(name);
            var (paths, isExplicit) = KubeConfigLoader.ResolvePaths(null);
            Assert.False(isExplicit);
            Assert.Equal(new[] { a, missing, b }, paths);

            var set = KubeConfigLoader.Load(null);
            Assert.Equal(new[] { a, b }, set.Files);
            Assert.Equal("two", set.CurrentContext); // an empty current-context does not win
            Assert.Equal(new[] { "one", "two" }, set.ContextNames);
        }
        finally
        {
            KubeConfigLoader.GetEnvironmentVariable = previous;
        }
    }

    [Fact]
    public void ExplicitPath_Missing_IsConfigNotFound()
    {
        var ex = Assert.Throws<KubeException>(() => KubeConfigLoader.Load("/nonexistent/kubeconfig"));
        Assert.Equal(KubeErrorKind.KubeConfigNotFound, ex.Kind);
        Assert.Contains("/nonexistent/kubeconfig", ex.Message);
    }

    [Fact]
    public void NoFileAndNotInCluster_IsConfigNotFound()
    {
        using var dir = new TempDir();
        var previousEnv = KubeConfigLoader.GetEnvironmentVariable;
        var previousProbe = KubeConfigLoader.IsInCluster;
        try
        {
            KubeConfigLoader.GetEnvironmentVariable = name => name == "HOME" ? dir.Path : null;
            KubeConfigLoader.IsInCluster = () => false;
            var ex = Assert.Throws<KubeException>(() => KubeConfigLoader.Load(null));
            Assert.Equal(KubeErrorKind.KubeConfigNotFound, ex.Kind);
            Assert.Contains(Path.Combine(dir.Path, ".kube", "config"), ex.Message);
        }
        finally
        {
            KubeConfigLoader.GetEnvironmentVariable = previousEnv;
            KubeConfigLoader.IsInCluster = previousProbe;
        }
    }

    [Fact]
    public void MalformedYaml_NamesFileAndLine()
    {
        using var dir = new TempDir();
        var path = dir.Write("bad", "apiVersion: v1\nclusters:\n- name: c1\n  cluster:\n    server: [unclosed\ncontexts: []\n");
        var ex = Assert.Throws<KubeException>(() => KubeConfigLoader.ParseFile(path));
        Assert.Equal(KubeErrorKind.KubeConfigInvalid, ex.Kind);
        Assert.Contains(path, ex.Message);
        Assert.Matches(@"line [56]\b", ex.Message);
    }

    [Fact]
    public void WrongShape_NamesFileAndLine()
    {
        using var dir = new TempDir();
        var path = dir.Write("shape", "apiVersion: v1\nkind: Config\nclusters: not-a-list\n");
        var ex = Assert.Throws<KubeException>(() => KubeConfigLoader.ParseFile(path));
        Assert.Equal(KubeErrorKind.KubeConfigInvalid, ex.Kind);
        Assert.Contains($"'{path}' at line 3", ex.Message);
        Assert.Contains("'clusters' must be a list", ex.Message);
    }

    [Fact]
    public void EmptyFile_IsAnEmptyConfig()
    {
        using var dir = new TempDir();
        var parsed = KubeConfigLoader.ParseFile(dir.Write("empty", ""));
        Assert.Empty(parsed.Contexts);
    }

    [Fact]
    public void RelativePaths_ResolveAgainstTheFile()
    {
        using var dir = new TempDir();
        var path = dir.Write("cfg", """
            clusters:
            - name: c
              cluster: {server: "https://x", certificate-authority: certs/ca.crt}
            users:
            - name: u
              user: {client-certificate: u.crt, client-key: u.key, tokenFile: tok}
            """);
        var parsed = KubeConfigLoader.ParseFile(path);
        Assert.Equal(Path.Combine(dir.Path, "certs", "ca.crt"), parsed.Clusters[0].CertificateAuthority);
        Assert.Equal(Path.Combine(dir.Path, "tok"), parsed.Users[0].TokenFile);
    }

    [Fact]
    public void MissingContext_ListsKnownOnes()
    {
        using var dir = new TempDir();
        var set = KubeConfigLoader.Load(dir.Write("cfg", Configs.Simple()));
        var ex = Assert.Throws<KubeException>(() => KubeConnectionFactory.ResolveContextName(set, "staging"));
        Assert.Equal(KubeErrorKind.KubeContextNotFound, ex.Kind);
        Assert.Contains("'staging'", ex.Message);
        Assert.Contains("dev, prod", ex.Message);
    }

    [Fact]
    public void Contexts_MarkTheCurrentOne()
    {
        using var dir = new TempDir();
        var set = KubeConfigLoader.Load(dir.Write("cfg", Configs.Simple()));
        var contexts = KubeContextService.GetContexts(set);
        Assert.Equal(new[] { "dev", "prod" }, contexts.Select(c => c.Name));
        Assert.True(contexts[0].IsCurrent);
        Assert.False(contexts[1].IsCurrent);
        Assert.Equal("team-a", contexts[0].Namespace);
        Assert.Equal("https://127.0.0.1:6443", contexts[0].Server);
        Assert.True(KubeContextService.GetContexts(set, "prod")[1].IsCurrent);
    }
}
