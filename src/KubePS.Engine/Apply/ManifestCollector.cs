using System.Text.Json.Nodes;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;

namespace KubePS.Engine.Apply;

/// <summary>Finds manifest files (files, directories, globs) and reads their documents.</summary>
public static class ManifestCollector
{
    private static readonly string[] Extensions = { ".yaml", ".yml", ".json" };

    /// <summary>True for the file extensions read from directories: .yaml, .yml, .json.</summary>
    public static bool IsManifestFile(string path) => Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The files a path stands for: a file itself (any extension), a directory's manifest files (sorted by name,
    /// subdirectories with <paramref name="recurse"/>), or a glob (* and ? in the last segment).
    /// Throws KubeManifestNotFound when nothing exists there.
    /// </summary>
    public static IReadOnlyList<string> ExpandPath(string path, bool recurse)
    {
        if (File.Exists(path))
        {
            return new[] { Path.GetFullPath(path) };
        }
        if (Directory.Exists(path))
        {
            var option = recurse ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
            return Directory.EnumerateFiles(path, "*", option).Where(IsManifestFile)
                .Select(Path.GetFullPath).OrderBy(f => f, StringComparer.Ordinal).ToList();
        }
        var name = Path.GetFileName(path);
        if (name.IndexOfAny(new[] { '*', '?' }) >= 0)
        {
            var dir = Path.GetDirectoryName(path);
            dir = string.IsNullOrEmpty(dir) ? "." : dir;
            if (Directory.Exists(dir))
            {
                var option = recurse ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
                var matches = Directory.EnumerateFiles(dir, name, option).Select(Path.GetFullPath).OrderBy(f => f, StringComparer.Ordinal).ToList();
                if (matches.Count > 0)
                {
                    return matches;
                }
            }
        }
        throw new KubeException(KubeErrorKind.KubeManifestNotFound, $"Cannot find manifest path '{path}'.") { Target = path };
    }

    /// <summary>
    /// Reads every document of every file; a file that does not parse becomes a failure (the others are still read).
    /// </summary>
    public static (List<ManifestDocument> Documents, List<KubeException> Errors) ReadFiles(IEnumerable<string> files)
    {
        var docs = new List<ManifestDocument>();
        var errors = new List<KubeException>();
        foreach (var file in files.Distinct(StringComparer.Ordinal))
        {
            try
            {
                docs.AddRange(YamlReader.ReadFile(file));
            }
            catch (KubeException ex)
            {
                errors.Add(ex);
            }
        }
        return (docs, errors);
    }

    /// <summary>
    /// Checks what a manifest needs before the server sees it: apiVersion, kind and metadata.name as strings.
    /// Returns null when the document is well formed.
    /// </summary>
    public static KubeException? CheckShape(ManifestDocument doc)
    {
        var o = doc.Object;
        var missing = new List<string>();
        if (o["apiVersion"] is not JsonValue av || !av.TryGetValue<string>(out var a) || a.Length == 0)
        {
            missing.Add("apiVersion");
        }
        if (o["kind"] is not JsonValue k || !k.TryGetValue<string>(out var kk) || kk.Length == 0)
        {
            missing.Add("kind");
        }
        if (o["metadata"] is not JsonObject m || m["name"] is not JsonValue n || !n.TryGetValue<string>(out var nn) || nn.Length == 0)
        {
            missing.Add("metadata.name");
        }
        if (missing.Count == 0)
        {
            return null;
        }
        return new KubeException(KubeErrorKind.KubeManifestInvalid,
            $"{doc}: the document has no {string.Join(", no ", missing)}; every manifest needs apiVersion, kind and metadata.name.")
        {
            Target = doc.ToString(),
        };
    }
}
