using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KubePS.Engine.Deploy;
using KubePS.Engine.Errors;
using KubePS.Engine.Templates;
using Xunit;

namespace KubePS.Engine.Tests;

public class TemplateValuesTests
{
    private static JsonObject Y(string yaml) => TemplateValues.Parse(yaml, "test");

    [Fact]
    public void Merge_is_deep_later_layers_win_lists_replace_null_deletes()
    {
        var merged = TemplateValues.Merge(new[]
        {
            new ValuesLayer("a", Y("image: {repository: nginx, tag: '1'}\nlist: [1, 2]\nkeep: yes-kept\ngone: x")),
            new ValuesLayer("b", Y("image: {tag: '2'}\nlist: [3]\ngone: null")),
        });
        Assert.Equal("nginx", merged["image"]!["repository"]!.GetValue<string>());
        Assert.Equal("2", merged["image"]!["tag"]!.GetValue<string>());
        Assert.Equal("[3]", merged["list"]!.ToJsonString());
        Assert.Equal("yes-kept", merged["keep"]!.GetValue<string>());
        Assert.False(merged.ContainsKey("gone"));
    }

    [Fact]
    public void Merge_refuses_a_changed_shape_and_names_the_path_and_origin()
    {
        var ex = Assert.Throws<KubeException>(() => TemplateValues.Merge(new[]
        {
            new ValuesLayer("values.yaml", Y("web: {resources: {cpu: 1}}")),
            new ValuesLayer("-Set web.resources", Y("web: {resources: big}")),
        }));
        Assert.Equal(KubeErrorKind.KubeTemplateValueType, ex.Kind);
        Assert.Contains("web.resources", ex.Message);
        Assert.Contains("-Set web.resources", ex.Message);
        Assert.Contains("a map", ex.Message);

        var num = Assert.Throws<KubeException>(() => TemplateValues.Merge(new[] { new ValuesLayer("v", Y("replicas: 1")), new ValuesLayer("w", Y("replicas: many")) }));
        Assert.Equal(KubeErrorKind.KubeTemplateValueType, num.Kind);
        Assert.Contains("a number", num.Message);
        Assert.Throws<KubeException>(() => TemplateValues.Merge(new[] { new ValuesLayer("v", Y("l: [1]")), new ValuesLayer("w", Y("l: 1")) }));
    }

