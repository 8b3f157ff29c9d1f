using System.Text.Json.Nodes;
using KubePS.Engine.Deploy;
using KubePS.Engine.Errors;

namespace KubePS.Engine.Templates;

/// <summary>What a caller passes to a render besides the application: the environment and value overrides.</summary>
public sealed record TemplateInputs
{
    /// <summary>The environment (dev, prod); null renders with values.yaml alone.</summary>
    public string? Environment { get; init; }
    /// <summary>-ValuesFile, merged in order after the environment's files.</summary>
    public IReadOnlyList<string> ValuesFiles { get; init; } = Array.Empty<string>();
    /// <summary>-Set expressions, merged in order after the values files (their strings are treated as secrets).</summary>
    public IReadOnlyList<string> Set { get; init; } = Array.Empty<string>();
    /// <summary>-Values, merged last.</summary>
    public JsonObject? Values { get; init; }
    /// <summary>-Namespace: the target namespace (wins over the environment's namespace).</summary>
    public string? Namespace { get; init; }

    /// <summary>The key under which a deploy passes these inputs in <see cref="DeployRequest.Values"/>.</summary>
    public const string DeployValuesKey = "kubeps.templates";
}

/// <summary>
/// An application directory seen as templates plus values:
/// <code>
/// app/
///   kubeps.yaml          # optional: name, namespace, sources (- templates: templates), environments:, secretValues:
///   values.yaml          # defaults
///   values.&lt;env&gt;.yaml   # an environment's overrides
///   secrets.yaml, secrets.&lt;env&gt;.yaml   # values whose strings are secrets (never shown)
///   templates/           # *.yaml, *.yml, *.tpl rendered in name order; _*.tpl are partials for include
/// </code>
/// Merge order: values.yaml, secrets.yaml, kubeps.yaml environments.&lt;env&gt;.values, its valuesFiles, values.&lt;env&gt;.yaml,
/// secrets.&lt;env&gt;.yaml, -ValuesFile (in order), -Set (in order), -Values.
/// </summary>
public sealed class TemplateApplication
{
    public required string Name { get; init; }
    public required string BaseDirectory { get; init; }
    public required string TemplatesDirectory { get; init; }
    /// <summary>The application's namespace (kubeps.yaml spec.namespace), or null.</summary>
    public string? Namespace { get; init; }
    /// <summary>kubeps.yaml's environments: map, or null.</summary>
    public JsonObject? EnvironmentsMap { get; init; }
    /// <summary>Value paths kubeps.yaml marks secret (secretValues:).</summary>
    public IReadOnlyList<string> SecretPaths { get; init; } = Array.Empty<string>();

