using System.Text;
using KubePS.Engine.Ci;
using KubePS.Engine.Connection;
using Xunit;

namespace KubePS.Engine.Tests;

public sealed class CiTests
{
    private static CiEnvironment Env(params (string Key, string Value)[] vars)
    {
        var map = vars.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        return CiEnvironment.Detect(k => map.TryGetValue(k, out var v) ? v : null);
    }

    [Fact]
    public void Detects_each_platform_and_plain_ci()
    {
        Assert.Equal(CiPlatform.GitHubActions, Env(("GITHUB_ACTIONS", "true")).Platform);
        Assert.Equal(CiPlatform.AzurePipelines, Env(("TF_BUILD", "True")).Platform);
        Assert.Equal(CiPlatform.None, Env(("GITHUB_ACTIONS", "false")).Platform);
        var plain = Env(("CI", "true"));
        Assert.Equal(CiPlatform.None, plain.Platform);
        Assert.True(plain.IsCi);
        Assert.False(plain.SupportsAnnotations);
        Assert.False(Env(("CI", "false")).IsCi);
        Assert.False(Env().IsCi);
        Assert.True(Env(("NO_COLOR", "1")).NoColor);
        Assert.True(Env(("GITHUB_ACTIONS", "true")).AnnotationsByDefault);
        Assert.False(Env(("GITHUB_ACTIONS", "true"), ("KUBEPS_CI_ANNOTATIONS", "false")).AnnotationsByDefault);
        Assert.False(Env(("CI", "true")).AnnotationsByDefault);
        var gh = Env(("GITHUB_ACTIONS", "true"), ("GITHUB_WORKSPACE", "/w"), ("GITHUB_STEP_SUMMARY", "/s.md"), ("RUNNER_TEMP", "/t"));
        Assert.Equal("/w", gh.Workspace);
        Assert.Equal("/s.md", gh.StepSummaryPath);
        Assert.Equal("/t", gh.TempDirectory);
        var az = Env(("TF_BUILD", "True"), ("BUILD_SOURCESDIRECTORY", "/src"), ("AGENT_TEMPDIRECTORY", "/tmp/a"));
        Assert.Equal("/src", az.Workspace);
        Assert.Equal("/tmp/a", az.TempDirectory);
        Assert.Null(az.StepSummaryPath);
    }

    [Fact]
    public void GitHub_escapes_data_and_properties()
    {
        var line = CiAnnotationFormatter.GitHub(new CiAnnotation
        {
            Message = "50% of pods\r\nfailed: see a,b",
            File = "deploy/web,v1:a.yaml",
            Line = 12,
            Title = "KubeDeployNodeFailed: x",
        });
        Assert.Equal("::error file=deploy/web%2Cv1%3Aa.yaml,line=12,title=KubeDeployNodeFailed%3A x::50%25 of pods%0D%0Afailed: see a,b", line);
        Assert.Equal("::warning::plain", CiAnnotationFormatter.GitHub(new CiAnnotation { Severity = CiSeverity.Warning, Message = "plain" }));
    }

    [Fact]
    public void Azure_escapes_message_and_properties()
    {
        var line = CiAnnotationFormatter.Azure(new CiAnnotation
        {
            Message = "100% [done]; next\nline",
            File = "/src/a;b].yaml",
            Line = 3,
            Title = "KubeWaitFailed",
        });
        Assert.Equal("##vso[task.logissue type=error;sourcepath=/src/a%3Bb%5D.yaml;linenumber=3;code=KubeWaitFailed;]100%AZP25 [done]; next%0Aline", line);
        Assert.Equal("##vso[task.logissue type=warning;]w", CiAnnotationFormatter.Azure(new CiAnnotation { Severity = CiSeverity.Warning, Message = "w" }));
    }

    [Fact]
    public void Paths_are_relative_to_the_workspace_on_GitHub_and_absolute_on_Azure()
    {
        using var dir = new TempDir();
        var file = dir.Write("web.yaml", "x: 1");
        var gh = CiAnnotationFormatter.Format(new CiAnnotation { Message = "m", File = file, Line = 2 },
            Env(("GITHUB_ACTIONS", "true"), ("GITHUB_WORKSPACE", dir.Path)), new CiRedactor());
        Assert.Equal("::error file=web.yaml,line=2::m", gh);
        var outside = CiPaths.ForGitHub(file, "/somewhere/else");
        Assert.Equal(Path.GetFullPath(file).Replace('\\', '/'), outside);
        var az = CiAnnotationFormatter.Format(new CiAnnotation { Message = "m", File = file, Line = 2 }, Env(("TF_BUILD", "True")), new CiRedactor());
        Assert.Equal($"##vso[task.logissue type=error;sourcepath={CiAnnotationFormatter.AzureProperty(Path.GetFullPath(file))};linenumber=2;]m", az);
        Assert.Null(CiAnnotationFormatter.Format(new CiAnnotation { Message = "m" }, Env(), new CiRedactor()));
        Assert.Null(CiPaths.ForGitHub("<string>", null));
    }

