using System.Collections.Concurrent;
using System.Management.Automation;
using KubePS.Engine.Deploy;
using KubePS.Engine.Errors;
using KubePS.Engine.Templates;
using KubePS.Engine.Yaml;

namespace KubePS.Commands;

/// <summary>Invoke-KubeDeploy -Watch: hot reload of the application's files (issue 9).</summary>
public sealed partial class InvokeKubeDeployCommand
{
    /// <summary>After the deploy, keeps watching the application's files; on a change re-renders and re-applies only the objects whose content changed. Ctrl+C ends it.</summary>
    [Parameter]
    public SwitchParameter Watch { get; set; }

    /// <summary>With -Watch: how long the files must be quiet before a reload (milliseconds, default 300).</summary>
    [Parameter]
    [ValidateRange(10, 60000)]
    public int DebounceMilliseconds { get; set; } = 300;

    private async Task WatchAsync(DeployPlan initial, bool initialSucceeded, DeployOptions initialOptions, CancellationToken cancellationToken)
    {
        var app = initial.Application;
        var sources = LastSources;
        var context = new DeploySourceContext(app, app.Namespace ?? EffectiveNamespace)
        {
            Environment = string.IsNullOrEmpty(Environment) ? null : Environment,
            Values = new Dictionary<string, object?> { [Engine.Templates.TemplateInputs.DeployValuesKey] = TemplateInputs() },
        };
        var tracker = new TemplateChangeTracker();
        var (seed, seedErrors) = await ReadSourcesAsync(sources, context, cancellationToken).ConfigureAwait(false);
        if (seedErrors.Count == 0 && initialSucceeded)
        {
            tracker.Accept(seed);
        }

        var policyFiles = new HashSet<string>(ActivePolicyFiles(), StringComparer.Ordinal);
        var directories = WatchedDirectories(app, policyFiles).ToList();
        var appDirectories = WatchedDirectories(app, Array.Empty<string>())
            .Select(d => d.TrimEnd(System.IO.Path.DirectorySeparatorChar) + System.IO.Path.DirectorySeparatorChar).ToList();
        var changes = new ConcurrentQueue<string>();
        using var signal = new SemaphoreSlim(0);
        var watchers = new List<FileSystemWatcher>();
        try
        {
            foreach (var dir in directories)
            {
                var w = new FileSystemWatcher(dir)
                {
                    IncludeSubdirectories = true,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                };
                void OnChange(object _, FileSystemEventArgs e)
                {
                    if (!IsNoise(e.FullPath))
                    {
                        changes.Enqueue(e.FullPath);
                        signal.Release();
                    }
                }
                w.Changed += OnChange;
                w.Created += OnChange;
                w.Deleted += OnChange;
                w.Renamed += (s, e) => OnChange(s, e);
                w.EnableRaisingEvents = true;
                watchers.Add(w);
            }
            var options = initialOptions with
            {
                Prune = false, // a reload applies some objects; pruning needs the whole set
                OnEvent = e =>
                {
                    if (e.State != DeployNodeState.Pending || e.Node.Node.WaitFor is not null)
                    {
                        WatchLine(DeployCommandSupport.NodeLine(e));
                    }
                },
            };
            WatchLine($"Watching {string.Join(", ", directories)} for changes (Ctrl+C ends).");
            var reload = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                    // Debounce: editors write a file in several steps, and a save can touch several files.
                    while (await signal.WaitAsync(DebounceMilliseconds, cancellationToken).ConfigureAwait(false))
                    {
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                var files = new SortedSet<string>(StringComparer.Ordinal);
                var policyChanged = false;
                while (changes.TryDequeue(out var f))
                {
                    if (policyFiles.Contains(System.IO.Path.GetFullPath(f)))
                    {
                        policyChanged = true;
                        files.Add(System.IO.Path.GetFileName(f));
                        continue;
                    }
                    if (!appDirectories.Any(d => f.StartsWith(d, StringComparison.Ordinal)))
                    {
                        continue; // another file beside a policy file, outside the application
                    }
                    files.Add(System.IO.Path.GetRelativePath(app.BaseDirectory, f));
                }
                if (files.Count == 0)
                {
                    continue;
                }
                reload++;
                if (policyChanged)
                {
                    // A changed policy judges every object again: reload it first, and refuse the reload when it doesn't parse.
                    ReloadPolicy();
                    try
                    {
                        _ = DeployPolicyHook();
                    }
                    catch (KubeException ex)
                    {
                        EmitError(ex, ex.Target);
                        WatchLine($"Reload {reload} ({string.Join(", ", files)}): the policy does not load; nothing applied, the cluster is left as it was.");
                        ReloadPolicy();
                        continue;
                    }
                }
                await ReloadAsync(reload, files, sources, context, tracker, initial.InventoryNamespace, options, cancellationToken, force: policyChanged).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var w in watchers)
            {
                w.Dispose();
            }
        }
    }

