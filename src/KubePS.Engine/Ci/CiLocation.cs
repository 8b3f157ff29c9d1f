using System.Globalization;
using System.Text.RegularExpressions;

namespace KubePS.Engine.Ci;

/// <summary>A place in a manifest file a failure points at.</summary>
public sealed record CiSourceLocation(string File, int? Line);

/// <summary>
/// Finds the manifest file and line a failure is about in the text the engine already writes: a document's
/// "file (document N, line L)", "file:L: ...", "file: YAML syntax error in document N at line L", "file, line L: ...".
/// </summary>
public static partial class CiLocation
{
    /// <summary>The first file-and-line found in <paramref name="texts"/> (targets first, then messages).</summary>
    /// <param name="mustExist">Only locations whose file exists (default), so a mis-read never names a file that is not there.</param>
    /// <param name="texts">Strings to look in, in order of preference.</param>
    public static CiSourceLocation? Find(bool mustExist, params string?[] texts)
    {
        foreach (var text in texts)
        {
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }
            foreach (var regex in new[] { DocumentRef(), YamlError(), FileColonLine(), FileCommaLine(), DocumentAtLine(), KubeconfigLine() })
            {
                foreach (Match m in regex.Matches(text))
                {
                    var file = m.Groups["f"].Value.Trim();
                    var line = m.Groups["l"].Success ? int.Parse(m.Groups["l"].Value, CultureInfo.InvariantCulture) : (int?)null;
                    if (file.Length == 0 || (mustExist && !File.Exists(file)))
                    {
                        continue;
                    }
                    return new CiSourceLocation(file, line);
                }
            }
        }
        // No line anywhere: a target that is just the manifest's path still names the file.
        foreach (var text in texts)
        {
            if (!string.IsNullOrEmpty(text) && LooksLikeManifestFile(text) && (!mustExist || File.Exists(text)))
            {
                return new CiSourceLocation(text, null);
            }
        }
        return null;
    }

    private static bool LooksLikeManifestFile(string text) =>
        !text.Contains('\n') && (text.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".json", StringComparison.OrdinalIgnoreCase));

    // ManifestDocument.ToString(): "/src/app/web.yaml (document 2, line 14)", possibly inside other text.
    [GeneratedRegex(@"(?<f>[^\s(][^(\r\n]*?) \(document \d+, line (?<l>\d+)\)")]
    private static partial Regex DocumentRef();

    [GeneratedRegex(@"^(?<f>[^\r\n]+?): YAML syntax error in document \d+ (?:at line (?<l>\d+)|\(starting at line (?<l>\d+)\))", RegexOptions.Multiline)]
    private static partial Regex YamlError();

    [GeneratedRegex(@"^(?<f>[^\r\n]+?\.(?:ya?ml|json)):(?<l>\d+):", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex FileColonLine();

    [GeneratedRegex(@"^(?<f>[^\r\n]+?\.(?:ya?ml|json)), line (?<l>\d+):", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex FileCommaLine();

    [GeneratedRegex(@"^(?<f>[^\r\n]+?\.(?:ya?ml|json)): document \d+ at line (?<l>\d+)", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex DocumentAtLine();

    [GeneratedRegex(@"Invalid kubeconfig '(?<f>[^']+)' at line (?<l>\d+)")]
    private static partial Regex KubeconfigLine();
}
