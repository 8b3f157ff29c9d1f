using System.Text.Json;
using System.Text.Json.Nodes;
using Antlr4.Runtime;
using Cel;
using KubePS.Engine.Errors;

namespace KubePS.Engine.Policy;

/// <summary>
/// cel: a custom rule as a CEL expression (the language of Kubernetes ValidatingAdmissionPolicy) that must be true for
/// the object to pass. Variables: <c>object</c> (the object as it will be sent) and <c>request</c> (verb, context,
/// namespace, kind, name, dryRun, partial). Besides the CEL standard functions and macros (has, size, matches,
/// startsWith, endsWith, contains, all, exists, exists_one, map, filter, int, string, ...), the Kubernetes string
/// extensions lowerAscii, upperAscii, trim, split, join, replace, indexOf and substring are available.
/// </summary>
public sealed class CelRule : PolicyRule
{
    private readonly CelProgramDelegate _program;

    public string Expression { get; }
    /// <summary>What evaluation errors (a missing field without has(), a type mismatch) mean: Fail (a violation) or Ignore (pass).</summary>
    public bool IgnoreErrors { get; init; }
    /// <summary>Whether the rule runs on partial objects (Set-KubeScale, Set-KubeImage, Remove-KubeResource).</summary>
    public bool RunOnPartial { get; init; }
    public override string Type => "cel";

    private CelRule(string expression, CelProgramDelegate program)
    {
        Expression = expression;
        _program = program;
    }

    private static readonly HashSet<string> KnownFunctions = new(StringComparer.Ordinal)
    {
        // CEL standard library and macros, as the Cel package implements them.
        "has", "size", "matches", "contains", "startsWith", "endsWith", "all", "exists", "exists_one", "map", "filter",
        "int", "uint", "double", "string", "bytes", "bool", "type", "dyn", "duration", "timestamp",
        "getFullYear", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getMonth", "getHours", "getMinutes",
        "getSeconds", "getMilliseconds",
        // Kubernetes string extensions registered here.
        "lowerAscii", "upperAscii", "trim", "split", "join", "replace", "indexOf", "substring",
    };

    private static readonly object CompileGate = new();
    private static CelEnvironment? _environment;

    private static CelEnvironment Environment
    {
        get
        {
            if (_environment is null)
            {
                var env = new CelEnvironment(null, null);
                env.RegisterFunction("lowerAscii", new[] { typeof(string) }, a => ((string)a[0]!).ToLowerInvariant());
                env.RegisterFunction("upperAscii", new[] { typeof(string) }, a => ((string)a[0]!).ToUpperInvariant());
                env.RegisterFunction("trim", new[] { typeof(string) }, a => ((string)a[0]!).Trim());
                env.RegisterFunction("split", new[] { typeof(string), typeof(string) }, a => ((string)a[0]!).Split((string)a[1]!).Cast<object?>().ToList());
                env.RegisterFunction("join", new[] { typeof(System.Collections.IEnumerable), typeof(string) }, a => string.Join((string)a[1]!, ((System.Collections.IEnumerable)a[0]!).Cast<object?>()));
                env.RegisterFunction("join", new[] { typeof(System.Collections.IEnumerable) }, a => string.Concat(((System.Collections.IEnumerable)a[0]!).Cast<object?>()));
                env.RegisterFunction("replace", new[] { typeof(string), typeof(string), typeof(string) }, a => ((string)a[0]!).Replace((string)a[1]!, (string)a[2]!, StringComparison.Ordinal));
                env.RegisterFunction("indexOf", new[] { typeof(string), typeof(string) }, a => (long)((string)a[0]!).IndexOf((string)a[1]!, StringComparison.Ordinal));
                env.RegisterFunction("substring", new[] { typeof(string), typeof(long) }, a => ((string)a[0]!)[(int)(long)a[1]!..]);
                env.RegisterFunction("substring", new[] { typeof(string), typeof(long), typeof(long) }, a => ((string)a[0]!)[(int)(long)a[1]!..(int)(long)a[2]!]);
                _environment = env;
            }
            return _environment;
        }
    }

