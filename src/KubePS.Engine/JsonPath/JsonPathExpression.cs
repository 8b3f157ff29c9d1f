using System.Globalization;
using System.Text;
using System.Text.Json;
using KubePS.Engine.Errors;

namespace KubePS.Engine.JsonPath;

/// <summary>
/// A small kubectl-style JSONPath: <c>{.status.phase}</c>, <c>.spec.containers[0].image</c>,
/// <c>.items[*].metadata.name</c>, <c>..name</c> (recursive), <c>['a.b']</c> (quoted keys), and filters
/// <c>[?(@.type=="Ready")].status</c> with ==, !=, &lt;, &gt;, &lt;=, &gt;= or a bare existence test <c>[?(@.x)]</c>.
/// Braces and the leading dot are optional. Parse once, evaluate many times; thread-safe.
/// </summary>
public sealed class JsonPathExpression
{
    private readonly IReadOnlyList<Step> steps;

    private JsonPathExpression(string text, IReadOnlyList<Step> steps)
    {
        Text = text;
        this.steps = steps;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>Parses an expression; throws KubeException(KubeJsonPathInvalid) naming the position of the problem.</summary>
    public static JsonPathExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = text.Trim();
        if (body.StartsWith('{'))
        {
            if (!body.EndsWith('}'))
            {
                throw Invalid(text, "the opening '{' has no closing '}'");
            }
            body = body[1..^1].Trim();
        }
        if (body.Length == 0)
        {
            throw Invalid(text, "the expression is empty");
        }
        var parser = new Parser(text, body);
        return new JsonPathExpression(text, parser.ParseSteps(stopAtFilterEnd: false));
    }