    [Fact]
    public void Finds_the_file_and_line_in_what_the_engine_writes()
    {
        Assert.Equal(new CiSourceLocation("/r/app/web.yaml", 14), CiLocation.Find(false, "/r/app/web.yaml (document 2, line 14)"));
        Assert.Equal(new CiSourceLocation("/r/a.yaml", 7),
            CiLocation.Find(false, null, "Denied:\n  Deployment/x/web (/r/a.yaml (document 1, line 7)): rule no-latest"));
        Assert.Equal(new CiSourceLocation("/r/bad.yaml", 3), CiLocation.Find(false, "/r/bad.yaml: YAML syntax error in document 1 at line 3, column 5: oops"));
        Assert.Equal(new CiSourceLocation("/r/m.yml", 9), CiLocation.Find(false, "/r/m.yml:9: a manifest document lacks kind or metadata.name."));
        Assert.Equal(new CiSourceLocation("/r/policy.yaml", 4), CiLocation.Find(false, "/r/policy.yaml, line 4: the policy does not parse"));
        Assert.Null(CiLocation.Find(false, "Deployment/demo/web failed: CrashLoopBackOff"));
        // By default only files that exist count.
        Assert.Null(CiLocation.Find(true, "/does/not/exist.yaml (document 1, line 1)"));
        using var dir = new TempDir();
        var f = dir.Write("real.yaml", "a: 1");
        Assert.Equal(new CiSourceLocation(f, 1), CiLocation.Find(true, $"{f} (document 1, line 1)"));
        Assert.Equal(new CiSourceLocation(f, null), CiLocation.Find(true, f));
        // A target naming only the file does not hide the line the message gives.
        Assert.Equal(new CiSourceLocation(f, 4), CiLocation.Find(true, f, $"{f}: YAML syntax error in document 2 at line 4, column 1: x"));
    }

    [Fact]
    public void Secrets_never_reach_annotations()
    {
        const string token = "s3cr3t-t0ken-value-123456";
        var kubeconfig = $"apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user:\n    token: {token}\n";
        var redactor = CiRedactor.FromEnvironment(k => k == KubeConfigContent.EnvironmentVariable ? Convert.ToBase64String(Encoding.UTF8.GetBytes(kubeconfig)) : null);
        var text = redactor.Redact($"call failed with token {token}; Authorization: Bearer abcdefghijklmnop; jwt eyJhbGciOi.eyJzdWIiOiJ4.c2lnbmF0dXJl; password=hunter22");
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdefghijklmnop", text, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJhbGciOi", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter22", text, StringComparison.Ordinal);
        var line = CiAnnotationFormatter.Format(new CiAnnotation { Message = "token " + token }, Env(("GITHUB_ACTIONS", "true")), redactor);
        Assert.Equal("::error::token ***", line);
    }

