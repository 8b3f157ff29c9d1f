using System.Text.Json;
using KubePS.Engine.Errors;
using KubePS.Engine.JsonPath;

namespace KubePS.Engine.Wait;

/// <summary>What a wait waits for.</summary>
public enum WaitConditionKind
{
    /// <summary>Generic readiness (<see cref="StatusRules"/>: state Current).</summary>
    Ready,
    /// <summary>The object exists (it may not exist yet when the wait starts).</summary>
    Exists,
    /// <summary>The object is gone.</summary>
    Delete,
    /// <summary>status.conditions has a type with a status (default True).</summary>
    Condition,
    /// <summary>A JSONPath selects a value (or any value, when none is given).</summary>
    JsonPath,
}

/// <summary>A parsed -For condition: Ready, Exists, Create, Delete, Condition=Type[=Status], JsonPath=expr[=value].</summary>
public sealed class WaitCondition
{
    private WaitCondition(WaitConditionKind kind, string text)
    {
        Kind = kind;
        Text = text;
    }

    public WaitConditionKind Kind { get; }

    /// <summary>The condition as written.</summary>
    public string Text { get; }

    /// <summary>For Condition: the condition type.</summary>
    public string? ConditionType { get; private init; }

    /// <summary>For Condition: the status wanted (True by default); for JsonPath: the value wanted, or null for "any value".</summary>
    public string? Value { get; private init; }

    /// <summary>For JsonPath: the parsed expression.</summary>
    public JsonPathExpression? Path { get; private init; }

    public static readonly WaitCondition Ready = new(WaitConditionKind.Ready, "Ready");
    public static readonly WaitCondition Exists = new(WaitConditionKind.Exists, "Exists");
    public static readonly WaitCondition Delete = new(WaitConditionKind.Delete, "Delete");

    /// <summary>True when a Failed state ends the wait (with fail-fast on): Ready, Condition and JsonPath.</summary>
    public bool FailsFast => Kind is WaitConditionKind.Ready or WaitConditionKind.Condition or WaitConditionKind.JsonPath;

    /// <summary>Parses a -For value (case-insensitive keywords, like kubectl's --for).</summary>
    public static WaitCondition Parse(string text)
    {
        var t = (text ?? "").Trim();
        if (t.Equals("Ready", StringComparison.OrdinalIgnoreCase) || t.Length == 0)
        {
            return Ready;
        }
        if (t.Equals("Exists", StringComparison.OrdinalIgnoreCase) || t.Equals("Create", StringComparison.OrdinalIgnoreCase) || t.Equals("Created", StringComparison.OrdinalIgnoreCase))
        {
            return Exists;
        }
        if (t.Equals("Delete", StringComparison.OrdinalIgnoreCase) || t.Equals("Deleted", StringComparison.OrdinalIgnoreCase))
        {
            return Delete;
        }
        var eq = t.IndexOf('=');
        var head = eq < 0 ? t : t[..eq];
        var rest = eq < 0 ? "" : t[(eq + 1)..];
        if (head.Equals("Condition", StringComparison.OrdinalIgnoreCase))
        {
            if (rest.Length == 0)
            {
                throw Invalid(text!, "Condition needs a type: Condition=Available or Condition=Ready=False.");
            }
            var parts = rest.Split('=', 2);
            if (parts[0].Trim().Length == 0)
            {
                throw Invalid(text!, "Condition needs a type: Condition=Available or Condition=Ready=False.");
            }
            return new WaitCondition(WaitConditionKind.Condition, t)
            {
                ConditionType = parts[0].Trim(),
                Value = parts.Length > 1 && parts[1].Trim().Length > 0 ? parts[1].Trim() : "True",
            };
        }
        if (head.Equals("JsonPath", StringComparison.OrdinalIgnoreCase))
        {
            if (rest.Length == 0)
            {
                throw Invalid(text!, "JsonPath needs an expression: JsonPath={.status.phase}=Running.");
            }
            var (expr, value) = SplitJsonPath(rest);
            return new WaitCondition(WaitConditionKind.JsonPath, t) { Path = JsonPathExpression.Parse(expr), Value = value };
        }
        throw Invalid(text!, "use Ready, Exists, Create, Delete, Condition=<Type>[=<Status>] or JsonPath=<expression>[=<value>].");
    }

    /// <summary>Splits "expr=value" at the first '=' outside braces, brackets, parentheses and quotes, and not part of ==, !=, &lt;=, &gt;=.</summary>
    internal static (string Expression, string? Value) SplitJsonPath(string text)
    {
        var depth = 0;
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                continue;
            }
            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '{' or '[' or '(':
                    depth++;
                    break;
                case '}' or ']' or ')':
                    depth--;
                    break;
                case '=' when depth == 0:
                    var prev = i > 0 ? text[i - 1] : '\0';
                    var next = i + 1 < text.Length ? text[i + 1] : '\0';
                    if (prev is '=' or '!' or '<' or '>' || next == '=')
                    {
                        break;
                    }
                    return (text[..i], text[(i + 1)..]);
            }
        }
        return (text, null);
    }

    /// <summary>
    /// Whether <paramref name="obj"/> (null when it does not exist) meets the condition; <paramref name="status"/> is its computed state.
    /// </summary>
    public bool IsMet(JsonElement? obj, ResourceStatus status)
    {
        switch (Kind)
        {
            case WaitConditionKind.Ready:
                return status.State == ResourceState.Current;
            case WaitConditionKind.Exists:
                return obj is not null;
            case WaitConditionKind.Delete:
                return obj is null;
            case WaitConditionKind.Condition:
                if (obj is not { } o)
                {
                    return false;
                }
                var c = StatusRules.Condition(o, ConditionType!);
                return c is { } cond && string.Equals(StatusRules.Str(cond, "status"), Value, StringComparison.OrdinalIgnoreCase);
            case WaitConditionKind.JsonPath:
                if (obj is not { } j)
                {
                    return false;
                }
                var values = Path!.Evaluate(j);
                if (Value is null)
                {
                    return values.Count > 0;
                }
                return values.Count > 0 && values.All(v => JsonPathExpression.Format(v) == Value);
            default:
                return false;
        }
    }

    public override string ToString() => Text;

    private static KubeException Invalid(string text, string hint) =>
        new(KubeErrorKind.KubeWaitInvalidArgument, $"-For \"{text}\" is not a wait condition: {hint}")
        {
            Target = text,
            RecommendedAction = "Use Ready, Exists, Create, Delete, Condition=<Type>[=<Status>] or JsonPath=<expression>[=<value>].",
        };
}
