using System.Text;
using System.Text.RegularExpressions;
using KubePS.Engine.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace KubePS.Engine.Connection;

/// <summary>
/// Targeted edits of a kubeconfig file: only the bytes of one value (or one inserted line) change,
/// the rest of the file (comments, ordering, exec and auth blocks) is kept byte for byte.
/// </summary>
public static partial class KubeConfigEditor
{
    /// <summary>Sets current-context in <paramref name="path"/>.</summary>
    public static void SetCurrentContext(string path, string contextName) =>
        Edit(path, (text, root) => SetKey(text, root, "current-context", contextName));

    /// <summary>Sets the namespace of context <paramref name="contextName"/> defined in <paramref name="path"/>.</summary>
    public static void SetContextNamespace(string path, string contextName, string @namespace) =>
        Edit(path, (text, root) =>
        {
            var contexts = Child(root, "contexts") as YamlSequenceNode
                ?? throw Unsupported(path, $"it has no contexts list");
            foreach (var item in contexts.OfType<YamlMappingNode>())
            {
                if (Child(item, "name") is YamlScalarNode { Value: { } name } && name == contextName)
                {
                    if (Child(item, "context") is not YamlMappingNode body)
                    {
                        throw Unsupported(path, $"context '{contextName}' has no 'context' mapping");
                    }

                    return SetKey(text, body, "namespace", @namespace);
                }
            }

            throw new KubeException(KubeErrorKind.KubeContextNotFound, $"Context '{contextName}' is not defined in '{path}'.") { Target = contextName };
        });

    /// <summary>Applies the edit to text (pure; for tests).</summary>
    internal static string EditText(string text, string path, Func<string, YamlMappingNode, string> edit)
    {
        var stream = KubeConfigLoader.LoadYaml(text, path);

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Unsupported(path, "it is not a kubeconfig mapping");
        }

