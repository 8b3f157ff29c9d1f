using System.Collections.Concurrent;
using System.Globalization;
using KubePS.Engine.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubePS.Engine.Connection;

/// <summary>
/// Finds and parses kubeconfig files the way kubectl does. Files are parsed with YamlDotNet's
/// representation model so every error can name the file and the line.
/// </summary>
public static class KubeConfigLoader
{
    private static readonly ConcurrentDictionary<string, (string Stamp, KubeConfigFile File)> ParsedFiles = new(StringComparer.Ordinal);

    /// <summary>The environment lookup; replaceable by tests.</summary>
    internal static Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>The in-cluster probe; replaceable by tests.</summary>
    internal static Func<bool> IsInCluster { get; set; } = k8s.KubernetesClientConfiguration.IsInCluster;

    /// <summary>
    /// The kubeconfig paths in effect, in precedence order: <paramref name="explicitPath"/>, else the entries of $KUBECONFIG
    /// (separated by <see cref="Path.PathSeparator"/>), else ~/.kube/config. The second value says whether the list came
    /// from an explicit path (a missing explicit file is an error; missing KUBECONFIG entries are skipped).
    /// </summary>
    public static (IReadOnlyList<string> Paths, bool Explicit) ResolvePaths(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return (new[] { Path.GetFullPath(ExpandHome(explicitPath)) }, true);
        }

