using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace KubePS.Engine.Templates;

/// <summary>What a template sees besides its values.</summary>
public sealed record TemplateScope
{
    public string? Environment { get; init; }
    public string Namespace { get; init; } = "default";
    public string Application { get; init; } = "";
    /// <summary>Partials by name (file name with and without extension) for include.</summary>
    public IReadOnlyDictionary<string, string> Partials { get; init; } = new Dictionary<string, string>();
}

/// <summary>Sandbox limits of a render.</summary>
public sealed record TemplateLimits
{
    /// <summary>Iterations of one loop.</summary>
    public int LoopLimit { get; init; } = 10_000;
    /// <summary>Depth of nested calls and includes.</summary>
    public int RecursionLimit { get; init; } = 64;
    /// <summary>Characters one template may write.</summary>
    public int OutputLimit { get; init; } = 4 * 1024 * 1024;
    /// <summary>Time one template may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>The rendered text and documents of one template file.</summary>
public sealed record RenderedTemplate(string File, string Text, IReadOnlyList<ManifestDocument> Documents);

/// <summary>
/// Renders templates with Scriban in a sandbox: values are plain maps, lists and scalars (no .NET object is
/// reachable: member access on anything else is refused), include reads only the application's partials,
/// object.eval is removed, loops, recursion, output and time are bounded. Template syntax is Scriban's
/// (<c>{{ values.image.tag }}</c>, <c>{{ if }}…{{ end }}</c>, <c>{{ for x in list }}…{{ end }}</c>, pipes).
/// Added functions: default, required, fail, to_yaml/toYaml, to_json/toJson, indent, nindent, quote, squote,
/// b64enc, b64dec, sha256 (also of maps and lists: canonical JSON), has_key, keys, upper, lower, trim, replace,
/// contains, join, split. Globals: values, environment (env), namespace, app.
/// </summary>
public static class TemplateRenderer
{
    /// <summary>Parses and renders one template to text. Throws KubeTemplateSyntaxError, KubeTemplateValueRequired or KubeTemplateRenderFailed.</summary>
    public static string RenderText(string text, string file, JsonObject values, TemplateScope scope, TemplateLimits? limits = null, SecretRedactor? redactor = null, CancellationToken cancellationToken = default)
    {
        var template = Parse(text, file);
        return Render(template, text, file, values, scope, limits ?? new TemplateLimits(), redactor ?? SecretRedactor.Empty, cancellationToken);
    }

    /// <summary>Renders one template file and reads the result as YAML documents (Source = the file).</summary>
    public static RenderedTemplate RenderFile(string file, JsonObject values, TemplateScope scope, TemplateLimits? limits = null, SecretRedactor? redactor = null, CancellationToken cancellationToken = default)
    {
        var text = File.ReadAllText(file);
        var rendered = RenderText(text, file, values, scope, limits, redactor, cancellationToken);
        return new RenderedTemplate(file, rendered, ReadRendered(rendered, file, redactor ?? SecretRedactor.Empty));
    }

    /// <summary>Reads rendered text as YAML; a syntax error shows the rendered line (secrets redacted).</summary>
    public static IReadOnlyList<ManifestDocument> ReadRendered(string rendered, string file, SecretRedactor redactor)
    {
        try
        {
            return YamlReader.Read(rendered, file);
        }
        catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeYamlInvalid)
        {
            var lines = rendered.Split('\n');
            var line = ex.InnerException is YamlDotNet.Core.YamlException ye ? (int)ye.Start.Line : 0;
            var shown = line >= 1 && line <= lines.Length ? lines[line - 1].TrimEnd('\r') : null;
            var msg = redactor.Redact(ex.Message);
            throw new KubeException(KubeErrorKind.KubeTemplateOutputInvalid,
                $"{msg}{(shown is null ? "" : $" Rendered line {line}: {redactor.Redact(shown)}")}", ex)
            {
                Target = file,
                RecommendedAction = "Expand-KubeTemplate … | Out-String shows nothing until it is valid; check indentation around the expression that produced this line (to_yaml/nindent for maps and lists).",
            };
        }
    }

    /// <summary>Parses a template. Throws KubeTemplateSyntaxError naming the file, line, column and the offending text.</summary>
    public static Template Parse(string text, string file)
    {
        var template = Template.Parse(text, file);
        if (template.HasErrors)
        {
            var m = template.Messages.First(x => x.Type == ParserMessageType.Error);
            var (line, col) = (m.Span.Start.Line + 1, m.Span.Start.Column + 1);
            throw new KubeException(KubeErrorKind.KubeTemplateSyntaxError,
                $"{file}({line},{col}): template syntax error: {Clean(m.Message)} Near: {Near(text, m.Span)}")
            {
                Target = file,
                RecommendedAction = "Fix the template expression at that position ({{ … }} blocks close with }}, if/for/with close with {{ end }}).",
            };
        }
        return template;
    }

