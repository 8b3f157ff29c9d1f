using KubePS.Engine.Errors;

namespace KubePS.Engine.Apply;

/// <summary>One label or annotation edit: set key=value, or remove key (written "key-").</summary>
public sealed record MetadataEdit(string Key, string? Value)
{
    public bool Remove => Value is null;
    public override string ToString() => Remove ? Key + "-" : Key + "=" + Value;
}

/// <summary>Parses and applies kubectl-style label/annotation edits (key=value, key-), with kubectl's overwrite rule.</summary>
public static class MetadataEdits
{
    /// <summary>Parses "key=value" and "key-"; throws KubeBadRequest for anything else or a key given twice.</summary>
    public static IReadOnlyList<MetadataEdit> Parse(IEnumerable<string> specs)
    {
        var result = new List<MetadataEdit>();
        foreach (var spec in specs)
        {
            var eq = spec.IndexOf('=', StringComparison.Ordinal);
            MetadataEdit edit;
            if (eq > 0)
            {
                edit = new MetadataEdit(spec[..eq], spec[(eq + 1)..]);
            }
            else if (eq < 0 && spec.Length > 1 && spec.EndsWith('-'))
            {
                edit = new MetadataEdit(spec[..^1], null);
            }
            else
            {
                throw new KubeException(KubeErrorKind.KubeBadRequest, $"'{spec}' is not a valid edit: use key=value to set, key- to remove.") { Target = spec };
            }
            if (!IsValidKey(edit.Key))
            {
                throw new KubeException(KubeErrorKind.KubeBadRequest, $"'{edit.Key}' is not a valid key: an optional DNS prefix and '/', then up to 63 characters of [A-Za-z0-9._-] starting and ending with an alphanumeric.") { Target = spec };
            }
            if (result.Any(e => e.Key == edit.Key))
            {
                throw new KubeException(KubeErrorKind.KubeBadRequest, $"The key '{edit.Key}' is edited more than once.") { Target = spec };
            }
            result.Add(edit);
        }
        return result;
    }

    /// <summary>Edits from a hashtable: a $null value removes the key.</summary>
    public static IReadOnlyList<MetadataEdit> FromDictionary(IEnumerable<KeyValuePair<string, string?>> pairs) =>
        Parse(pairs.Select(kv => kv.Value is null ? kv.Key + "-" : kv.Key + "=" + kv.Value));

    /// <summary>
    /// The merge-patch map for <paramref name="edits"/> against <paramref name="current"/> (null for removal). Throws
    /// KubeOverwriteRequired when a key already has a different value and <paramref name="overwrite"/> is false (as kubectl).
    /// Returns an empty map when nothing would change.
    /// </summary>
    public static Dictionary<string, string?> Plan(IReadOnlyDictionary<string, string>? current, IReadOnlyList<MetadataEdit> edits, bool overwrite, string what, string target)
    {
        var patch = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var e in edits)
        {
            string? old = null;
            var has = current is not null && current.TryGetValue(e.Key, out old);
            if (e.Remove)
            {
                if (has)
                {
                    patch[e.Key] = null;
                }
                continue;
            }
            if (has && old == e.Value)
            {
                continue;
            }
            if (has && !overwrite)
            {
                throw new KubeException(KubeErrorKind.KubeOverwriteRequired,
                    $"{target}: {what} '{e.Key}' already has a value ({old}), and -Overwrite was not given.")
                {
                    Target = target,
                    RecommendedAction = "Add -Overwrite to replace the existing value.",
                };
            }
            patch[e.Key] = e.Value;
        }
        return patch;
    }

    private static bool IsValidKey(string key)
    {
        var slash = key.LastIndexOf('/');
        var name = slash >= 0 ? key[(slash + 1)..] : key;
        var prefix = slash >= 0 ? key[..slash] : null;
        if (name.Length is 0 or > 63 || !char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return false;
        }
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return false;
        }
        return prefix is null || (prefix.Length is > 0 and <= 253 && prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'));
    }
}