    private async Task ReloadAsync(int reload, IReadOnlyCollection<string> files, IReadOnlyList<IDeployDocumentSource> sources, DeploySourceContext context,
        TemplateChangeTracker tracker, string inventoryNamespace, DeployOptions options, CancellationToken cancellationToken, bool force = false)
    {
        var prefix = $"Reload {reload} ({string.Join(", ", files.Take(5))}{(files.Count > 5 ? $", +{files.Count - 5}" : "")})";
        var (docs, errors) = await ReadSourcesAsync(sources, context, cancellationToken).ConfigureAwait(false);
        var redactor = TemplateCommandSupport.Redactor(sources);
        if (errors.Count > 0)
        {
            foreach (var e in errors)
            {
                var r = TemplateCommandSupport.Redact(e, redactor);
                EmitError(r, r.Target);
            }
            WatchLine($"{prefix}: {errors.Count} error(s); nothing applied, the cluster is left as it was. Fix and save to try again.");
            return;
        }
        var set = tracker.Compare(docs);
        if (set.Removed.Count > 0)
        {
            WatchLine($"{prefix}: no longer rendered, left in the cluster (Invoke-KubeDeploy -Prune deletes them): {string.Join(", ", set.Removed)}");
        }
        if (set.Added.Count == 0 && set.Changed.Count == 0 && !force)
        {
            WatchLine($"{prefix}: no object changed ({set.Unchanged} unchanged).");
            return;
        }
        // After a policy change every object is judged (and applied) again; otherwise only what changed.
        var chosen = force ? docs : set.ToApply;
        var toApply = chosen.Select(d => d with { Object = (System.Text.Json.Nodes.JsonObject)d.Object.DeepClone() }).ToList();
        WatchLine($"{prefix}: {(force ? "policy changed, every object judged again" : set.ToString())}; applying {string.Join(", ", chosen.Select(d => $"{d.Kind}/{d.Name}"))}");
        DeployPlan plan;
        Engine.Connection.KubeConnection connection;
        try
        {
            (connection, plan) = await PlanAsync(computeDiff: false, planOnly: false, cancellationToken,
                new IDeployDocumentSource[] { new ObjectDocumentSource(toApply, "changed objects") }, inventoryNamespace).ConfigureAwait(false);
        }
        catch (KubeException ex)
        {
            var r = TemplateCommandSupport.Redact(ex, redactor);
            EmitError(r, r.Target);
            return;
        }
        TemplateCommandSupport.RedactProblems(plan, redactor);
        if (!plan.IsValid)
        {
            foreach (var p in plan.Problems)
            {
                EmitError(p.Error, p.Error.Target ?? p.Document?.ToString());
            }
            WatchLine($"{prefix}: the changed objects are not valid; nothing applied, the cluster is left as it was.");
            return;
        }
        var result = await connection.CallAsync((c, ct) => DeployExecutor.ExecuteAsync(c, plan, options, ct), cancellationToken).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        var critical = result.CriticalPath.Select(n => n.Node).ToHashSet();
        foreach (var r in result.Nodes.OrderBy(r => r.Node.Level).ThenBy(r => r.Node.Order))
        {
            var o = DeployCommandSupport.ToResultObject(r, critical.Contains(r.Node));
            o.Properties.Add(new PSNoteProperty("Reload", reload));
            Emit(o);
        }
        foreach (var r in result.Nodes.Where(r => r.State is DeployNodeState.Failed or DeployNodeState.TimedOut))
        {
            EmitError(TemplateCommandSupport.Redact(new KubeException(KubeErrorKind.KubeDeployNodeFailed, $"{r.Node.Key} {r.State}: {r.Reason}", r.Error)
            {
                Target = r.Node.Key.ToString(),
                StatusCode = r.Error?.StatusCode,
                RecommendedAction = "Fix the template and save: the next reload applies it again.",
            }, redactor), r.Node.Key.ToString());
        }
        if (result.Succeeded)
        {
            tracker.Accept(docs);
        }
        WatchLine(redactor.Redact(DeployCommandSupport.SummaryLine(result)));
    }

    private static async Task<(List<ManifestDocument> Documents, List<KubeException> Errors)> ReadSourcesAsync(
        IReadOnlyList<IDeployDocumentSource> sources, DeploySourceContext context, CancellationToken cancellationToken)
    {
        var docs = new List<ManifestDocument>();
        var errors = new List<KubeException>();
        foreach (var s in sources)
        {
            try
            {
                docs.AddRange(await s.ReadAsync(context, errors, cancellationToken).ConfigureAwait(false));
            }
            catch (KubeException ex)
            {
                errors.Add(ex);
            }
        }
        return (docs, errors);
    }

    private IEnumerable<string> WatchedDirectories(DeployApplication app, IEnumerable<string> policyFiles)
    {
        var dirs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var p in policyFiles)
        {
            if (System.IO.Path.GetDirectoryName(p) is { } d && Directory.Exists(d))
            {
                dirs.Add(d);
            }
        }
        if (app.File is not null)
        {
            dirs.Add(app.BaseDirectory);
        }
        foreach (var p in ResolvedPaths)
        {
            if (Directory.Exists(p))
            {
                dirs.Add(System.IO.Path.GetFullPath(p));
            }
            else if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(p)) is { } d && Directory.Exists(d))
            {
                dirs.Add(d);
            }
        }
        foreach (var f in ValuesFile)
        {
            if (System.IO.Path.GetDirectoryName(ResolvePath(f)) is { } d && Directory.Exists(d))
            {
                dirs.Add(d);
            }
        }
        // A directory inside another one is already watched (subdirectories included).
        return dirs.Where(d => !dirs.Any(o => o != d && d.StartsWith(o.TrimEnd(System.IO.Path.DirectorySeparatorChar) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)));
    }

    private static bool IsNoise(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        return name.Length == 0 || name.StartsWith('.') || name.EndsWith('~') || name.EndsWith(".swp", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase) || path.Contains(System.IO.Path.DirectorySeparatorChar + ".git" + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private void WatchLine(string line) =>
        _ = InvokeOnPipelineThreadAsync(() =>
        {
            WriteInformation(new HostInformationMessage { Message = line }, new[] { "PSHOST", "KubePS.Deploy", "KubePS.HotReload" });
            return true;
        }).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
}
