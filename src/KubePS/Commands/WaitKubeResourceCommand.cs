using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Text.Json;
using k8s;
using k8s.Models;
using KubePS.Completion;
using KubePS.Engine.Ci;
using KubePS.Engine.Errors;
using KubePS.Engine.Resources;
using KubePS.Engine.Wait;
using KubePS.Engine.Yaml;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Waits for any resources, many at once, until they are ready, exist, are deleted, or meet a condition.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "KubeResource", DefaultParameterSetName = KindSet)]
[OutputType("KubePS.WaitResult")]
public sealed class WaitKubeResourceCommand : KubeClusterCmdlet, ICiAnnotationsCmdlet
{
    private const string KindSet = "Kind";
    private const string InputSet = "InputObject";
    private const string PathSet = "Path";

    private readonly List<(string Kind, string? ApiVersion, string? Namespace, string? Name, string? Selector, object? Tag)> pending = new();
    private readonly List<string> manifestFiles = new();
    private WaitCondition condition = WaitCondition.Ready;

    /// <summary>Objects to wait for: anything Get-Kube*/Invoke-Kube* emits (typed models, custom resources, results with Kind/Name/Namespace), or "kind/name" strings.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
    public PSObject? InputObject { get; set; }

    /// <summary>The kind as kubectl accepts it: po, deploy, deployments.apps, Widget.example.com.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KindSet)]
    [ArgumentCompleter(typeof(KindCompleter))]
    [ValidateNotNullOrEmpty]
    public string Kind { get; set; } = "";