        return edit(text, root);
    }

    private static void Edit(string path, Func<string, YamlMappingNode, string> edit)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeException(KubeErrorKind.KubeConfigInvalid, $"Cannot read the kubeconfig file '{path}': {ex.Message}", ex) { Target = path };
        }

        var preamble = Encoding.UTF8.GetPreamble();
        var hasBom = bytes.AsSpan().StartsWith(preamble);
        var text = new UTF8Encoding(false).GetString(hasBom ? bytes[preamble.Length..] : bytes);
        var edited = EditText(text, path, edit);
        if (edited == text)
        {
            return;
        }

        var output = new UTF8Encoding(false).GetBytes(edited);
        try
        {
            // Overwrite in place so the file keeps its owner and permissions (kubeconfigs are often 0600).
            using var stream = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.None);
            if (hasBom)
            {
                stream.Write(preamble);
            }

            stream.Write(output);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeException(KubeErrorKind.KubeConfigInvalid, $"Cannot write the kubeconfig file '{path}': {ex.Message}", ex) { Target = path };
        }
    }

    /// <summary>Sets <paramref name="key"/> of <paramref name="map"/> to <paramref name="value"/> by splicing the text.</summary>
    internal static string SetKey(string text, YamlMappingNode map, string key, string value)
    {
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        foreach (var pair in map.Children)
        {
            if (pair.Key is not YamlScalarNode { Value: { } k } keyNode || k != key)
            {
                continue;
            }

            if (pair.Value is YamlScalarNode scalar && scalar.End.Index > scalar.Start.Index)
            {
                var start = (int)scalar.Start.Index;
                var end = (int)scalar.End.Index;
                return text[..start] + FormatScalar(value, scalar.Style, map.Style == MappingStyle.Flow) + text[end..];
            }

            // An empty value ("key:" or "key: ~" handled above): rewrite the rest of the key's line.
            var colon = text.IndexOf(':', (int)keyNode.End.Index);
            var lineEnd = text.IndexOfAny(['\r', '\n'], colon + 1);
            if (lineEnd < 0)
            {
                lineEnd = text.Length;
            }

            return text[..(colon + 1)] + " " + FormatScalar(value, ScalarStyle.Plain, map.Style == MappingStyle.Flow) + text[lineEnd..];
        }

        // The key is absent: insert it.
        if (map.Style == MappingStyle.Flow)
        {
            var brace = text.IndexOf('{', (int)map.Start.Index);
            var isJson = map.Children.Count == 0 || map.Children.Keys.First() is YamlScalarNode { Style: ScalarStyle.DoubleQuoted };
            var entry = isJson ? $"\"{key}\": {FormatScalar(value, ScalarStyle.DoubleQuoted, true)}" : $"{key}: {FormatScalar(value, ScalarStyle.Plain, true)}";
            var separator = map.Children.Count == 0 ? "" : ", ";
            return text[..(brace + 1)] + entry + separator + text[(brace + 1)..];
        }

        var line = $"{key}: {FormatScalar(value, ScalarStyle.Plain, false)}";
        var first = map.Children.Keys.FirstOrDefault();
        if (first is null || first.Start.Column == 1 && map.Start.Column == 1 && IsRoot(text, map))
        {
            // Top level: append at the end of the file.
            var prefix = text.Length == 0 || text.EndsWith('\n') ? "" : newline;
            return text + prefix + line + newline;
        }

        var keyStart = (int)first.Start.Index;
        var lineStart = text.LastIndexOf('\n', Math.Max(0, keyStart - 1)) + 1;
        var indent = text[lineStart..keyStart];
        if (indent.All(c => c == ' '))
        {
            return text[..lineStart] + indent + line + newline + text[lineStart..];
        }

        // The first key shares its line with something else ("- namespace: x" style): insert after the last value instead.
        var last = map.Children.Last().Value;
        var afterLast = text.IndexOfAny(['\r', '\n'], (int)last.End.Index > 0 ? (int)last.End.Index - 1 : 0);
        if (afterLast < 0)
        {
            return text + newline + new string(' ', (int)first.Start.Column - 1) + line + newline;
        }

        return text[..afterLast] + newline + new string(' ', (int)first.Start.Column - 1) + line + text[afterLast..];
    }

    private static bool IsRoot(string text, YamlMappingNode map) => map.Start.Index <= FirstContentIndex(text);

    private static int FirstContentIndex(string text)
    {
        var index = 0;
        while (index < text.Length)
        {
            var lineEnd = text.IndexOf('\n', index);
            var line = lineEnd < 0 ? text[index..] : text[index..lineEnd];
            var trimmed = line.TrimStart();
            if (trimmed.Length > 0 && !trimmed.StartsWith('#') && !trimmed.StartsWith("---", StringComparison.Ordinal) && !trimmed.StartsWith('%'))
            {
                return index + (line.Length - trimmed.Length);
            }

            if (lineEnd < 0)
            {
                break;
            }

            index = lineEnd + 1;
        }

        return text.Length;
    }

    internal static string FormatScalar(string value, ScalarStyle style, bool inFlow)
    {
        switch (style)
        {
            case ScalarStyle.DoubleQuoted:
                return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
            case ScalarStyle.SingleQuoted:
                return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
            default:
                return SafePlain().IsMatch(value) && !LooksTyped().IsMatch(value) && !(inFlow && value.Contains(','))
                    ? value
                    : FormatScalar(value, ScalarStyle.DoubleQuoted, inFlow);
        }
    }

    private static KubeException Unsupported(string path, string why) =>
        new(KubeErrorKind.KubeConfigInvalid, $"Cannot edit '{path}' in place: {why}.") { Target = path };

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(p => p.Key is YamlScalarNode { Value: { } k } && k == key).Value;

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._@/+=-]*(:[A-Za-z0-9._@/+=-]+)*$")]
    private static partial Regex SafePlain();

    [GeneratedRegex(@"^(?i:true|false|yes|no|on|off|null|~|[-+]?[0-9][0-9_]*(\.[0-9]*)?([eE][-+]?[0-9]+)?|0x[0-9a-f]+|0o[0-7]+)$")]
    private static partial Regex LooksTyped();
}