    [Fact]
    public void Summary_is_a_markdown_table_appended_on_GitHub()
    {
        using var dir = new TempDir();
        var summaryFile = dir.Write("summary.md", "earlier step\n");
        var summary = new CiSummary
        {
            Title = "KubePS deploy shop: FAILED in 3.20s",
            Rows = new[]
            {
                new CiSummaryRow("ConfigMap/shop/config", "Created", "Applied", TimeSpan.FromMilliseconds(120)),
                new CiSummaryRow("Deployment/shop/web", "Created", "Failed", TimeSpan.FromSeconds(2.5), "CrashLoopBackOff | restarts 3"),
                new CiSummaryRow("Service/shop/web", "", "Skipped", null),
            },
            Footer = "1/3 done",
        };
        var lines = summary.Publish(Env(("GITHUB_ACTIONS", "true"), ("GITHUB_STEP_SUMMARY", summaryFile)), new CiRedactor());
        Assert.Empty(lines);
        var text = File.ReadAllText(summaryFile);
        Assert.StartsWith("earlier step\n### KubePS deploy shop: FAILED in 3.20s\n", text, StringComparison.Ordinal);
        Assert.Contains("| Resource | Action | Status | Time |", text, StringComparison.Ordinal);
        Assert.Contains("| ConfigMap/shop/config | Created | Applied | 0.12s |", text, StringComparison.Ordinal);
        Assert.Contains("| Deployment/shop/web | Created | Failed: CrashLoopBackOff \\| restarts 3 | 2.50s |", text, StringComparison.Ordinal);
        Assert.Contains("| Service/shop/web |  | Skipped |  |", text, StringComparison.Ordinal);
        Assert.Contains("1/3 done", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_is_uploaded_as_a_file_on_Azure()
    {
        using var dir = new TempDir();
        var summary = new CiSummary { Title = "t", Rows = new[] { new CiSummaryRow("ConfigMap/a/b", "Created", "Applied", TimeSpan.FromSeconds(1)) } };
        var lines = summary.Publish(Env(("TF_BUILD", "True"), ("AGENT_TEMPDIRECTORY", dir.Path)), new CiRedactor());
        var line = Assert.Single(lines);
        Assert.StartsWith("##vso[task.uploadsummary]", line, StringComparison.Ordinal);
        var file = line["##vso[task.uploadsummary]".Length..];
        Assert.StartsWith(dir.Path, file, StringComparison.Ordinal);
        Assert.Contains("| ConfigMap/a/b | Created | Applied | 1.00s |", File.ReadAllText(file), StringComparison.Ordinal);
        Assert.Empty(summary.Publish(Env(), new CiRedactor()));
    }

    private const string ContentKubeconfig = """
        apiVersion: v1
        kind: Config
        current-context: from-content
        clusters:
        - name: c
          cluster:
            server: https://127.0.0.1:6443
        contexts:
        - name: from-content
          context:
            cluster: c
            user: u
            namespace: ci
        users:
        - name: u
          user:
            token: abc-def-ghi
        """;

    [Fact]
    public void Kubeconfig_content_is_read_as_yaml_or_base64_without_a_file()
    {
        var plain = KubeConfigContent.FromContent(ContentKubeconfig);
        var encoded = KubeConfigContent.FromContent(Convert.ToBase64String(Encoding.UTF8.GetBytes(ContentKubeconfig)));
        foreach (var set in new[] { plain, encoded })
        {
            Assert.Equal("from-content", set.CurrentContext);
            Assert.Equal("ci", set.Contexts["from-content"].Namespace);
            Assert.Equal("abc-def-ghi", set.Users["u"].Token);
            Assert.Equal(new[] { KubeConfigContent.SourceName }, set.Files);
        }
        Assert.Equal(plain.Stamp, encoded.Stamp);
        Assert.NotEqual(plain.Stamp, KubeConfigContent.FromContent(ContentKubeconfig.Replace("ci", "other", StringComparison.Ordinal)).Stamp);
        Assert.False(File.Exists(KubeConfigContent.SourceName));
    }

    [Fact]
    public void Kubeconfig_content_wins_over_KUBECONFIG_but_not_over_an_explicit_path()
    {
        using var dir = new TempDir();
        var file = dir.Write("config", ContentKubeconfig.Replace("from-content", "from-file", StringComparison.Ordinal));
        var previous = KubeConfigLoader.GetEnvironmentVariable;
        try
        {
            KubeConfigLoader.GetEnvironmentVariable = name => name switch
            {
                "KUBECONFIG" => file,
                KubeConfigContent.EnvironmentVariable => ContentKubeconfig,
                _ => null,
            };
            Assert.Equal("from-content", KubeConfigLoader.Load(null).CurrentContext);
            Assert.Equal("from-file", KubeConfigLoader.Load(file).CurrentContext);
            KubeConfigLoader.GetEnvironmentVariable = name => name switch
            {
                KubeConfigContent.EnvironmentVariable => "clusters: [oops",
                _ => null,
            };
            var ex = Assert.Throws<KubePS.Engine.Errors.KubeException>(() => KubeConfigLoader.Load(null));
            Assert.Equal(KubePS.Engine.Errors.KubeErrorKind.KubeConfigInvalid, ex.Kind);
            Assert.Contains(KubeConfigContent.SourceName, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            KubeConfigLoader.GetEnvironmentVariable = previous;
        }
    }

    [Fact]
    public async Task Exec_plugins_run_without_a_prompt()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using var dir = new TempDir();
        // A plugin that would prompt (reads a line from stdin) gets end-of-input at once instead of waiting for a person.
        dir.WriteScript("prompting.sh", """
            #!/bin/sh
            printf 'Password: ' >&2
            read -r answer
            echo "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"answer-[$answer]\"}}"
            """);
        var provider = new ExecCredentialProvider(new KubeExecConfig { Command = "./prompting.sh", BaseDirectory = dir.Path }, "ci");
        var header = await provider.GetAuthenticationHeaderAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("answer-[]", header.Parameter);

        var always = new ExecCredentialProvider(new KubeExecConfig { Command = "./prompting.sh", BaseDirectory = dir.Path, InteractiveMode = "Always" }, "ci");
        var ex = await Assert.ThrowsAsync<KubePS.Engine.Errors.KubeException>(() => always.GetAuthenticationHeaderAsync(CancellationToken.None));
        Assert.Equal(KubePS.Engine.Errors.KubeErrorKind.KubeExecPluginFailed, ex.Kind);
        Assert.Contains("interactive", ex.Message, StringComparison.Ordinal);
    }
}
