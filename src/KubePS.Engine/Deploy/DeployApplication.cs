using System.Globalization;
using System.Text.Json.Nodes;
using KubePS.Engine.Errors;
using KubePS.Engine.Wait;
using KubePS.Engine.Yaml;

namespace KubePS.Engine.Deploy;

/// <summary>Per-resource options of kubeps.yaml's <c>resources:</c> list.</summary>
public sealed record DeployResourceOptions
{
    /// <summary>The resource: Kind/name or Kind/namespace/name.</summary>
    public required string Match { get; init; }
    /// <summary>Dependencies: Kind/name[=Ready|Applied|&lt;wait condition&gt;].</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = Array.Empty<string>();
    /// <summary>What ready means for it (Ready, Applied, Condition=Complete, JsonPath=...).</summary>
    public string? WaitFor { get; init; }
}

/// <summary>
/// An application: its name (the label and inventory key), where its documents come from and per-resource options.
/// Read from kubeps.yaml in the application directory, or made up from -Name and -Path.
/// </summary>
public sealed class DeployApplication
{
    public const string FileName = "kubeps.yaml";
    public const string ApplicationLabel = "kubeps.io/application";
    public const string DependsOnAnnotation = "kubeps.io/depends-on";
    public const string WaitForAnnotation = "kubeps.io/wait-for";
    public const string InventoryLabel = "kubeps.io/inventory";

    public required string Name { get; init; }
    /// <summary>The application file, or null.</summary>
    public string? File { get; init; }
    /// <summary>Relative paths in the file resolve against this directory.</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();
    public string? Namespace { get; init; }
    public string? InventoryNamespace { get; init; }
    public int? Concurrency { get; init; }
    public TimeSpan? Timeout { get; init; }
    /// <summary>kubeps.yaml sources: (key, value) pairs such as ("path", "manifests").</summary>
    public IReadOnlyList<(string Key, string Value)> Sources { get; init; } = Array.Empty<(string, string)>();
    public IReadOnlyList<DeployResourceOptions> Resources { get; init; } = Array.Empty<DeployResourceOptions>();
    /// <summary>The whole file as read, for features that add their own sections (environments, values, policy).</summary>
    public JsonObject? Raw { get; init; }

    public string ResolvePath(string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(BaseDirectory, path));