    [Fact]
    public void Merge_coerces_numbers_for_strings_and_numeric_text_for_numbers()
    {
        var merged = TemplateValues.Merge(new[]
        {
            new ValuesLayer("v", Y("tag: 'x'\nreplicas: 1\non: false")),
            new ValuesLayer("w", new JsonObject { ["tag"] = 1.5, ["replicas"] = "4", ["on"] = "true" }),
        });
        Assert.Equal("1.5", merged["tag"]!.GetValue<string>());
        Assert.Equal(4L, merged["replicas"]!.GetValue<long>());
        Assert.True(merged["on"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("a=1", "{\"a\":1}")]
    [InlineData("a=-7", "{\"a\":-7}")]
    [InlineData("a=1.5", "{\"a\":1.5}")]
    [InlineData("a=007", "{\"a\":\"007\"}")]
    [InlineData("a=true,b=FALSE", "{\"a\":true,\"b\":false}")]
    [InlineData("a=null", "{\"a\":null}")]
    [InlineData("a.b.c=x", "{\"a\":{\"b\":{\"c\":\"x\"}}}")]
    [InlineData("a\\.b=x", "{\"a.b\":\"x\"}")]
    [InlineData("a={x,y,3}", "{\"a\":[\"x\",\"y\",3]}")]
    [InlineData("a={}", "{\"a\":[]}")]
    [InlineData("a[1]=x", "{\"a\":[null,\"x\"]}")]
    [InlineData("a[0].name=x", "{\"a\":[{\"name\":\"x\"}]}")]
    [InlineData("a=x\\,y", "{\"a\":\"x,y\"}")]
    [InlineData("a=b=c", "{\"a\":\"b=c\"}")]
    [InlineData("a=", "{\"a\":\"\"}")]
    public void Set_is_typed_like_helm(string expression, string json)
    {
        Assert.Equal(json, TemplateValues.ParseSet(expression).ToJsonString());
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=x")]
    [InlineData("a..b=x")]
    [InlineData("a[x]=1")]
    public void Set_refuses_malformed_expressions(string expression)
    {
        var ex = Assert.Throws<KubeException>(() => TemplateValues.ParseSet(expression));
        Assert.Equal(KubeErrorKind.KubeTemplateValuesInvalid, ex.Kind);
    }

    [Fact]
    public void Redactor_hides_secrets_and_their_base64_but_not_short_strings()
    {
        var r = new SecretRedactor();
        r.Add("hunter22");
        r.Add("ab");
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes("hunter22"));
        Assert.Equal("pw=*** data=*** ab", r.Redact($"pw=hunter22 data={b64} ab"));
        Assert.True(r.Contains("xhunter22x"));
        Assert.False(r.Contains("ab"));
    }
}

public class TemplateRendererTests
{
    private static readonly TemplateScope Scope = new() { Environment = "prod", Namespace = "shop-prod", Application = "shop" };

    private static string R(string template, string values = "{}", TemplateScope? scope = null, TemplateLimits? limits = null) =>
        TemplateRenderer.RenderText(template, "t.yaml", TemplateValues.Parse(values, "v"), scope ?? Scope, limits);

    private static KubeException Fails(string template, string values = "{}", TemplateLimits? limits = null) =>
        Assert.Throws<KubeException>(() => R(template, values, limits: limits));

    [Fact]
    public void Globals_values_environment_namespace_app()
    {
        Assert.Equal("nginx prod prod shop-prod shop", R("{{ values.image }} {{ environment }} {{ env }} {{ namespace }} {{ app }}", "image: nginx"));
    }

    [Fact]
    public void Conditionals_loops_and_defaults()
    {
        Assert.Equal("on", R("{{ if values.a }}on{{ else }}off{{ end }}", "a: true"));
        Assert.Equal("off", R("{{ if values.a }}on{{ else }}off{{ end }}", "a: false"));
        Assert.Equal("x;y;", R("{{ for i in values.l }}{{ i }};{{ end }}", "l: [x, y]"));
        Assert.Equal("k1=1,k2=2,", R("{{ for kv in values.m }}{{ kv.key }}={{ kv.value }},{{ end }}", "m: {k1: 1, k2: 2}"));
        Assert.Equal("fallback|set", R("{{ values.missing | default \"fallback\" }}|{{ values.s | default \"x\" }}", "s: set"));
        Assert.Equal("deep-missing", R("{{ values.a.b.c | default \"deep-missing\" }}"));
    }

    [Fact]
    public void String_and_list_functions()
    {
        Assert.Equal("\"a \\\"q\\\"\" 'it''s' ABC abc trimmed", R("{{ \"a \\\"q\\\"\" | quote }} {{ \"it's\" | squote }} {{ \"abc\" | upper }} {{ \"ABC\" | lower }} {{ \"  trimmed \" | trim }}"));
        Assert.Equal("a-b-c|3|true|false|b", R("{{ values.l | join \"-\" }}|{{ values.l | array.size }}|{{ values.l | contains \"b\" }}|{{ values.l | contains \"z\" }}|{{ (\"a,b\" | split \",\")[1] }}", "l: [a, b, c]"));
        Assert.Equal("x.y|a,b", R("{{ \"x-y\" | replace \"-\" \".\" }}|{{ values.m | keys | join \",\" }}", "m: {b: 1, a: 2}"));
        Assert.Equal("true|false", R("{{ values.m | has_key \"a\" }}|{{ values.m | has_key \"z\" }}", "m: {a: 1}"));
        Assert.Equal("HELLO", R("{{ \"hello\" | string.upcase }}"));
    }

    [Fact]
    public void ToYaml_and_toJson_with_indentation()
    {
        Assert.Equal("cpu: 1\nmemory: 64Mi", R("{{ values.r | to_yaml }}", "r: {cpu: 1, memory: 64Mi}"));
        Assert.Equal("resources:\n    cpu: 1\n    memory: 64Mi", R("resources:{{ values.r | to_yaml 4 }}", "r: {cpu: 1, memory: 64Mi}"));
        Assert.Equal("- a\n- b", R("{{ values.l | toYaml }}", "l: [a, b]"));
        Assert.Equal("{\"a\":[1,\"x\"]}", R("{{ values.m | to_json }}", "m: {a: [1, x]}"));
        Assert.Equal("\n  {\n    \"a\": 1\n  }", R("{{ values.m | toJson 2 }}", "m: {a: 1}"));
        Assert.Equal("  a\n  b", R("{{ \"a\\nb\" | indent 2 }}"));
        Assert.Equal("\n  a", R("{{ \"a\" | nindent 2 }}"));
    }

    [Fact]
    public void B64_and_sha256_for_config_checksums()
    {
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("s3cret")), R("{{ \"s3cret\" | b64enc }}"));
        Assert.Equal("s3cret", R("{{ \"czNjcmV0\" | b64dec }}"));
        var expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("abc"))).ToLowerInvariant();
        Assert.Equal(expected, R("{{ \"abc\" | sha256 }}"));
        // Maps hash canonically: key order does not change the checksum; a value does.
        Assert.Equal(R("{{ values.m | sha256 }}", "m: {a: 1, b: 2}"), R("{{ values.m | sha256 }}", "m: {b: 2, a: 1}"));
        Assert.NotEqual(R("{{ values.m | sha256 }}", "m: {a: 1, b: 2}"), R("{{ values.m | sha256 }}", "m: {a: 1, b: 3}"));
    }

    [Fact]
    public void Required_names_the_path_and_the_message_with_a_position()
    {
        var ex = Fails("a: 1\nb: {{ values.db.host | required \"db.host: the database server\" }}");
        Assert.True(ex.Kind == KubeErrorKind.KubeTemplateValueRequired, ex.Message);
        Assert.Contains("db.host", ex.Message);
        Assert.Contains("the database server", ex.Message);
        Assert.Contains("t.yaml(2,", ex.Message);
        Assert.Equal("db.host", ex.Target);
        Assert.Equal("ok", R("{{ values.x | required \"m\" }}", "x: ok"));
        var direct = Fails("{{ required(values.db.port, \"port please\") }}");
        Assert.Equal("db.port", direct.Target);
        var chained = Fails("{{ values.redis.password | required \"pw\" | b64enc }}");
        Assert.Equal("redis.password", chained.Target);
    }

    [Fact]
    public void Fail_and_wrong_types_are_errors_with_positions()
    {
        var f = Fails("x\n  {{ fail \"not in prod\" }}");
        Assert.Equal(KubeErrorKind.KubeTemplateRenderFailed, f.Kind);
        Assert.Contains("t.yaml(2,", f.Message);
        Assert.Contains("not in prod", f.Message);
        var t = Fails("replicas: {{ values.replicas | int }}", "replicas: three");
        Assert.Equal(KubeErrorKind.KubeTemplateValueType, t.Kind);
        Assert.Contains("replicas", t.Message);
        Assert.Contains("three", t.Message);
    }

    [Fact]
    public void Syntax_errors_name_file_line_column_and_text()
    {
        var ex = Fails("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: {{ values.a | }}\n");
        Assert.Equal(KubeErrorKind.KubeTemplateSyntaxError, ex.Kind);
        Assert.Matches(@"t\.yaml\(4,\d+\)", ex.Message);
        Assert.Contains("values.a |", ex.Message);
        var unclosed = Fails("{{ if values.a }}\nx\n");
        Assert.Equal(KubeErrorKind.KubeTemplateSyntaxError, unclosed.Kind);
    }

    [Fact]
    public void Sandbox_refuses_dotnet_members_eval_files_and_endless_loops()
    {
        // A .NET object's members are not reachable (a string's Length, a type's assembly).
        Assert.Equal("", R("{{ values.s.Length }}{{ values.s.length }}", "s: abc"));
        // object.eval (text as code) is gone.
        var eval = Fails("{{ object.eval \"1 + 1\" }}");
        Assert.Equal(KubeErrorKind.KubeTemplateRenderFailed, eval.Kind);
        // include reads partials only, never a file.
        var inc = Fails("{{ include \"/etc/passwd\" }}");
        Assert.Equal(KubeErrorKind.KubeTemplateRenderFailed, inc.Kind);
        Assert.Contains("no such partial", inc.Message);
        // Loops and recursion are bounded.
        var loop = Fails("{{ for i in 1..1000000 }}{{ end }}", limits: new TemplateLimits { LoopLimit = 1000 });
        Assert.Equal(KubeErrorKind.KubeTemplateRenderFailed, loop.Kind);
        var wh = Fails("{{ while true }}{{ end }}");
        Assert.Equal(KubeErrorKind.KubeTemplateRenderFailed, wh.Kind);
        var rec = Fails("{{ func f(x) }}{{ f(x) }}{{ end }}{{ f(1) }}");
        Assert.Equal(KubeErrorKind.KubeTemplateRenderFailed, rec.Kind);
    }

    [Fact]
    public void Templates_cannot_change_the_values_another_template_sees()
    {
        var v = TemplateValues.Parse("a: 1", "v");
        TemplateRenderer.RenderText("{{ values.a = 2 }}", "t1", v, Scope);
        Assert.Equal("1", TemplateRenderer.RenderText("{{ values.a }}", "t2", v, Scope));
    }

    [Fact]
    public void Invalid_rendered_yaml_shows_the_rendered_line_redacted()
    {
        var r = new SecretRedactor();
        r.Add("topsecret");
        var ex = Assert.Throws<KubeException>(() => TemplateRenderer.ReadRendered("a: 1\nb: topsecret\n  c: topsecret: 3\n", "t.yaml", r));
        Assert.Equal(KubeErrorKind.KubeTemplateOutputInvalid, ex.Kind);
        Assert.Contains("Rendered line", ex.Message);
        Assert.DoesNotContain("topsecret", ex.Message);
    }
}