    private static string Render(Template template, string text, string file, JsonObject values, TemplateScope scope, TemplateLimits limits, SecretRedactor redactor, CancellationToken cancellationToken)
    {
        var state = new RenderState();
        var context = NewContext(values, scope, limits, state);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limits.Timeout);
        context.CancellationToken = timeout.Token;
        try
        {
            return template.Render(context);
        }
        catch (ScriptRuntimeException ex)
        {
            var span = ex.Span;
            var where = $"{(string.IsNullOrEmpty(span.FileName) ? file : span.FileName)}({span.Start.Line + 1},{span.Start.Column + 1})";
            if (state.MissingPath is { } path)
            {
                throw new KubeException(KubeErrorKind.KubeTemplateValueRequired, $"{where}: the value {path} is required: {redactor.Redact(state.MissingMessage)}", ex)
                {
                    Target = path,
                    RecommendedAction = $"Set {path} in values.yaml, the environment's values file, or with -Set {path}=…",
                };
            }
            if (state.TypeError is { } typeError)
            {
                throw new KubeException(KubeErrorKind.KubeTemplateValueType, $"{where}: {redactor.Redact(typeError)}", ex) { Target = file };
            }
            throw new KubeException(KubeErrorKind.KubeTemplateRenderFailed, $"{where}: {redactor.Redact(Clean(ex.OriginalMessage))}", ex)
            {
                Target = file,
                RecommendedAction = "Fix the template at that position.",
            };
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KubeException(KubeErrorKind.KubeTemplateRenderFailed, $"{file}: rendering took longer than {limits.Timeout.TotalSeconds:0}s (an endless loop?).", ex) { Target = file };
        }
    }

    private sealed class RenderState
    {
        public string? MissingPath;
        public string? MissingMessage;
        public string? TypeError;
    }

    private static TemplateContext NewContext(JsonObject values, TemplateScope scope, TemplateLimits limits, RenderState state)
    {
        var builtins = TemplateContext.GetDefaultBuiltinObject();
        if (builtins["object"] is ScriptObject objectFunctions)
        {
            // Evaluating text as a template is code from data: not offered.
            objectFunctions.Remove("eval");
            objectFunctions.Remove("eval_template");
        }
        var context = new TemplateContext(builtins)
        {
            LoopLimit = limits.LoopLimit,
            LoopLimitQueryable = limits.LoopLimit,
            RecursiveLimit = limits.RecursionLimit,
            ObjectRecursionLimit = limits.RecursionLimit,
            OutputLimit = limits.OutputLimit,
            LimitToString = 1024 * 1024,
            RegexTimeOut = TimeSpan.FromSeconds(1),
            // No .NET member is reachable from a template: values are ScriptObjects and ScriptArrays.
            // (Iterating a map yields key/value pairs: their key and value are the one exception.)
            MemberFilter = m => m.DeclaringType is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(KeyValuePair<,>),
            TemplateLoader = new PartialLoader(scope.Partials),
            StrictVariables = false,
            EnableRelaxedMemberAccess = true,
            EnableRelaxedTargetAccess = true,
            EnableNullIndexer = true,
        };
        var globals = new ScriptObject();
        globals.SetValue("values", ToScript(values), true);
        globals.SetValue("environment", scope.Environment, true);
        globals.SetValue("env", scope.Environment, true);
        globals.SetValue("namespace", scope.Namespace, true);
        globals.SetValue("app", scope.Application, true);
        AddFunctions(globals, state);
        context.PushGlobal(globals);
        return context;
    }

    private static void AddFunctions(ScriptObject g, RenderState state)
    {
        g.Import("default", new Func<object?, object?, object?>((value, fallback) => IsEmpty(value) ? fallback : value));
        g.Import("required", new Func<TemplateContext, object?, string?, object?>((context, value, message) =>
        {
            if (!IsEmpty(value))
            {
                return value;
            }
            state.MissingPath = CallerPath(context) ?? "(a value)";
            state.MissingMessage = message ?? "required";
            throw new ScriptRuntimeException(context.CurrentSpan, $"the value {state.MissingPath} is required: {message}");
        }));
        g.Import("fail", new Func<TemplateContext, string?, object?>((context, message) => throw new ScriptRuntimeException(context.CurrentSpan, "fail: " + message)));
        ValueIndentFunction toYaml = (value, indent) =>
        {
            var node = ToJson(value);
            var yaml = node is JsonValue or null ? YamlWriter.Scalar(node is null ? "null" : TemplateValues.Text((JsonValue)node)).TrimEnd('\n') : YamlWriter.Write(node).TrimEnd('\n');
            if (node is JsonValue v && !v.TryGetValue<string>(out _))
            {
                yaml = TemplateValues.Text(v);
            }
            return indent > 0 ? "\n" + Indent(yaml, indent) : yaml;
        };
        g.Import("to_yaml", toYaml);
        g.Import("toYaml", toYaml);
        ValueIndentFunction toJson = (value, indent) =>
        {
            var node = ToJson(value);
            if (indent <= 0)
            {
                return node?.ToJsonString() ?? "null";
            }
            var pretty = node?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null";
            return "\n" + Indent(pretty.Replace("\r\n", "\n", StringComparison.Ordinal), indent);
        };
        g.Import("to_json", toJson);
        g.Import("toJson", toJson);
        g.Import("indent", new Func<object?, int, string>((text, n) => Indent(Str(text), n)));
        g.Import("nindent", new Func<object?, int, string>((text, n) => "\n" + Indent(Str(text), n)));
        g.Import("quote", new Func<object?, string>(v => Quote(Str(v))));
        g.Import("squote", new Func<object?, string>(v => "'" + Str(v).Replace("'", "''", StringComparison.Ordinal) + "'"));
        g.Import("b64enc", new Func<object?, string>(v => Convert.ToBase64String(Encoding.UTF8.GetBytes(Str(v)))));
        g.Import("b64dec", new Func<TemplateContext, object?, string>((context, v) =>
        {
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(Str(v)));
            }
            catch (FormatException)
            {
                throw new ScriptRuntimeException(context.CurrentSpan, "b64dec: the text is not base64.");
            }
        }));
        Func<object?, string> sha = v =>
        {
            var text = v is ScriptObject or ScriptArray or IDictionary<string, object> ? Canonical(ToJson(v)) : Str(v);
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
        };
        g.Import("sha256", sha);
        g.Import("sha256sum", sha);
        g.Import("has_key", new Func<object?, string, bool>((o, k) => o is ScriptObject so && so.ContainsKey(k)));
        g.Import("keys", new Func<object?, ScriptArray>(o => o is ScriptObject so ? new ScriptArray(so.Keys.OrderBy(k => k, StringComparer.Ordinal)) : new ScriptArray()));
        g.Import("upper", new Func<object?, string>(v => Str(v).ToUpperInvariant()));
        g.Import("lower", new Func<object?, string>(v => Str(v).ToLowerInvariant()));
        g.Import("trim", new Func<object?, string>(v => Str(v).Trim()));
        g.Import("replace", new Func<object?, string, string, string>((v, a, b) => a.Length == 0 ? Str(v) : Str(v).Replace(a, b, StringComparison.Ordinal)));
        g.Import("contains", new Func<object?, object?, bool>((c, item) => c switch
        {
            ScriptArray a => a.Any(x => Equals(Str(x), Str(item))),
            ScriptObject o => o.ContainsKey(Str(item)),
            _ => Str(c).Contains(Str(item), StringComparison.Ordinal),
        }));
        g.Import("join", new Func<object?, string, string>((list, sep) => list is ScriptArray a ? string.Join(sep, a.Select(Str)) : Str(list)));
        g.Import("split", new Func<object?, string, ScriptArray>((text, sep) => new ScriptArray(Str(text).Split(sep.Length == 0 ? "," : sep))));
        g.Import("int", new Func<TemplateContext, object?, long>((context, v) =>
        {
            if (v is long or int or double or float or decimal)
            {
                return Convert.ToInt64(v, CultureInfo.InvariantCulture);
            }
            if (long.TryParse(Str(v), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
            {
                return l;
            }
            state.TypeError = $"{CallerPath(context) ?? "a value"} must be a whole number, but is \"{Str(v)}\".";
            throw new ScriptRuntimeException(context.CurrentSpan, state.TypeError);
        }));
    }

    /// <summary>The expression a function was called on: the left of a pipe, or the first argument.</summary>
    private static string? CallerPath(TemplateContext context)
    {
        ScriptNode? child = context.CurrentNode;
        for (var node = child?.Parent; node is not null; child = node, node = node.Parent)
        {
            if (node is ScriptPipeCall pipe && !ReferenceEquals(pipe.From, child))
            {
                // The value came down this pipe: its leftmost expression is where it was read.
                var from = pipe.From;
                while (from is ScriptPipeCall inner)
                {
                    from = inner.From;
                }
                return from is null ? null : Path(from.ToString());
            }
        }
        if (context.CurrentNode is ScriptFunctionCall call && call.Arguments.Count > 0)
        {
            return Path(call.Arguments[0].ToString());
        }
        return null;

        static string Path(string expression)
        {
            expression = expression.Trim();
            return expression.StartsWith("values.", StringComparison.Ordinal) ? expression["values.".Length..] : expression;
        }
    }

    private static bool IsEmpty(object? value) => value switch
    {
        null => true,
        string s => s.Length == 0,
        ScriptArray a => a.Count == 0,
        ScriptObject o => o.Count == 0,
        _ => false,
    };

    private static string Str(object? v) => v switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        ScriptObject or ScriptArray => ToJson(v)?.ToJsonString() ?? "",
        _ => v.ToString() ?? "",
    };

    /// <summary>to_yaml / to_json: a value and an optional indentation.</summary>
    private delegate string ValueIndentFunction(object? value, int indent = 0);

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    private static string Indent(string text, int n)
    {
        var pad = new string(' ', Math.Clamp(n, 0, 200));
        return string.Join('\n', text.Split('\n').Select(l => l.Length == 0 ? l : pad + l));
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => JsonSerializer.Serialize(kv.Key) + ":" + Canonical(kv.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };

    // ---------------------------------------------------------------- conversions

    /// <summary>A values tree as Scriban sees it: ScriptObject, ScriptArray, string, long, double, bool.</summary>
    public static object? ToScript(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var so = new ScriptObject(o.Count);
                foreach (var (k, v) in o)
                {
                    so.SetValue(k, ToScript(v), false);
                }
                return so;
            case JsonArray a:
                var sa = new ScriptArray(a.Count);
                foreach (var v in a)
                {
                    sa.Add(ToScript(v));
                }
                return sa;
            case JsonValue v:
                return Json.JsonScalar.ToClr(v, 1e15);
            default:
                return null;
        }
    }

    /// <summary>A Scriban value back as JSON.</summary>
    public static JsonNode? ToJson(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonNode n:
                return n.DeepClone();
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case int or long or short or byte:
                return JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case double or float or decimal:
                return JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case ScriptObject so:
                var o = new JsonObject();
                foreach (var k in so.Keys)
                {
                    o[k] = ToJson(so[k]);
                }
                return o;
            case ScriptArray sa:
                return new JsonArray(sa.Select(ToJson).ToArray());
            case System.Collections.IEnumerable e:
                return new JsonArray(e.Cast<object?>().Select(ToJson).ToArray());
            default:
                return JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture));
        }
    }

    private static string Clean(string message)
    {
        // Scriban prefixes messages with "<file>(line,col) : error : "; the caller adds its own position.
        var i = message.IndexOf(" : error : ", StringComparison.Ordinal);
        return (i >= 0 ? message[(i + " : error : ".Length)..] : message).Trim();
    }

    private static string Near(string text, SourceSpan span)
    {
        var lines = text.Split('\n');
        var line = span.Start.Line;
        if (line < 0 || line >= lines.Length)
        {
            return "(end of file)";
        }
        var l = lines[line].TrimEnd('\r');
        var col = Math.Clamp(span.Start.Column, 0, l.Length);
        var start = Math.Max(0, col - 30);
        var end = Math.Min(l.Length, col + 30);
        var snippet = l[start..end].Trim();
        return snippet.Length == 0 ? "(end of line)" : "\"" + snippet + "\"";
    }

    /// <summary>include "name": only the application's partials, by file name (with or without extension).</summary>
    private sealed class PartialLoader(IReadOnlyDictionary<string, string> partials) : ITemplateLoader
    {
        public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName)
        {
            if (partials.ContainsKey(templateName))
            {
                return templateName;
            }
            throw new ScriptRuntimeException(callerSpan,
                $"include \"{templateName}\": no such partial (partials are the application's _*.tpl / _*.yaml files{(partials.Count == 0 ? "; there are none" : ": " + string.Join(", ", partials.Keys.Where(k => !k.Contains('.')).OrderBy(k => k, StringComparer.Ordinal)))}).");
        }

        public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) => partials[templatePath];

        public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) => new(partials[templatePath]);
    }
}
