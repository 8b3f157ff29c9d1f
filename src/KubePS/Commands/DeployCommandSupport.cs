using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using KubePS.Engine.Deploy;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;

namespace KubePS.Commands;

/// <summary>Shared by Invoke-KubeDeploy, Get-KubeDeployPlan and Remove-KubeDeploy: application resolution and output objects.</summary>
internal static class DeployCommandSupport
{
    public const string PlanNodeTypeName = "KubePS.DeployPlanNode";
    public const string NodeResultTypeName = "KubePS.DeployNodeResult";
    public const string SummaryTypeName = "KubePS.DeploySummary";

    /// <summary>The application and its sources for -Path (kubeps.yaml when a path is, or contains, one) or piped documents.</summary>
    public static (DeployApplication App, List<IDeployDocumentSource> Sources) Resolve(IReadOnlyList<string> paths, IReadOnlyList<ManifestDocument> piped, string? name)
    {
        var sources = new List<IDeployDocumentSource>();
        DeployApplication? app = null;
        var plainPaths = new List<string>();
        foreach (var p in paths)
        {
            if (DeployApplication.FindFile(p) is { } file)
            {
                if (app is not null)
                {
                    throw new KubeException(KubeErrorKind.KubeDeployApplicationInvalid, $"Only one application file per deploy: {app.File} and {file}.") { Target = file };
                }
                app = DeployApplication.Load(file, name);
                foreach (var (key, value) in app.Sources)
                {
                    sources.Add(DeploySourceRegistry.Create(key, value, app)
                        ?? throw new KubeException(KubeErrorKind.KubeDeployApplicationInvalid, $"{file}: unknown source \"{key}\".") { Target = file });
                }
            }
            else
            {
                plainPaths.Add(p);
            }
        }
        if (plainPaths.Count > 0)
        {
            sources.Add(new FileDocumentSource(plainPaths, recurse: true));
        }
        if (piped.Count > 0)
        {
            sources.Add(new ObjectDocumentSource(piped));
        }
        if (app is null)
        {
            var derived = name;
            if (derived is null && paths.Count > 0)
            {
                var first = paths[0];
                var dir = Directory.Exists(first) ? first : Path.GetDirectoryName(Path.GetFullPath(first)) ?? first;
                derived = System.Text.RegularExpressions.Regex.Replace(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir))).ToLowerInvariant(), "[^a-z0-9-]+", "-").Trim('-');
            }
            if (derived is null)
            {
                throw new KubeException(KubeErrorKind.KubeDeployApplicationInvalid, "Objects from the pipeline need an application name: give -Name.")
                {
                    RecommendedAction = "Add -Name <application>; it labels every object and names the inventory.",
                };
            }
            app = new DeployApplication { Name = DeployApplication.ValidateName(derived), BaseDirectory = paths.Count > 0 ? Path.GetFullPath(paths[0]) : Directory.GetCurrentDirectory() };
        }
        return (app, sources);
    }

    public static PSObject ToPlanObject(DeployNode n)
    {
        var pso = new PSObject();
        Add(pso, "Level", n.Level);
        Add(pso, "Resource", n.Key.ToString());
        Add(pso, "Change", n.Change?.ToString() ?? "Apply");
        Add(pso, "DependsOn", n.DependsOn.Select(e => e.Dependency.Key.ToString()).ToArray());
        Add(pso, "Why", n.DependsOn.Select(e => $"{e.Dependency.Key}: {e.Reason.ToString().ToLowerInvariant()} ({e.Detail}){(e.Gate == DeployGate.Ready ? ", waits until ready" : "")}").ToArray());
        Add(pso, "Reasons", n.DependsOn.Select(e => e.Reason.ToString()).Distinct().ToArray());
        Add(pso, "WaitFor", n.WaitFor?.ToString() ?? "Applied");
        Add(pso, "ChangedPaths", n.ChangedPaths.ToArray());
        Add(pso, "NotValidated", n.NotValidated);
        Add(pso, "Verdicts", n.Verdicts.Select(v => v.ToString()).ToArray());
        Add(pso, "Kind", n.Key.Kind);
        Add(pso, "Namespace", n.Key.Namespace);
        Add(pso, "Name", n.Key.Name);
        Add(pso, "ApiVersion", n.Object.ApiVersion);
        Add(pso, "Source", n.Document.ToString());
        Add(pso, "Edges", n.DependsOn.Select(e => new PSObject(new { Dependency = e.Dependency.Key.ToString(), Reason = e.Reason.ToString(), Gate = e.Gate.ToString(), e.Detail })).ToArray());
        pso.TypeNames.Insert(0, PlanNodeTypeName);
        PipelineObjects.SetDefaultDisplay(pso, "Level", "Resource", "Change", "WaitFor", "DependsOn", "Reasons");
        return pso;
    }

    public static PSObject ToResultObject(DeployNodeResult r, bool critical)
    {
        var pso = new PSObject();
        Add(pso, "Level", r.Node.Level);
        Add(pso, "Resource", r.Node.Key.ToString());
        Add(pso, "State", r.State.ToString());
        Add(pso, "Action", r.Action?.ToString());
        Add(pso, "Started", Seconds(r.Started));
        Add(pso, "Applied", Seconds(r.AppliedAt));
        Add(pso, "Ready", Seconds(r.ReadyAt));
        Add(pso, "Duration", Seconds(r.Duration));
        Add(pso, "Critical", critical);
        Add(pso, "Reason", r.Reason);
        Add(pso, "WaitFor", r.Node.WaitFor?.ToString() ?? "Applied");
        Add(pso, "DependsOn", r.Node.DependsOn.Select(e => e.Dependency.Key.ToString()).ToArray());
        Add(pso, "Retries", r.Retries);
        Add(pso, "Kind", r.Node.Key.Kind);
        Add(pso, "Namespace", r.Node.Key.Namespace);
        Add(pso, "Name", r.Node.Key.Name);
        Add(pso, "ApiVersion", r.Node.Object.ApiVersion);
        pso.TypeNames.Insert(0, NodeResultTypeName);
        PipelineObjects.SetDefaultDisplay(pso, "Level", "Resource", "State", "Action", "Applied", "Ready", "Critical", "Reason");
        return pso;
    }

    public static PSObject ToSummary(DeployResult result)
    {
        var pso = new PSObject();
        Add(pso, "Application", result.Plan.Application.Name);
        Add(pso, "Succeeded", result.Succeeded);
        Add(pso, "Objects", result.Nodes.Count);
        Add(pso, "Ready", result.Nodes.Count(n => n.State == DeployNodeState.Ready));
        Add(pso, "Applied", result.Nodes.Count(n => n.WasApplied));
        Add(pso, "Failed", result.Nodes.Count(n => n.State == DeployNodeState.Failed));
        Add(pso, "TimedOut", result.Nodes.Count(n => n.State == DeployNodeState.TimedOut));
        Add(pso, "Skipped", result.Nodes.Count(n => n.State == DeployNodeState.Skipped));
        Add(pso, "Levels", result.Plan.Levels);
        Add(pso, "Elapsed", result.Elapsed);
        Add(pso, "CriticalPath", result.CriticalPath.Select(n => n.Node.Key.ToString()).ToArray());
        Add(pso, "CriticalPathTime", result.CriticalPathTime);
        Add(pso, "Retries", result.Retries);
        Add(pso, "Pruned", result.Pruned.Select(p => p.ToString()).ToArray());
        Add(pso, "InventoryNamespace", result.Plan.InventoryNamespace);
        Add(pso, "Cancelled", result.Cancelled);
        Add(pso, "TimedOutOverall", result.TimedOut);
        pso.TypeNames.Insert(0, SummaryTypeName);
        return pso;
    }

    public static string SummaryLine(DeployResult r)
    {
        var parts = new List<string> { $"{r.Nodes.Count(n => n.State is DeployNodeState.Ready or DeployNodeState.Applied)}/{r.Nodes.Count} done" };
        void Count(DeployNodeState s, string word)
        {
            var c = r.Nodes.Count(n => n.State == s);
            if (c > 0)
            {
                parts.Add($"{c} {word}");
            }
        }
        Count(DeployNodeState.Failed, "failed");
        Count(DeployNodeState.TimedOut, "not ready");
        Count(DeployNodeState.Skipped, "skipped");
        if (r.Pruned.Count > 0)
        {
            parts.Add($"{r.Pruned.Count} pruned");
        }
        if (r.Retries > 0)
        {
            parts.Add($"{r.Retries} retried requests");
        }
        var path = string.Join(" -> ", r.CriticalPath.Select(n => n.Node.Key.ToString()));
        return $"Deploy {r.Plan.Application.Name}: {(r.Succeeded ? "succeeded" : r.Cancelled ? "cancelled" : "FAILED")} in {Span(r.Elapsed)} ({string.Join(", ", parts)}, {r.Plan.Levels} levels). Critical path {Span(r.CriticalPathTime)}: {path}";
    }

    public static string NodeLine(DeployEvent e)
    {
        var r = e.Node;
        var timing = r.FinishedAt is { } f && r.Started is { } s ? $" in {Span(f - s)}" : "";
        var state = e.State == DeployNodeState.Pending ? "Applied" : e.State.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"[{e.Elapsed.TotalSeconds,7:0.00}s] {e.Done,3}/{e.Total} L{r.Node.Level} {state,-9} {r.Node.Key}{timing}{(string.IsNullOrEmpty(e.Message) ? "" : " - " + e.Message)}");
    }

    public static string Span(TimeSpan t) => t.TotalSeconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.00}s") : t.ToString(@"m\:ss\.f", CultureInfo.InvariantCulture);

    private static double? Seconds(TimeSpan? t) => t is { } v ? Math.Round(v.TotalSeconds, 2) : null;

    private static void Add(PSObject pso, string name, object? value) => pso.Properties.Add(new PSNoteProperty(name, value));

    /// <summary>True when the output is read by a person at a console (progress bars) rather than a log (one line per node).</summary>
    public static bool IsInteractive(PSHost host) => CiOutput.IsInteractive(host); // the module's one rule: CI, redirection, NO_COLOR
}