    /// <summary>Parses, returning false (and the error) instead of throwing.</summary>
    public static bool TryParse(string text, out JsonPathExpression? expression, out string? error)
    {
        try
        {
            expression = Parse(text);
            error = null;
            return true;
        }
        catch (KubeException ex)
        {
            expression = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>All values the expression selects (empty when a field is missing).</summary>
    public IReadOnlyList<JsonElement> Evaluate(JsonElement root)
    {
        IEnumerable<JsonElement> current = new[] { root };
        foreach (var step in steps)
        {
            current = step.Apply(current, root).ToList();
        }
        return current as IReadOnlyList<JsonElement> ?? current.ToList();
    }

    /// <summary>The selected values as kubectl prints them: strings raw, other values as JSON, joined by spaces.</summary>
    public string EvaluateToString(JsonElement root) => string.Join(" ", Evaluate(root).Select(Format));

    /// <summary>One value as kubectl prints it (strings without quotes).</summary>
    public static string Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };

    public override string ToString() => Text;

    private static KubeException Invalid(string text, string reason, int? position = null) =>
        new(KubeErrorKind.KubeJsonPathInvalid,
            $"The JSONPath expression \"{text}\" is not valid: {reason}" + (position is { } p ? $" (at character {p + 1})." : "."))
        {
            Target = text,
            RecommendedAction = "Write it as kubectl does: {.status.phase}, {.status.conditions[?(@.type==\"Ready\")].status}, {.spec.containers[*].image}.",
        };

    private abstract class Step
    {
        public abstract IEnumerable<JsonElement> Apply(IEnumerable<JsonElement> input, JsonElement root);
    }

    private sealed class FieldStep(string name) : Step
    {
        public override IEnumerable<JsonElement> Apply(IEnumerable<JsonElement> input, JsonElement root)
        {
            foreach (var e in input)
            {
                if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v))
                {
                    yield return v;
                }
            }
        }
    }

    private sealed class WildcardStep : Step
    {
        public override IEnumerable<JsonElement> Apply(IEnumerable<JsonElement> input, JsonElement root)
        {
            foreach (var e in input)
            {
                if (e.ValueKind == JsonValueKind.Array)
                {
                    foreach (var x in e.EnumerateArray())
                    {
                        yield return x;
                    }
                }
                else if (e.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in e.EnumerateObject())
                    {
                        yield return p.Value;
                    }
                }
            }
        }
    }

    private sealed class RecursiveStep(string? name) : Step
    {
        public override IEnumerable<JsonElement> Apply(IEnumerable<JsonElement> input, JsonElement root)
        {
            var result = new List<JsonElement>();
            foreach (var e in input)
            {
                Walk(e, result);
            }
            return result;
        }

        private void Walk(JsonElement e, List<JsonElement> result)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    if (name is null || p.Name == name)
                    {
                        result.Add(p.Value);
                    }
                    Walk(p.Value, result);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var x in e.EnumerateArray())
                {
                    if (name is null)
                    {
                        result.Add(x);
                    }
                    Walk(x, result);
                }
            }
        }
    }

    private sealed class IndexStep(int? start, int? end, bool slice) : Step
    {
        public override IEnumerable<JsonElement> Apply(IEnumerable<JsonElement> input, JsonElement root)
        {
            foreach (var e in input)
            {
                if (e.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }
                var n = e.GetArrayLength();
                if (!slice)
                {
                    var i = start!.Value < 0 ? n + start.Value : start.Value;
                    if (i >= 0 && i < n)
                    {
                        yield return e[i];
                    }
                    continue;
                }
                var s = start is null ? 0 : start.Value < 0 ? Math.Max(0, n + start.Value) : Math.Min(n, start.Value);
                var t = end is null ? n : end.Value < 0 ? Math.Max(0, n + end.Value) : Math.Min(n, end.Value);
                for (var i = s; i < t; i++)
                {
                    yield return e[i];
                }
            }
        }
    }

    private sealed class FilterStep(IReadOnlyList<Step> left, string? op, JsonElement? literal) : Step
    {
        public override IEnumerable<JsonElement> Apply(IEnumerable<JsonElement> input, JsonElement root)
        {
            foreach (var e in input)
            {
                IEnumerable<JsonElement> items = e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : new[] { e };
                foreach (var item in items)
                {
                    IEnumerable<JsonElement> values = new[] { item };
                    foreach (var s in left)
                    {
                        values = s.Apply(values, root).ToList();
                    }
                    var list = (List<JsonElement>)(values is List<JsonElement> l ? l : values.ToList());
                    if (op is null ? list.Count > 0 && list.Any(v => v.ValueKind is not (JsonValueKind.Null or JsonValueKind.False)) : list.Any(v => Compare(v, op, literal!.Value)))
                    {
                        yield return item;
                    }
                }
            }
        }

        private static bool Compare(JsonElement value, string op, JsonElement literal)
        {
            if (literal.ValueKind == JsonValueKind.Number && value.ValueKind == JsonValueKind.Number)
            {
                var a = value.GetDouble();
                var b = literal.GetDouble();
                return op switch { "==" => a == b, "!=" => a != b, "<" => a < b, ">" => a > b, "<=" => a <= b, ">=" => a >= b, _ => false };
            }
            var x = Format(value);
            var y = Format(literal);
            var c = string.CompareOrdinal(x, y);
            return op switch { "==" => c == 0, "!=" => c != 0, "<" => c < 0, ">" => c > 0, "<=" => c <= 0, ">=" => c >= 0, _ => false };
        }
    }

    private sealed class Parser(string original, string text)
    {
        private int pos;

        public List<Step> ParseSteps(bool stopAtFilterEnd)
        {
            var steps = new List<Step>();
            if (!stopAtFilterEnd && pos < text.Length && text[pos] == '$')
            {
                pos++;
            }
            var first = true;
            while (pos < text.Length)
            {
                var c = text[pos];
                if (stopAtFilterEnd && (c == ')' || c == ' ' || c == '=' || c == '!' || c == '<' || c == '>'))
                {
                    break;
                }
                if (c == '.')
                {
                    if (pos + 1 < text.Length && text[pos + 1] == '.')
                    {
                        pos += 2;
                        if (pos < text.Length && text[pos] == '[')
                        {
                            steps.Add(new RecursiveStep(null));
                            continue;
                        }
                        var name = ReadName();
                        steps.Add(new RecursiveStep(name == "*" ? null : name));
                        first = false;
                        continue;
                    }
                    pos++;
                    if (pos >= text.Length)
                    {
                        if (steps.Count == 0)
                        {
                            break; // "." alone: the whole object
                        }
                        throw Invalid(original, "a '.' must be followed by a field name", pos);
                    }
                    if (text[pos] == '[')
                    {
                        continue;
                    }
                    var field = ReadName();
                    steps.Add(field == "*" ? new WildcardStep() : new FieldStep(field));
                }
                else if (c == '[')
                {
                    steps.Add(ParseBracket());
                }
                else if (first && IsNameChar(c))
                {
                    var field = ReadName();
                    steps.Add(new FieldStep(field));
                }
                else
                {
                    throw Invalid(original, $"unexpected '{c}'", pos);
                }
                first = false;
            }
            return steps;
        }

        private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-' or '/' or '*' or '$';

        private string ReadName()
        {
            var start = pos;
            while (pos < text.Length && (IsNameChar(text[pos]) || (text[pos] == '\\' && pos + 1 < text.Length)))
            {
                pos += text[pos] == '\\' ? 2 : 1;
            }
            if (pos == start)
            {
                throw Invalid(original, "expected a field name", pos);
            }
            return text[start..pos].Replace("\\.", ".", StringComparison.Ordinal);
        }

        private Step ParseBracket()
        {
            var open = pos;
            pos++; // [
            SkipSpaces();
            if (pos >= text.Length)
            {
                throw Invalid(original, "the '[' has no closing ']'", open);
            }
            Step step;
            var c = text[pos];
            if (c == '*')
            {
                pos++;
                step = new WildcardStep();
            }
            else if (c == '\'' || c == '"')
            {
                var name = ReadQuoted();
                step = new FieldStep(name);
            }
            else if (c == '?')
            {
                pos++;
                SkipSpaces();
                Expect('(');
                SkipSpaces();
                Expect('@');
                var left = ParseSteps(stopAtFilterEnd: true);
                SkipSpaces();
                string? op = null;
                JsonElement? literal = null;
                if (pos < text.Length && text[pos] != ')')
                {
                    op = ReadOperator();
                    SkipSpaces();
                    literal = ReadLiteral();
                    SkipSpaces();
                }
                Expect(')');
                step = new FilterStep(left, op, literal);
            }
            else
            {
                int? start = ReadInt();
                if (pos < text.Length && text[pos] == ':')
                {
                    pos++;
                    var end = ReadInt();
                    if (pos < text.Length && text[pos] == ':')
                    {
                        throw Invalid(original, "slice steps are not supported", pos);
                    }
                    step = new IndexStep(start, end, slice: true);
                }
                else
                {
                    if (start is null)
                    {
                        throw Invalid(original, "expected an index, '*', a quoted name or a filter inside '[ ]'", pos);
                    }
                    step = new IndexStep(start, null, slice: false);
                }
            }
            SkipSpaces();
            if (pos >= text.Length || text[pos] != ']')
            {
                throw Invalid(original, "the '[' has no closing ']'", open);
            }
            pos++;
            return step;
        }

        private int? ReadInt()
        {
            SkipSpaces();
            var start = pos;
            if (pos < text.Length && text[pos] == '-')
            {
                pos++;
            }
            while (pos < text.Length && char.IsDigit(text[pos]))
            {
                pos++;
            }
            if (pos == start)
            {
                return null;
            }
            if (!int.TryParse(text[start..pos], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                throw Invalid(original, "expected an index", start);
            }
            SkipSpaces();
            return n;
        }

        private string ReadOperator()
        {
            foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
            {
                if (string.CompareOrdinal(text, pos, op, 0, op.Length) == 0)
                {
                    pos += op.Length;
                    return op;
                }
            }
            throw Invalid(original, "expected ==, !=, <, >, <= or >= in the filter", pos);
        }

        private JsonElement ReadLiteral()
        {
            if (pos >= text.Length)
            {
                throw Invalid(original, "expected a value after the operator", pos);
            }
            string json;
            if (text[pos] is '\'' or '"')
            {
                json = JsonSerializer.Serialize(ReadQuoted());
            }
            else
            {
                var start = pos;
                while (pos < text.Length && text[pos] != ')' && text[pos] != ' ')
                {
                    pos++;
                }
                var word = text[start..pos];
                if (word is "true" or "false" or "null" || double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    json = word;
                }
                else
                {
                    throw Invalid(original, $"the value '{word}' must be quoted, a number, true, false or null", start);
                }
            }
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.Clone();
        }

        private string ReadQuoted()
        {
            var quote = text[pos];
            var start = pos;
            pos++;
            var sb = new StringBuilder();
            while (pos < text.Length && text[pos] != quote)
            {
                if (text[pos] == '\\' && pos + 1 < text.Length)
                {
                    pos++;
                }
                sb.Append(text[pos]);
                pos++;
            }
            if (pos >= text.Length)
            {
                throw Invalid(original, "a quoted string is not closed", start);
            }
            pos++;
            return sb.ToString();
        }

        private void Expect(char c)
        {
            if (pos >= text.Length || text[pos] != c)
            {
                throw Invalid(original, $"expected '{c}'", pos);
            }
            pos++;
        }

        private void SkipSpaces()
        {
            while (pos < text.Length && text[pos] == ' ')
            {
                pos++;
            }
        }
    }
}