public class TemplateApplicationTests
{
    private static string Example => Path.Combine(FindRoot(), "docs", "examples", "guestbook");

    private static string FindRoot()
    {
        var d = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(d, "KubePS.psd1")))
        {
            d = Path.GetDirectoryName(d)!;
        }
        return d;
    }

    [Fact]
    public void Example_renders_per_environment_in_the_documented_order()
    {
        var app = TemplateApplication.Open(Example);
        Assert.Equal(new[] { "dev", "prod" }, app.Environments);
        var prod = TemplateEngine.Render(app, new TemplateInputs { Environment = "prod" }, "default");
        Assert.True(prod.Succeeded, string.Join("\n", prod.Errors.Select(e => e.Message)));
        Assert.Equal("guestbook-prod", prod.Namespace);
        var deploy = prod.Documents.Single(d => d.Kind == "Deployment");
        Assert.Equal(3, deploy.Object["spec"]!["replicas"]!.GetValue<long>());
        Assert.Equal("nginx:1.27.3", deploy.Object["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Contains(prod.Documents, d => d.Kind == "Ingress");

        var dev = TemplateEngine.Render(app, new TemplateInputs { Environment = "dev" }, "default");
        Assert.True(dev.Succeeded, string.Join("\n", dev.Errors.Select(e => e.Message)));
        Assert.DoesNotContain(dev.Documents, d => d.Kind == "Ingress");
        Assert.Equal("debug", dev.Documents.Single(d => d.Kind == "ConfigMap").Object["data"]!["LOG_LEVEL"]!.GetValue<string>());
        Assert.True(dev.Redactor.Contains("dev-only-password"));

        // -ValuesFile, then -Set, then -Values: each later one wins.
        using var tmp = new TempDir();
        var vf = tmp.Write("extra.yaml", "replicas: 5\nimage: {tag: from-file}\nlogLevel: file");
        var layered = TemplateEngine.Render(app, new TemplateInputs
        {
            Environment = "prod",
            ValuesFiles = new[] { vf },
            Set = new[] { "replicas=7,image.tag=from-set" },
            Values = new JsonObject { ["replicas"] = 9 },
        }, "default");
        var d2 = layered.Documents.Single(d => d.Kind == "Deployment");
        Assert.Equal(9, d2.Object["spec"]!["replicas"]!.GetValue<long>());
        Assert.Equal("nginx:from-set", d2.Object["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("file", layered.Documents.Single(d => d.Kind == "ConfigMap").Object["data"]!["LOG_LEVEL"]!.GetValue<string>());
        Assert.True(layered.Redactor.Contains("from-set"));
    }

    [Fact]
    public void Unknown_environment_lists_the_known_ones()
    {
        var app = TemplateApplication.Open(Example);
        var ex = Assert.Throws<KubeException>(() => TemplateEngine.Render(app, new TemplateInputs { Environment = "staging" }, "default"));
        Assert.Equal(KubeErrorKind.KubeTemplateUnknownEnvironment, ex.Kind);
        Assert.Contains("dev, prod", ex.Message);
    }

    [Fact]
    public void Each_broken_template_is_reported_and_the_others_still_render()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(Path.Combine(tmp.Path, "templates"));
        tmp.Write("values.yaml", "name: x");
        tmp.Write("templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: {{ values.name }}}\n");
        tmp.Write("templates/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: {{ values.name }\n");
        tmp.Write("templates/c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n   bad: {{ values.name }}\n");
        var r = TemplateEngine.Render(TemplateApplication.Open(tmp.Path), new TemplateInputs(), "default");
        Assert.Single(r.Documents);
        Assert.Equal(2, r.Errors.Count);
        Assert.Equal(KubeErrorKind.KubeTemplateSyntaxError, r.Errors[0].Kind);
        Assert.Contains("b.yaml(3,", r.Errors[0].Message);
        Assert.Equal(KubeErrorKind.KubeTemplateOutputInvalid, r.Errors[1].Kind);
        Assert.Contains("bad: x", r.Errors[1].Message);
    }

    [Fact]
    public async Task Deploy_source_is_registered_and_reports_errors_as_problems()
    {
        Assert.Contains("templates", DeploySourceRegistry.Keys, StringComparer.OrdinalIgnoreCase);
        var deployApp = DeployApplication.Load(Path.Combine(Example, "kubeps.yaml"));
        var source = DeploySourceRegistry.Create("templates", "templates", deployApp);
        Assert.IsType<TemplateDocumentSource>(source);
        var errors = new List<KubeException>();
        var docs = await source!.ReadAsync(new DeploySourceContext(deployApp, "default") { Environment = "prod" }, errors, default);
        Assert.Empty(errors);
        Assert.Equal(6, docs.Count);
        var bad = await source.ReadAsync(new DeploySourceContext(deployApp, "default") { Environment = "nope" }, errors, default);
        Assert.Empty(bad);
        Assert.Equal(KubeErrorKind.KubeTemplateUnknownEnvironment, Assert.Single(errors).Kind);
    }

    [Fact]
    public void Change_tracker_finds_only_the_objects_whose_rendering_changed()
    {
        var app = TemplateApplication.Open(Example);
        var first = TemplateEngine.Render(app, new TemplateInputs { Environment = "dev" }, "default");
        var tracker = new TemplateChangeTracker();
        Assert.Equal(first.Documents.Count, tracker.Compare(first.Documents).Added.Count);
        tracker.Accept(first.Documents);
        Assert.True(tracker.Compare(TemplateEngine.Render(app, new TemplateInputs { Environment = "dev" }, "default").Documents).IsEmpty);

        // A log level change: the ConfigMap and the Deployment (its checksum annotation) change, nothing else.
        var changed = TemplateEngine.Render(app, new TemplateInputs { Environment = "dev", Set = new[] { "logLevel=warn" } }, "default");
        var set = tracker.Compare(changed.Documents);
        Assert.Equal(new[] { "ConfigMap", "Deployment" }, set.Changed.Select(d => d.Kind).OrderBy(k => k));
        Assert.Empty(set.Added);
        Assert.Empty(set.Removed);

        var noRedis = TemplateEngine.Render(app, new TemplateInputs { Environment = "dev", Set = new[] { "redis.enabled=false" } }, "default");
        Assert.Contains(tracker.Compare(noRedis.Documents).Removed, k => k.Contains("/Secret/", StringComparison.Ordinal));
    }

    [Fact]
    public void Renders_200_templates_with_a_1000_key_values_tree_quickly()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(Path.Combine(tmp.Path, "templates"));
        var values = new StringBuilder();
        for (var g = 0; g < 50; g++)
        {
            values.Append("group").Append(g).Append(":\n");
            for (var k = 0; k < 20; k++)
            {
                values.Append("  key").Append(k).Append(": value-").Append(g).Append('-').Append(k).Append('\n');
            }
        }
        tmp.Write("values.yaml", values.ToString());
        for (var i = 0; i < 200; i++)
        {
            tmp.Write($"templates/t{i:000}.yaml",
                $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  namespace: {{{{ namespace }}}}\n  annotations:\n    checksum: {{{{ values.group{i % 50} | sha256 }}}}\ndata:\n{{{{ for kv in values.group{i % 50} }}}}  {{{{ kv.key }}}}: {{{{ kv.value | quote }}}}\n{{{{ end }}}}");
        }
        var app = TemplateApplication.Open(tmp.Path);
        TemplateEngine.Render(app, new TemplateInputs(), "default"); // warm up
        var sw = Stopwatch.StartNew();
        var r = TemplateEngine.Render(app, new TemplateInputs(), "default");
        sw.Stop();
        Assert.True(r.Succeeded, string.Join("\n", r.Errors.Select(e => e.Message)));
        Assert.Equal(200, r.Documents.Count);
        Assert.Equal(20, r.Documents[7].Object["data"]!.AsObject().Count);
        Assert.Equal(1000, TemplateValues.CountLeaves(r.Values));
    }
}