    /// <summary>Object names; without -Name (and -Selector) every object of the kind in the namespace.</summary>
    [Parameter(Position = 1, ParameterSetName = KindSet)]
    [ArgumentCompleter(typeof(ResourceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>A label selector: every matching object must meet the condition.</summary>
    [Parameter(ParameterSetName = KindSet)]
    [Alias("l", "LabelSelector")]
    public string? Selector { get; set; }

    /// <summary>Restricts the kind to one API version.</summary>
    [Parameter(ParameterSetName = KindSet)]
    public string? ApiVersion { get; set; }

    /// <summary>Manifest files or directories (YAML or JSON): waits for every object they describe.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Ready (default), Exists, Create, Delete, Condition=Type[=Status], JsonPath=expr[=value].</summary>
    [Parameter]
    [ArgumentCompleter(typeof(WaitForCompleter))]
    [ValidateNotNullOrEmpty]
    public string For { get; set; } = "Ready";

    /// <summary>A scriptblock over the live object ($_): the target is done when it returns true (and -For, when given, is met).</summary>
    [Parameter]
    public ScriptBlock? Until { get; set; }

    /// <summary>Overall timeout: seconds (300) or a TimeSpan ('00:05:00'). Default 5 minutes; 0 looks once.</summary>
    [Parameter]
    [SecondsToTimeSpanTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Stop at the first failure (default on). -FailFast:$false waits through failures until the timeout.</summary>
    [Parameter]
    public SwitchParameter FailFast { get; set; } = true;

    /// <summary>Write the final objects instead of the result objects.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Writes failures as CI annotations (GitHub Actions, Azure Pipelines) naming the manifest file and line; on by default when a CI platform is detected.</summary>
    [Parameter]
    public SwitchParameter CiAnnotations { get; set; }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        WaitEngine.Validate(new WaitOptions { Timeout = Timeout });
        var forBound = MyInvocation.BoundParameters.ContainsKey(nameof(For));
        condition = Until is not null && !forBound ? WaitCondition.Exists : WaitCondition.Parse(For);
        return Task.CompletedTask;
    }

    protected override void PrepareProcessRecord()
    {
        base.PrepareProcessRecord();
        if (ParameterSetName != PathSet || Path is null)
        {
            return;
        }
        foreach (var p in Path)
        {
            Collection<string> resolved;
            try
            {
                resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(p, out _);
            }
            catch (ItemNotFoundException)
            {
                throw new KubeException(KubeErrorKind.KubeManifestNotFound, $"The manifest path \"{p}\" does not exist.") { Target = p };
            }
            foreach (var r in resolved)
            {
                if (Directory.Exists(r))
                {
                    manifestFiles.AddRange(Directory.EnumerateFiles(r)
                        .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                        .OrderBy(f => f, StringComparer.Ordinal));
                }
                else
                {
                    manifestFiles.Add(r);
                }
            }
        }
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        switch (ParameterSetName)
        {
            case KindSet:
                if (Name is { Length: > 0 })
                {
                    foreach (var n in Name)
                    {
                        pending.Add((Kind, ApiVersion, Namespace, n, null, null));
                    }
                }
                else
                {
                    pending.Add((Kind, ApiVersion, Namespace, null, Selector, null));
                }
                break;
            case PathSet:
                foreach (var file in manifestFiles)
                {
                    foreach (var doc in YamlReader.ReadFile(file))
                    {
                        var kind = doc.Object["kind"]?.GetValue<string>();
                        var name = doc.Object["metadata"]?["name"]?.GetValue<string>();
                        if (string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(name))
                        {
                            throw new KubeException(KubeErrorKind.KubeManifestInvalid, $"{doc.Source}:{doc.Line}: a manifest document lacks kind or metadata.name.") { Target = doc.Source };
                        }
                        if (kind.EndsWith("List", StringComparison.Ordinal))
                        {
                            continue;
                        }
                        pending.Add((kind, doc.ApiVersion, doc.Object["metadata"]?["namespace"]?.GetValue<string>() ?? Namespace, name, null, doc));
                    }
                }
                manifestFiles.Clear();
                break;
            case InputSet:
                if (InputObject is not null)
                {
                    pending.Add(IdentityOf(InputObject));
                }
                break;
        }
        return Task.CompletedTask;
    }

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        if (pending.Count == 0)
        {
            return;
        }
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var targets = pending.Select(p => new WaitTarget
        {
            Kind = p.Kind,
            ApiVersion = p.ApiVersion,
            Namespace = string.IsNullOrEmpty(p.Namespace) ? null : p.Namespace,
            Name = p.Name,
            LabelSelector = p.Selector,
            Condition = condition,
            Tag = p.Tag,
        }).ToList();

        var activityId = Math.Abs(MyInvocation.GetHashCode() % 100000) + 1;
        var options = new WaitOptions
        {
            Timeout = Timeout,
            FailFast = FailFast.IsPresent,
            DefaultNamespace = EffectiveNamespace,
            Until = Until is null ? null : InvokeUntilAsync,
            Progress = CiOutput.IsInteractive(Host) ? p => EmitProgress(ToProgressRecord(activityId, p)) : StepLine,
        };
        var engine = new WaitEngine(connection.Client);
        var report = await engine.WaitAsync(targets, options, cancellationToken).ConfigureAwait(false);
        EmitVerbose($"Wait-KubeResource: {report.Results.Count} results in {report.Elapsed.TotalMilliseconds:0} ms; {report.Requests} API requests, {report.WatchesOpened} watches opened over {report.Watchers} shared watchers.");

        foreach (var r in report.Results)
        {
            if (PassThru)
            {
                if (r.Object is { } o)
                {
                    Emit(KubeObjects.ToPipeline(ResourceReader.Materialize(o, r.ApiVersion, r.Kind)));
                }
            }
            else
            {
                Emit(ToResultObject(r, report));
            }
        }
        foreach (var r in report.Results.Where(r => r.Outcome == WaitOutcome.Failed))
        {
            var what = $"{r.Kind} {(r.Namespace is null ? "" : r.Namespace + "/")}{r.Name}";
            var pods = r.Pods.Count > 0 ? $" Pods at fault: {string.Join(", ", r.Pods)}." : "";
            if (r.Target.Tag is ManifestDocument failedDoc)
            {
                Ci.Register(what, failedDoc);
            }
            EmitError(new KubeException(KubeErrorKind.KubeWaitFailed, $"{what} failed: {r.Reason}: {r.Message}{pods}")
            {
                Reason = r.Reason,
                Target = what,
                RecommendedAction = r.Pods.Count > 0
                    ? $"Inspect the pods: Get-KubePod {r.Pods[0]} -Namespace {r.Namespace}; Get-KubeEvent -Namespace {r.Namespace}. Use -FailFast:$false to wait through transient failures."
                    : "Inspect the object and its events. Use -FailFast:$false to wait through transient failures.",
            }, what);
        }
        var timedOut = report.Results.Where(r => r.Outcome == WaitOutcome.TimedOut).ToList();
        if (timedOut.Count > 0)
        {
            var list = string.Join("; ", timedOut.Take(10).Select(r =>
                $"{r.Kind} {(r.Namespace is null ? "" : r.Namespace + "/")}{r.Name} ({r.Status}{(r.Message is null ? "" : ": " + r.Message)})"));
            if (timedOut.Count > 10)
            {
                list += $"; and {timedOut.Count - 10} more";
            }
            foreach (var r in timedOut.Where(r => r.Target.Tag is ManifestDocument))
            {
                // One annotation on each manifest that did not finish, besides the error that lists them all.
                if (Ci.Annotate(CiSeverity.Error, $"{r.Kind} {(r.Namespace is null ? "" : r.Namespace + "/")}{r.Name} was not {condition} after {FormatSpan(Timeout)} ({r.Status}{(r.Message is null ? "" : ": " + r.Message)}).",
                    nameof(KubeErrorKind.KubeWaitTimeout), (ManifestDocument)r.Target.Tag!) is { } line)
                {
                    EmitHostLine(line);
                }
            }
            EmitError(new KubeException(KubeErrorKind.KubeWaitTimeout,
                $"Timed out after {FormatSpan(Timeout)} waiting for {timedOut.Count} of {report.Results.Count} targets to be {condition}: {list}.")
            {
                RecommendedAction = "Raise -Timeout, or look at the objects that did not finish (the result objects carry their last status).",
            }, timedOut.Select(r => r.Name).ToArray());
        }
    }

    private async Task<bool> InvokeUntilAsync(JsonElement obj, CancellationToken ct)
    {
        var kind = obj.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "";
        var apiVersion = obj.TryGetProperty("apiVersion", out var a) ? a.GetString() ?? "" : "";
        var live = KubeObjects.ToPipeline(ResourceReader.Materialize(obj, apiVersion, kind));
        var (ok, error) = await InvokeOnPipelineThreadAsync(() =>
        {
            try
            {
                var output = Until!.InvokeWithContext(null, new List<PSVariable> { new("_", live), new("PSItem", live) }, live);
                return (output.Count == 1 ? LanguagePrimitives.IsTrue(output[0]) : output.Count > 1, (string?)null);
            }
            catch (RuntimeException ex)
            {
                return (false, ex.Message);
            }
        }).ConfigureAwait(false);
        if (error is not null)
        {
            throw new KubeException(KubeErrorKind.KubeWaitFailed, $"The -Until scriptblock failed: {error}") { Target = Until!.ToString() };
        }
        return ok;
    }

    private (string Kind, string? ApiVersion, string? Namespace, string? Name, string? Selector, object? Tag) IdentityOf(PSObject input)
    {
        var baseObject = input.BaseObject;
        if (baseObject is string s)
        {
            var slash = s.IndexOf('/');
            if (slash <= 0 || slash == s.Length - 1)
            {
                throw new KubeException(KubeErrorKind.KubeWaitInvalidArgument, $"\"{s}\" is not kind/name (deployment/web).") { Target = s };
            }
            return (s[..slash], null, Namespace, s[(slash + 1)..], null, input);
        }
        if (baseObject is IKubernetesObject<V1ObjectMeta> ko)
        {
            var kind = ko.Kind;
            var apiVersion = ko.ApiVersion;
            if (string.IsNullOrEmpty(kind))
            {
                var typeName = baseObject.GetType().Name;
                var i = 1;
                while (i < typeName.Length && (char.IsDigit(typeName[i]) || (char.IsLower(typeName[i]) && i > 1)))
                {
                    i++;
                }
                kind = typeName.StartsWith('V') && i > 1 ? typeName[i..] : typeName;
                apiVersion = null;
            }
            return (kind, apiVersion, ko.Metadata?.NamespaceProperty ?? Namespace, ko.Metadata?.Name, null, input);
        }
        if (baseObject is IDictionary dict)
        {
            string? Get(string key) => dict.Contains(key) ? dict[key]?.ToString() : null;
            var kind = Get("Kind") ?? Get("kind");
            var name = Get("Name") ?? Get("name");
            if (!string.IsNullOrEmpty(kind) && !string.IsNullOrEmpty(name))
            {
                return (kind, Get("ApiVersion") ?? Get("apiVersion"), Get("Namespace") ?? Get("namespace") ?? Namespace, name, null, input);
            }
        }
        else if (input.Properties["metadata"]?.Value is PSObject)
        {
            var id = KubeObjects.Identity(input);
            if (!string.IsNullOrEmpty(id.Kind) && !string.IsNullOrEmpty(id.Name))
            {
                return (id.Kind, id.ApiVersion, id.Namespace ?? Namespace, id.Name, null, input);
            }
        }
        else
        {
            var kind = input.Properties["Kind"]?.Value?.ToString();
            var name = input.Properties["Name"]?.Value?.ToString();
            if (!string.IsNullOrEmpty(kind) && !string.IsNullOrEmpty(name))
            {
                var ns = input.Properties["Namespace"]?.Value?.ToString();
                var apiVersion = input.Properties["ApiVersion"]?.Value?.ToString();
                return (kind, string.IsNullOrEmpty(apiVersion) ? null : apiVersion, string.IsNullOrEmpty(ns) ? Namespace : ns, name, null, input);
            }
        }
        throw new KubeException(KubeErrorKind.KubeWaitInvalidArgument,
            $"Cannot tell what to wait for from a {baseObject.GetType().Name}: it has no Kind and Name.")
        {
            Target = input,
            RecommendedAction = "Pipe objects from Get-Kube* or Invoke-Kube* cmdlets, objects with Kind and Name properties, or \"kind/name\" strings.",
        };
    }

    private static PSObject ToResultObject(WaitResult r, WaitReport report)
    {
        var pso = new PSObject();
        pso.Properties.Add(new PSNoteProperty("Kind", r.Kind));
        pso.Properties.Add(new PSNoteProperty("Namespace", r.Namespace));
        pso.Properties.Add(new PSNoteProperty("Name", r.Name));
        pso.Properties.Add(new PSNoteProperty("Status", r.Status.ToString()));
        pso.Properties.Add(new PSNoteProperty("Outcome", r.Outcome.ToString()));
        pso.Properties.Add(new PSNoteProperty("Reason", r.Reason));
        pso.Properties.Add(new PSNoteProperty("Message", r.Message));
        pso.Properties.Add(new PSNoteProperty("Pods", r.Pods.ToArray()));
        pso.Properties.Add(new PSNoteProperty("Condition", r.Condition));
        pso.Properties.Add(new PSNoteProperty("Elapsed", r.Elapsed));
        pso.Properties.Add(new PSNoteProperty("ApiVersion", r.ApiVersion));
        pso.Properties.Add(new PSNoteProperty("Object", r.Object is { } o ? KubeObjects.ToPipeline(ResourceReader.Materialize(o, r.ApiVersion, r.Kind)) : null));
        pso.Properties.Add(new PSNoteProperty("Requests", report.Requests));
        pso.Properties.Add(new PSNoteProperty("WatchesOpened", report.WatchesOpened));
        PipelineObjects.SetDefaultDisplay(pso, "Kind", "Name", "Status", "Elapsed");
        pso.TypeNames.Insert(0, "KubePS.WaitResult");
        return pso;
    }

    private int _lastDone = -1;

    // Where no one watches a progress bar (CI, redirected output, NO_COLOR): a line each time a target finishes.
    private void StepLine(WaitProgress p)
    {
        if (p.Done == _lastDone && !p.Completed)
        {
            return;
        }
        _lastDone = p.Done;
        var slowest = p.Slowest is null ? "" : (p.Completed ? "; last: " : "; waiting for: ") + p.Slowest + (p.SlowestStatus is null ? "" : " (" + p.SlowestStatus + ")");
        EmitHostLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{p.Elapsed.TotalSeconds,7:0.00}s] Wait-KubeResource {p.Done}/{p.Total} done{slowest}"));
    }

    private static ProgressRecord ToProgressRecord(int activityId, WaitProgress p)
    {
        var record = new ProgressRecord(activityId, "Wait-KubeResource", $"{p.Done}/{p.Total} done after {FormatSpan(p.Elapsed)}")
        {
            PercentComplete = p.Total == 0 ? 100 : (int)(100.0 * p.Done / p.Total),
            CurrentOperation = p.Slowest is null ? "" : (p.Completed ? "Last: " : "Slowest: ") + p.Slowest + (p.SlowestStatus is null ? "" : " (" + p.SlowestStatus + ")"),
        };
        if (p.Completed)
        {
            record.RecordType = ProgressRecordType.Completed;
        }
        return record;
    }

    private static string FormatSpan(TimeSpan t) =>
        t.TotalSeconds < 1 ? $"{t.TotalMilliseconds:0} ms" : t.TotalMinutes < 1 ? $"{t.TotalSeconds:0.#} s" : t.ToString(@"h\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Numbers are seconds (-Timeout 30), strings are seconds or TimeSpan text ('00:05:00'), TimeSpans pass through.</summary>
public sealed class SecondsToTimeSpanTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        switch (value)
        {
            case TimeSpan ts:
                return ts;
            case int or long or short or byte or double or float or decimal:
                return TimeSpan.FromSeconds(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
            case string s when double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds):
                return TimeSpan.FromSeconds(seconds);
            case string s when TimeSpan.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            default:
                throw new ArgumentTransformationMetadataException($"\"{inputData}\" is not a timeout: give seconds (300) or a TimeSpan ('00:05:00').");
        }
    }
}

/// <summary>Completes -For with the condition keywords.</summary>
public sealed class WaitForCompleter : IArgumentCompleter
{
    private static readonly string[] Words = { "Ready", "Exists", "Create", "Delete", "Condition=Available", "Condition=Ready", "Condition=Complete", "JsonPath={.status.phase}=Running" };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, System.Management.Automation.Language.CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Words.Where(w => w.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
            .Select(w => new CompletionResult(w.Contains('{') ? "'" + w + "'" : w, w, CompletionResultType.ParameterValue, w));
}