    /// <summary>Opens an application directory (or its kubeps.yaml). Templates come from kubeps.yaml's templates source, else templates/, else the directory.</summary>
    public static TemplateApplication Open(string path)
    {
        var full = Path.GetFullPath(path);
        if (DeployApplication.FindFile(full) is { } file)
        {
            var app = DeployApplication.Load(file);
            var templates = app.Sources.FirstOrDefault(s => s.Key.Equals("templates", StringComparison.OrdinalIgnoreCase)).Value;
            return FromDeploy(app, templates is null ? DefaultTemplatesDirectory(app.BaseDirectory) : app.ResolvePath(templates));
        }
        if (!Directory.Exists(full))
        {
            throw new KubeException(KubeErrorKind.KubeManifestNotFound, $"The application directory {full} does not exist.") { Target = full };
        }
        return new TemplateApplication
        {
            Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(full)),
            BaseDirectory = full,
            TemplatesDirectory = DefaultTemplatesDirectory(full),
        };
    }

    /// <summary>The application of a deploy, with its templates in <paramref name="templatesDirectory"/>.</summary>
    public static TemplateApplication FromDeploy(DeployApplication app, string templatesDirectory)
    {
        var spec = app.Raw?["spec"] as JsonObject ?? app.Raw;
        var envs = spec?["environments"];
        if (envs is not null and not JsonObject)
        {
            throw new KubeException(KubeErrorKind.KubeDeployApplicationInvalid, $"{app.File}: environments: a map of environment name to its settings (namespace, values, valuesFiles).") { Target = app.File };
        }
        var secretPaths = spec?["secretValues"] switch
        {
            JsonArray a => a.Select(x => x?.ToString() ?? "").Where(x => x.Length > 0).ToList(),
            null => new List<string>(),
            _ => throw new KubeException(KubeErrorKind.KubeDeployApplicationInvalid, $"{app.File}: secretValues: a list of value paths (database.password).") { Target = app.File },
        };
        return new TemplateApplication
        {
            Name = app.Name,
            BaseDirectory = app.BaseDirectory,
            TemplatesDirectory = templatesDirectory,
            Namespace = app.Namespace,
            EnvironmentsMap = envs as JsonObject,
            SecretPaths = secretPaths,
        };
    }

    private static string DefaultTemplatesDirectory(string baseDir)
    {
        var t = Path.Combine(baseDir, "templates");
        return Directory.Exists(t) ? t : baseDir;
    }

    /// <summary>The environments the application defines: values.&lt;env&gt;.yaml, secrets.&lt;env&gt;.yaml and kubeps.yaml's environments: keys.</summary>
    public IReadOnlyList<string> Environments
    {
        get
        {
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var prefix in new[] { "values.", "secrets." })
            {
                foreach (var f in Directory.EnumerateFiles(BaseDirectory, prefix + "*.y*ml"))
                {
                    var n = Path.GetFileName(f);
                    var ext = Path.GetExtension(n);
                    if (ext is ".yaml" or ".yml")
                    {
                        var env = n[prefix.Length..^ext.Length];
                        if (env.Length > 0 && !env.Contains('.'))
                        {
                            names.Add(env);
                        }
                    }
                }
            }
            if (EnvironmentsMap is not null)
            {
                foreach (var (k, _) in EnvironmentsMap)
                {
                    names.Add(k);
                }
            }
            return names.ToList();
        }
    }

    /// <summary>The environment's namespace (kubeps.yaml environments.&lt;env&gt;.namespace), or null.</summary>
    public string? EnvironmentNamespace(string? environment) =>
        environment is null ? null : (EnvironmentsMap?[environment] as JsonObject)?["namespace"]?.ToString();

    /// <summary>The target namespace: -Namespace, else the environment's, else the application's, else <paramref name="fallback"/>.</summary>
    public string TargetNamespace(TemplateInputs inputs, string fallback) =>
        inputs.Namespace ?? EnvironmentNamespace(inputs.Environment) ?? Namespace ?? fallback;

    /// <summary>The value layers in merge order. Throws KubeTemplateUnknownEnvironment for an environment the application does not define.</summary>
    public List<ValuesLayer> Layers(TemplateInputs inputs)
    {
        var layers = new List<ValuesLayer>();
        void AddFile(string file, bool secret, bool optional)
        {
            if (File.Exists(file))
            {
                layers.Add(new ValuesLayer(Relative(file), TemplateValues.ReadFile(file), secret));
            }
            else if (!optional)
            {
                throw new KubeException(KubeErrorKind.KubeTemplateValuesInvalid, $"The values file {file} does not exist.") { Target = file };
            }
        }
        AddFile(FindYaml("values"), false, true);
        AddFile(FindYaml("secrets"), true, true);
        if (inputs.Environment is { } env)
        {
            var known = Environments;
            if (!known.Contains(env, StringComparer.Ordinal))
            {
                throw new KubeException(KubeErrorKind.KubeTemplateUnknownEnvironment,
                    $"The application {Name} has no environment \"{env}\"; known: {(known.Count == 0 ? "none (add values.<env>.yaml or environments: in kubeps.yaml)" : string.Join(", ", known))}.")
                {
                    Target = env,
                    RecommendedAction = known.Count == 0 ? "Add values." + env + ".yaml." : $"Use one of: {string.Join(", ", known)}.",
                };
            }
            if (EnvironmentsMap?[env] is JsonObject e)
            {
                if (e["values"] is JsonObject inline)
                {
                    layers.Add(new ValuesLayer($"kubeps.yaml environments.{env}.values", inline, false));
                }
                else if (e["values"] is not null)
                {
                    throw new KubeException(KubeErrorKind.KubeTemplateValueType, $"kubeps.yaml environments.{env}.values must be a map.") { Target = env };
                }
                var files = e["valuesFiles"] switch
                {
                    JsonArray a => a.Select(x => x?.ToString() ?? "").ToList(),
                    JsonValue v => new List<string> { v.ToString() },
                    _ => new List<string>(),
                };
                foreach (var f in files.Where(f => f.Length > 0))
                {
                    var full = Path.GetFullPath(Path.Combine(BaseDirectory, f));
                    AddFile(full, Path.GetFileName(full).StartsWith("secrets", StringComparison.OrdinalIgnoreCase), false);
                }
            }
            AddFile(FindYaml("values." + env), false, true);
            AddFile(FindYaml("secrets." + env), true, true);
        }
        foreach (var f in inputs.ValuesFiles)
        {
            var full = Path.GetFullPath(f);
            AddFile(full, Path.GetFileName(full).StartsWith("secrets", StringComparison.OrdinalIgnoreCase), false);
        }
        foreach (var s in inputs.Set)
        {
            layers.Add(new ValuesLayer($"-Set {s.Split('=')[0]}", TemplateValues.ParseSet(s), true));
        }
        if (inputs.Values is { } values)
        {
            layers.Add(new ValuesLayer("-Values", values, false));
        }
        return layers;
    }

    /// <summary>Merges the layers and collects the secrets.</summary>
    public (JsonObject Values, SecretRedactor Redactor) ResolveValues(TemplateInputs inputs)
    {
        var layers = Layers(inputs);
        var values = TemplateValues.Merge(layers);
        var redactor = new SecretRedactor();
        foreach (var l in layers.Where(l => l.IsSecret))
        {
            redactor.AddRange(TemplateValues.Strings(l.Values));
        }
        foreach (var p in SecretPaths)
        {
            redactor.AddRange(TemplateValues.Strings(TemplateValues.Get(values, p)));
        }
        return (values, redactor);
    }

    /// <summary>The template files to render (name order) and the partials (_*.tpl / _*.yaml), as full paths.</summary>
    public (List<string> Templates, List<string> Partials) Files()
    {
        var templates = new List<string>();
        var partials = new List<string>();
        if (!Directory.Exists(TemplatesDirectory))
        {
            throw new KubeException(KubeErrorKind.KubeManifestNotFound, $"The templates directory {TemplatesDirectory} does not exist.") { Target = TemplatesDirectory };
        }
        var sameAsBase = string.Equals(Path.GetFullPath(TemplatesDirectory).TrimEnd(Path.DirectorySeparatorChar), BaseDirectory.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);
        foreach (var f in Directory.EnumerateFiles(TemplatesDirectory, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(f);
            var ext = Path.GetExtension(name).ToLowerInvariant();
            if (ext is not (".yaml" or ".yml" or ".tpl") || name.StartsWith('.'))
            {
                continue;
            }
            if (sameAsBase && Path.GetDirectoryName(f) == BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)
                && (DeployApplication.IsApplicationFile(f) || name.StartsWith("values", StringComparison.OrdinalIgnoreCase) || name.StartsWith("secrets", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            if (name.StartsWith('_') || ext == ".tpl")
            {
                partials.Add(f);
            }
            else
            {
                templates.Add(f);
            }
        }
        return (templates, partials);
    }

    private string FindYaml(string stem)
    {
        var yml = Path.Combine(BaseDirectory, stem + ".yml");
        return File.Exists(yml) && !File.Exists(Path.Combine(BaseDirectory, stem + ".yaml")) ? yml : Path.Combine(BaseDirectory, stem + ".yaml");
    }

    private string Relative(string file)
    {
        var rel = Path.GetRelativePath(BaseDirectory, file);
        return rel.StartsWith("..", StringComparison.Ordinal) ? file : rel;
    }
}