    public static bool IsApplicationFile(string path) =>
        string.Equals(Path.GetFileName(path), FileName, StringComparison.OrdinalIgnoreCase) || string.Equals(Path.GetFileName(path), "kubeps.yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>The application file a path stands for: the path itself when it is kubeps.yaml, or kubeps.yaml in a directory; else null.</summary>
    public static string? FindFile(string path)
    {
        if (System.IO.File.Exists(path) && IsApplicationFile(path))
        {
            return Path.GetFullPath(path);
        }
        if (Directory.Exists(path))
        {
            foreach (var name in new[] { FileName, "kubeps.yml" })
            {
                var f = Path.Combine(path, name);
                if (System.IO.File.Exists(f))
                {
                    return Path.GetFullPath(f);
                }
            }
        }
        return null;
    }

    /// <summary>Reads an application file. Throws KubeDeployApplicationInvalid naming the file and the field.</summary>
    public static DeployApplication Load(string file, string? nameOverride = null)
    {
        IReadOnlyList<ManifestDocument> docs;
        try
        {
            docs = YamlReader.ReadFile(file);
        }
        catch (KubeException ex)
        {
            throw new KubeException(KubeErrorKind.KubeDeployApplicationInvalid, $"{file}: {ex.Message}", ex) { Target = file };
        }
        if (docs.Count != 1)
        {
            throw Invalid(file, $"expected one YAML document, found {docs.Count}.");
        }
        var root = docs[0].Object;
        var kind = Str(root, "kind");
        if (kind is not null && kind != "Application")
        {
            throw Invalid(file, $"kind is \"{kind}\"; an application file has kind: Application.");
        }
        var spec = root["spec"] as JsonObject ?? root;
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var name = nameOverride ?? (root["metadata"] as JsonObject)?["name"]?.GetValue<string>() ?? Str(root, "name") ?? Path.GetFileName(baseDir);
        var sources = new List<(string, string)>();
        if (spec["sources"] is JsonArray arr)
        {
            foreach (var s in arr)
            {
                if (s is JsonValue v && v.TryGetValue<string>(out var p))
                {
                    sources.Add(("path", p));
                }
                else if (s is JsonObject o && o.Count == 1 && o.First().Value is JsonValue sv && sv.TryGetValue<string>(out var value))
                {
                    var key = o.First().Key;
                    if (!DeploySourceRegistry.Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
                    {
                        throw Invalid(file, $"sources: unknown source \"{key}\" (known: {string.Join(", ", DeploySourceRegistry.Keys)}).");
                    }
                    sources.Add((key, value));
                }
                else
                {
                    throw Invalid(file, "sources: each entry is a path, or one key such as 'path: manifests'.");
                }
            }
        }
        var resources = new List<DeployResourceOptions>();
        if (spec["resources"] is JsonArray res)
        {
            foreach (var r in res)
            {
                if (r is not JsonObject ro || Str(ro, "match") is not { } match)
                {
                    throw Invalid(file, "resources: each entry needs 'match: Kind/name'.");
                }
                var deps = ro["dependsOn"] switch
                {
                    JsonArray a => a.Select(x => x?.GetValue<string>() ?? "").Where(x => x.Length > 0).ToList(),
                    JsonValue one when one.TryGetValue<string>(out var text) => DeployReferences.SplitList(text).ToList(),
                    null => new List<string>(),
                    _ => throw Invalid(file, $"resources[{match}].dependsOn: a list of Kind/name."),
                };
                var waitFor = Str(ro, "waitFor");
                if (waitFor is not null && !waitFor.Equals("Applied", StringComparison.OrdinalIgnoreCase))
                {
                    try
                    {
                        WaitCondition.Parse(waitFor);
                    }
                    catch (KubeException ex)
                    {
                        throw Invalid(file, $"resources[{match}].waitFor: {ex.Message}");
                    }
                }
                resources.Add(new DeployResourceOptions { Match = match, DependsOn = deps, WaitFor = waitFor });
            }
        }
        TimeSpan? timeout = null;
        if (spec["timeout"] is JsonValue tv)
        {
            timeout = ParseDuration(tv.ToString()) ?? throw Invalid(file, $"timeout: \"{tv}\" is not a duration (300, 90s, 5m, 00:05:00).");
        }
        int? concurrency = null;
        if (spec["concurrency"] is JsonValue cv)
        {
            concurrency = int.TryParse(cv.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) && c > 0 ? c : throw Invalid(file, "concurrency: a positive number.");
        }
        return new DeployApplication
        {
            Name = ValidateName(name, file),
            File = Path.GetFullPath(file),
            BaseDirectory = baseDir,
            Namespace = Str(spec, "namespace"),
            InventoryNamespace = Str(spec, "inventoryNamespace"),
            Concurrency = concurrency,
            Timeout = timeout,
            Sources = sources.Count > 0 ? sources : new List<(string, string)> { ("path", ".") },
            Resources = resources,
            Raw = root,
        };
    }

    /// <summary>Checks that a name can be a label value and part of a ConfigMap name.</summary>
    public static string ValidateName(string name, string? file = null)
    {
        if (name.Length is 0 or > 53 || !System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"))
        {
            throw new KubeException(KubeErrorKind.KubeDeployApplicationInvalid,
                (file is null ? "" : file + ": ") + $"the application name \"{name}\" must be 1-53 lowercase letters, digits and '-', starting and ending with a letter or digit.")
            {
                Target = name,
                RecommendedAction = "Give -Name, or set metadata.name in kubeps.yaml.",
            };
        }
        return name;
    }

    /// <summary>300, "300", "90s", "5m", "1h", "00:05:00".</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs))
        {
            return TimeSpan.FromSeconds(secs);
        }
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
            }
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var ts) ? ts : null;
    }

    private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : o[key]?.ToString();

    private static KubeException Invalid(string file, string message) =>
        new(KubeErrorKind.KubeDeployApplicationInvalid, $"{file}: {message}") { Target = file };
}