        var env = GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(env))
        {
            var list = new List<string>();
            foreach (var part in env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var full = Path.GetFullPath(ExpandHome(part));
                if (!list.Contains(full, StringComparer.Ordinal))
                {
                    list.Add(full);
                }
            }

            return (list, false);
        }

        return (new[] { DefaultPath() }, false);
    }

    /// <summary>~/.kube/config for the current user.</summary>
    public static string DefaultPath()
    {
        var home = GetEnvironmentVariable("HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return Path.Combine(home, ".kube", "config");
    }

    /// <summary>Loads and merges the kubeconfig files in effect for <paramref name="explicitPath"/>.</summary>
    public static KubeConfigSet Load(string? explicitPath)
    {
        // A kubeconfig by content ($env:KUBECONFIG_DATA, as pipelines hand out secrets) wins over $KUBECONFIG and
        // ~/.kube/config, but not over an explicit -Kubeconfig.
        if (string.IsNullOrWhiteSpace(explicitPath) && KubeConfigContent.Load(GetEnvironmentVariable) is { } fromContent)
        {
            return fromContent;
        }

        var (paths, isExplicit) = ResolvePaths(explicitPath);
        if (isExplicit && !File.Exists(paths[0]))
        {
            throw new KubeException(KubeErrorKind.KubeConfigNotFound, $"The kubeconfig file '{paths[0]}' does not exist.")
            {
                Target = paths[0],
                RecommendedAction = "Pass the path of an existing kubeconfig to -Kubeconfig.",
            };
        }

        var files = new List<KubeConfigFile>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(ParseFile(path));
            }
        }

        if (files.Count == 0)
        {
            if (IsInCluster())
            {
                return InClusterSet();
            }

            var where = string.Join(", ", paths);
            throw new KubeException(
                KubeErrorKind.KubeConfigNotFound,
                $"No kubeconfig found (looked for {where}) and not running inside a cluster.")
            {
                Target = where,
                RecommendedAction = "Create ~/.kube/config, set $env:KUBECONFIG, or pass -Kubeconfig.",
            };
        }

        return Merge(files);
    }

    /// <summary>Merges parsed files: the first file to define a name (or current-context) wins.</summary>
    public static KubeConfigSet Merge(IReadOnlyList<KubeConfigFile> files)
    {
        var clusters = new Dictionary<string, KubeClusterEntry>(StringComparer.Ordinal);
        var contexts = new Dictionary<string, KubeContextEntry>(StringComparer.Ordinal);
        var users = new Dictionary<string, KubeUserEntry>(StringComparer.Ordinal);
        var contextNames = new List<string>();
        string? current = null;
        string? currentFile = null;
        foreach (var file in files)
        {
            if (current is null && !string.IsNullOrEmpty(file.CurrentContext))
            {
                current = file.CurrentContext;
                currentFile = file.Path;
            }

            foreach (var cluster in file.Clusters)
            {
                clusters.TryAdd(cluster.Name, cluster);
            }

            foreach (var context in file.Contexts)
            {
                if (contexts.TryAdd(context.Name, context))
                {
                    contextNames.Add(context.Name);
                }
            }

            foreach (var user in file.Users)
            {
                users.TryAdd(user.Name, user);
            }
        }

        return new KubeConfigSet
        {
            Files = files.Select(f => f.Path).ToArray(),
            CurrentContext = current,
            CurrentContextFile = currentFile,
            Clusters = clusters,
            Contexts = contexts,
            Users = users,
            ContextNames = contextNames,
            Stamp = string.Join("|", files.Select(f => f.Path + "@" + FileStamp(f.Path))),
        };
    }

    /// <summary>Parses one kubeconfig file (cached until its size or write time changes).</summary>
    public static KubeConfigFile ParseFile(string path)
    {
        var full = Path.GetFullPath(path);
        var stamp = FileStamp(full);
        if (ParsedFiles.TryGetValue(full, out var cached) && cached.Stamp == stamp)
        {
            return cached.File;
        }

        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeException(KubeErrorKind.KubeConfigInvalid, $"Cannot read the kubeconfig file '{full}': {ex.Message}", ex) { Target = full };
        }

        var parsed = Parse(text, full);
        ParsedFiles[full] = (stamp, parsed);
        return parsed;
    }

    /// <summary>Parses kubeconfig text. <paramref name="path"/> names the file in errors and anchors relative paths.</summary>
    public static KubeConfigFile Parse(string text, string path)
    {
        var stream = LoadYaml(text, path);

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new KubeConfigFile { Path = path };
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Invalid(path, stream.Documents[0].RootNode.Start.Line, "the document is not a mapping (expected apiVersion, clusters, contexts, users, current-context)");
        }

        var baseDir = Path.GetDirectoryName(path) ?? Directory.GetCurrentDirectory();
        var reader = new NodeReader(path, baseDir);
        return new KubeConfigFile
        {
            Path = path,
            CurrentContext = reader.Scalar(root, "current-context"),
            Clusters = reader.NamedList(root, "clusters", "cluster", reader.ReadCluster),
            Contexts = reader.NamedList(root, "contexts", "context", reader.ReadContext),
            Users = reader.NamedList(root, "users", "user", reader.ReadUser),
        };
    }

    /// <summary>
    /// Loads YAML, mapping every parser failure to KubeConfigInvalid with the file and line. YamlDotNet reports most
    /// errors as YamlException with a Start mark; a few malformed inputs escape as other exceptions, for which the
    /// line of the last event parsed is reported.
    /// </summary>
    internal static YamlStream LoadYaml(string text, string path)
    {
        var stream = new YamlStream();
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            throw Invalid(path, ex.Start.Line, $"malformed YAML: {StripMarkPrefix(ex.Message)}", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or IndexOutOfRangeException)
        {
            throw Invalid(path, parser.LastLine, $"malformed YAML after this line ({ex.Message})", ex);
        }

        return stream;
    }

    internal static KubeException Invalid(string path, long line, string message, Exception? inner = null) =>
        new(KubeErrorKind.KubeConfigInvalid, $"Invalid kubeconfig '{path}' at line {line}: {message}", inner)
        {
            Target = path,
            RecommendedAction = $"Fix line {line} of {path}.",
        };

    internal static string ExpandHome(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            var home = GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(home, path.Length > 2 ? path[2..] : "");
        }

        return path;
    }

    private static string FileStamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists
            ? info.Length.ToString(CultureInfo.InvariantCulture) + ":" + info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)
            : "missing";
    }

    private static string StripMarkPrefix(string message)
    {
        // YamlDotNet messages look like "(Line: 3, Col: 5, Idx: 20) - (Line: 3, Col: 6, Idx: 21): While scanning ...".
        var index = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && index > 0 ? message[(index + 3)..] : message;
    }

    private static KubeConfigSet InClusterSet()
    {
        var entry = new KubeContextEntry
        {
            Name = KubeConfigSet.InClusterContextName,
            Source = new ConfigSource("(in-cluster service account)", 0),
            Cluster = KubeConfigSet.InClusterContextName,
            User = KubeConfigSet.InClusterContextName,
        };
        return new KubeConfigSet
        {
            Files = Array.Empty<string>(),
            CurrentContext = entry.Name,
            Clusters = new Dictionary<string, KubeClusterEntry>(),
            Contexts = new Dictionary<string, KubeContextEntry> { [entry.Name] = entry },
            Users = new Dictionary<string, KubeUserEntry>(),
            ContextNames = new[] { entry.Name },
            IsInCluster = true,
            Stamp = "in-cluster",
        };
    }

    private sealed class NodeReader(string path, string baseDir)
    {
        public IReadOnlyList<T> NamedList<T>(YamlMappingNode root, string key, string bodyKey, Func<string, ConfigSource, YamlMappingNode, T> read)
        {
            var node = Child(root, key);
            if (node is null || IsNull(node))
            {
                return Array.Empty<T>();
            }

            if (node is not YamlSequenceNode sequence)
            {
                throw Invalid(path, node.Start.Line, $"'{key}' must be a list");
            }

            var result = new List<T>();
            foreach (var item in sequence)
            {
                if (item is not YamlMappingNode map)
                {
                    throw Invalid(path, item.Start.Line, $"each entry of '{key}' must be a mapping with 'name' and '{bodyKey}'");
                }

                var name = Scalar(map, "name");
                if (string.IsNullOrEmpty(name))
                {
                    throw Invalid(path, item.Start.Line, $"an entry of '{key}' has no name");
                }

                var body = Child(map, bodyKey);
                if (body is not null && !IsNull(body) && body is not YamlMappingNode)
                {
                    throw Invalid(path, body.Start.Line, $"'{bodyKey}' of '{name}' must be a mapping");
                }

                result.Add(read(name, new ConfigSource(path, item.Start.Line), body as YamlMappingNode ?? new YamlMappingNode()));
            }

            return result;
        }

        public KubeClusterEntry ReadCluster(string name, ConfigSource source, YamlMappingNode body) => new()
        {
            Name = name,
            Source = source,
            Server = Scalar(body, "server"),
            CertificateAuthority = FilePath(Scalar(body, "certificate-authority")),
            CertificateAuthorityData = Scalar(body, "certificate-authority-data"),
            CertificateAuthorityDataSource = SourceOf(body, "certificate-authority-data"),
            InsecureSkipTlsVerify = Bool(body, "insecure-skip-tls-verify"),
            TlsServerName = Scalar(body, "tls-server-name"),
            ProxyUrl = Scalar(body, "proxy-url"),
        };

        public KubeContextEntry ReadContext(string name, ConfigSource source, YamlMappingNode body) => new()
        {
            Name = name,
            Source = source,
            Cluster = Scalar(body, "cluster"),
            User = Scalar(body, "user"),
            Namespace = Scalar(body, "namespace"),
        };

        public KubeUserEntry ReadUser(string name, ConfigSource source, YamlMappingNode body)
        {
            KubeExecConfig? exec = null;
            if (Child(body, "exec") is YamlMappingNode execNode)
            {
                var command = Scalar(execNode, "command");
                if (string.IsNullOrEmpty(command))
                {
                    throw Invalid(path, execNode.Start.Line, $"the exec block of user '{name}' has no command");
                }

                var args = new List<string>();
                if (Child(execNode, "args") is YamlSequenceNode argNodes)
                {
                    args.AddRange(argNodes.OfType<YamlScalarNode>().Select(a => a.Value ?? ""));
                }

                var env = new List<KeyValuePair<string, string>>();
                if (Child(execNode, "env") is YamlSequenceNode envNodes)
                {
                    foreach (var envNode in envNodes.OfType<YamlMappingNode>())
                    {
                        var envName = Scalar(envNode, "name");
                        if (!string.IsNullOrEmpty(envName))
                        {
                            env.Add(new(envName, Scalar(envNode, "value") ?? ""));
                        }
                    }
                }

                exec = new KubeExecConfig
                {
                    Command = command,
                    Args = args,
                    Env = env,
                    ApiVersion = Scalar(execNode, "apiVersion") ?? "client.authentication.k8s.io/v1",
                    InstallHint = Scalar(execNode, "installHint"),
                    ProvideClusterInfo = Bool(execNode, "provideClusterInfo"),
                    InteractiveMode = Scalar(execNode, "interactiveMode"),
                    BaseDirectory = baseDir,
                };
            }

            string? authProvider = null;
            if (Child(body, "auth-provider") is YamlMappingNode authNode)
            {
                authProvider = Scalar(authNode, "name") ?? "(unnamed)";
            }

            return new KubeUserEntry
            {
                Name = name,
                Source = source,
                Token = Scalar(body, "token"),
                TokenFile = FilePath(Scalar(body, "tokenFile")),
                ClientCertificate = FilePath(Scalar(body, "client-certificate")),
                ClientCertificateData = Scalar(body, "client-certificate-data"),
                ClientCertificateDataSource = SourceOf(body, "client-certificate-data"),
                ClientKey = FilePath(Scalar(body, "client-key")),
                ClientKeyData = Scalar(body, "client-key-data"),
                ClientKeyDataSource = SourceOf(body, "client-key-data"),
                Username = Scalar(body, "username"),
                Password = Scalar(body, "password"),
                Exec = exec,
                AuthProviderName = authProvider,
            };
        }

        public string? Scalar(YamlMappingNode map, string key)
        {
            var node = Child(map, key);
            if (node is null || IsNull(node))
            {
                return null;
            }

            if (node is not YamlScalarNode scalar)
            {
                throw Invalid(path, node.Start.Line, $"'{key}' must be a single value");
            }

            return scalar.Value;
        }

        private bool Bool(YamlMappingNode map, string key)
        {
            var value = Scalar(map, key);
            if (value is null)
            {
                return false;
            }

            if (bool.TryParse(value, out var result))
            {
                return result;
            }

            throw Invalid(path, Child(map, key)!.Start.Line, $"'{key}' must be true or false, not '{value}'");
        }

        private ConfigSource? SourceOf(YamlMappingNode map, string key) =>
            Child(map, key) is { } node ? new ConfigSource(path, node.Start.Line) : null;

        private string? FilePath(string? value) =>
            string.IsNullOrEmpty(value) ? null : Path.GetFullPath(ExpandHome(value), baseDir);

        private static YamlNode? Child(YamlMappingNode map, string key)
        {
            foreach (var pair in map.Children)
            {
                if (pair.Key is YamlScalarNode { Value: { } k } && k == key)
                {
                    return pair.Value;
                }
            }

            return null;
        }

        private static bool IsNull(YamlNode node) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain } scalar && (scalar.Value is null or "" or "~" or "null");
    }

    private sealed class TrackingParser(IParser inner) : IParser
    {
        public long LastLine { get; private set; } = 1;

        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            if (inner.Current is { } current)
            {
                LastLine = current.End.Line;
            }

            return moved;
        }
    }
}