    /// <summary>
    /// Compiles an expression. A syntax error, or a call of a function CEL does not have, is KubePolicyExpressionInvalid
    /// naming the expression, the position (column, 1-based) and where the rule is defined.
    /// </summary>
    public static CelRule Compile(string expression, string name, PolicySeverity severity, string? origin,
        PolicyMatch? match = null, string? message = null, bool ignoreErrors = false, bool runOnPartial = false)
    {
        static KubeException Invalid(string expression, string? origin, int column, string problem) =>
            new(KubeErrorKind.KubePolicyExpressionInvalid, $"{origin}: the CEL expression does not compile at column {column}: {problem}\n  {expression}\n  {new string(' ', Math.Max(0, column - 1))}^")
            {
                Target = expression,
                RecommendedAction = "Fix the expression; see docs/policy.md for the variables and functions a cel rule can use.",
            };

        var firstLine = expression.Split('\n')[0];
        CelProgramDelegate program;
        lock (CompileGate)
        {
            try
            {
                program = Environment.Compile(expression);
            }
            catch (CelExpressionParserException ex)
            {
                var m = System.Text.RegularExpressions.Regex.Match(ex.Message, @"^Line (\d+):(\d+) (.*)$", System.Text.RegularExpressions.RegexOptions.Singleline);
                var column = m.Success ? int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) + 1 : 1;
                throw Invalid(firstLine, origin, column, m.Success ? m.Groups[3].Value : ex.Message);
            }
            catch (Exception ex) when (ex is CelException or ArgumentException or InvalidOperationException)
            {
                throw Invalid(firstLine, origin, 1, ex.Message);
            }
        }
        // The Cel package binds functions at run time; find unknown ones now, with their position.
        var lexer = new Cel.Internal.CelLexer(new AntlrInputStream(expression));
        lexer.RemoveErrorListeners();
        var tokens = lexer.GetAllTokens().Where(t => lexer.Vocabulary.GetSymbolicName(t.Type) is not ("WHITESPACE" or "COMMENT")).ToList();
        for (var i = 0; i + 1 < tokens.Count; i++)
        {
            if (lexer.Vocabulary.GetSymbolicName(tokens[i].Type) == "IDENTIFIER" && lexer.Vocabulary.GetSymbolicName(tokens[i + 1].Type) == "LPAREN"
                && !KnownFunctions.Contains(tokens[i].Text))
            {
                throw Invalid(firstLine, origin, tokens[i].Column + 1, $"unknown function {tokens[i].Text}");
            }
        }
        return new CelRule(expression, program)
        {
            Name = name, Severity = severity, Origin = origin, Match = match ?? new PolicyMatch(), Message = message,
            IgnoreErrors = ignoreErrors, RunOnPartial = runOnPartial,
        };
    }

    public override void Evaluate(JsonObject obj, ObjectFacts facts, PolicyRequest request, RuleFindings findings)
    {
        if (facts.Partial && !RunOnPartial)
        {
            return;
        }
        var variables = new Dictionary<string, object?>
        {
            ["object"] = ToCel(obj),
            ["request"] = new Dictionary<string, object?>
            {
                ["verb"] = request.Verb,
                ["context"] = request.Context ?? "",
                ["dryRun"] = request.DryRun,
                ["namespace"] = facts.Namespace ?? "",
                ["kind"] = facts.Kind,
                ["name"] = facts.Name,
                ["partial"] = facts.Partial,
            },
        };
        object? result;
        try
        {
            result = _program.Invoke(variables);
        }
        catch (Exception ex)
        {
            if (!IgnoreErrors)
            {
                findings.Violation(null, $"the expression failed: {ex.Message} ({Expression})");
            }
            return;
        }
        if (result is not bool ok)
        {
            findings.Violation(null, $"the expression returned {result ?? "null"}, not a bool ({Expression})");
            return;
        }
        if (!ok)
        {
            findings.Violation(null, $"failed: {Expression}");
        }
    }

    /// <summary>JSON to CEL values: maps, lists, int64, double, string, bool, null.</summary>
    public static object? ToCel(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject o:
                var map = new Dictionary<string, object?>(o.Count);
                foreach (var (k, v) in o)
                {
                    map[k] = ToCel(v);
                }
                return map;
            case JsonArray a:
                var list = new List<object?>(a.Count);
                foreach (var v in a)
                {
                    list.Add(ToCel(v));
                }
                return list;
            case JsonValue v:
                return Json.JsonScalar.ToClr(v, 9e15);
            default:
                return null;
        }
    }
}
