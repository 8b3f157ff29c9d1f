using System.Text.Json.Nodes;
using KubePS.Engine.Apply;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>
/// Collects manifests from -Path and -InputObject for Invoke-KubeApply, Compare-KubeResource, Test-KubePolicy,
/// Remove-KubeResource (-Path only) and the deploy cmdlets, binding each record's -Path or -InputObject by parameter set.
/// </summary>
internal sealed class KubeManifestInput
{
    public const string PathSet = "Path";
    public const string ObjectSet = "InputObject";

    public List<ManifestDocument> Documents { get; } = new();
    public List<KubeException> Errors { get; } = new();
    private readonly List<string> _boundPaths = new();
    private int _inputIndex;

    /// <summary>The -Path entries bound so far, resolved.</summary>
    public IReadOnlyList<string> BoundPaths => _boundPaths;

    /// <summary>In the Path set, resolves a record's -Path entries (call from PrepareProcessRecord: the PowerShell location).</summary>
    public void BindPath(string parameterSetName, IEnumerable<string> path, Func<string, string> resolvePath)
    {
        if (parameterSetName == PathSet)
        {
            _boundPaths.AddRange(path.Select(resolvePath));
        }
    }

    /// <summary>In the InputObject set, adds a record's -InputObject objects.</summary>
    public void BindInputObject(string parameterSetName, IEnumerable<object?> inputObject)
    {
        if (parameterSetName == ObjectSet)
        {
            AddObjects(inputObject);
        }
    }

    /// <summary>Reads the bound -Path entries (files, directories, globs).</summary>
    public void ReadBoundPaths(bool recurse) => AddPaths(_boundPaths, recurse);

    /// <summary>Reads resolved paths (files, directories, globs).</summary>
    public void AddPaths(IEnumerable<string> resolvedPaths, bool recurse)
    {
        var files = new List<string>();
        foreach (var p in resolvedPaths)
        {
            try
            {
                files.AddRange(ManifestCollector.ExpandPath(p, recurse));
            }
            catch (KubeException ex)
            {
                Errors.Add(ex);
            }
        }
        var (docs, errors) = ManifestCollector.ReadFiles(files);
        Documents.AddRange(docs);
        Errors.AddRange(errors);
    }

    /// <summary>Adds objects: typed models, PSObjects, hashtables, YAML strings, or ManifestDocuments.</summary>
    public void AddObjects(IEnumerable<object?> objects)
    {
        foreach (var o in objects)
        {
            var value = o is System.Management.Automation.PSObject pso && pso.BaseObject is not System.Management.Automation.PSCustomObject ? pso.BaseObject : o;
            switch (value)
            {
                case null:
                    continue;
                case FileSystemInfo file:
                    AddPaths(new[] { file.FullName }, recurse: false);
                    continue;
                case ManifestDocument doc:
                    Documents.Add(doc);
                    continue;
                case string text:
                    try
                    {
                        Documents.AddRange(YamlReader.Read(text, $"<input {++_inputIndex}>"));
                    }
                    catch (KubeException ex)
                    {
                        Errors.Add(ex);
                    }
                    continue;
            }
            var node = PSJson.ToNode(o);
            if (node is not JsonObject obj)
            {
                Errors.Add(new KubeException(KubeErrorKind.KubeManifestInvalid, $"<input {++_inputIndex}>: the input is not an object with apiVersion and kind.") { Target = o });
                continue;
            }
            StripServerFields(obj);
            Documents.Add(new ManifestDocument { Object = obj, Source = $"<input {++_inputIndex}>", Index = 0, Line = 1 });
        }
    }

    /// <summary>Fields a live object carries that an apply must not send back (status, managedFields, resourceVersion, uid...).</summary>
    private static void StripServerFields(JsonObject obj)
    {
        obj.Remove("status");
        if (obj["metadata"] is JsonObject meta)
        {
            foreach (var k in new[] { "managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds" })
            {
                meta.Remove(k);
            }
            foreach (var k in meta.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
            {
                meta.Remove(k);
            }
        }
        RemoveNulls(obj);
    }

    private static void RemoveNulls(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            foreach (var k in o.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
            {
                o.Remove(k);
            }
            foreach (var kv in o)
            {
                RemoveNulls(kv.Value);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var x in a)
            {
                RemoveNulls(x);
            }
        }
    }
}
