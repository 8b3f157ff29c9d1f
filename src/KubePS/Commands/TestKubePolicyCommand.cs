using System.Management.Automation;
using System.Text.Json;
using KubePS.Engine.Ci;
using KubePS.Engine.Errors;
using KubePS.Engine.Policy;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Checks manifests or objects against a policy, offline: one result per object and rule (Rule, Verdict, Message, Path).</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "KubePolicy", DefaultParameterSetName = KubeManifestInput.PathSet)]
[OutputType(typeof(PSObject))]
public sealed class TestKubePolicyCommand : KubeCmdlet, ICiAnnotationsCmdlet
{
    public const string ResultTypeName = "KubePS.PolicyResult";
    private readonly KubeManifestInput _input = new();
    private string[]? _policyPaths;

    /// <summary>Files, directories or globs of YAML/JSON manifests.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KubeManifestInput.PathSet)]
    [Alias("Filename", "f")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Objects to check: typed models, PSObjects, hashtables, YAML text, or files.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KubeManifestInput.ObjectSet, ValueFromPipeline = true)]
    public object[] InputObject { get; set; } = Array.Empty<object>();

    /// <summary>Reads directories recursively.</summary>
    [Parameter(ParameterSetName = KubeManifestInput.PathSet)]
    [Alias("R")]
    public SwitchParameter Recurse { get; set; }

    /// <summary>Policy files (default: the files in $env:KUBEPS_POLICY).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? PolicyPath { get; set; }

    /// <summary>The kubeconfig context name to evaluate as (rules with match.contexts); nothing is contacted.</summary>
    [Parameter]
    public string? Context { get; set; }

    /// <summary>The verb to evaluate as (rules with match.verbs): apply (default), create, deploy, scale, delete, ...</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Verb { get; set; } = "apply";

    /// <summary>The namespace of documents without metadata.namespace (default: default).</summary>
    [Parameter]
    [Alias("Ns")]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = "default";

    /// <summary>Writes only the results that are not Pass.</summary>
    [Parameter]
    public SwitchParameter Failed { get; set; }

    /// <summary>Writes the objects as the policy would send them (mutations applied) instead of the results.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Writes failures as CI annotations (GitHub Actions, Azure Pipelines) naming the manifest file and line; on by default when a CI platform is detected.</summary>
    [Parameter]
    public SwitchParameter CiAnnotations { get; set; }

    /// <inheritdoc />
    protected override void PrepareProcessRecord()
    {
        base.PrepareProcessRecord();
        _policyPaths ??= PolicyPath is { Length: > 0 } ? PolicyPath.Select(ResolvePath).ToArray() : null;
        _input.BindPath(ParameterSetName, Path, ResolvePath);
    }

    /// <inheritdoc />
    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        _input.BindInputObject(ParameterSetName, InputObject);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var paths = KubeChangeCmdlet.PolicyFiles(_policyPaths);
        if (paths.Length == 0)
        {
            throw new KubeException(KubeErrorKind.KubePolicyNotFound, "No policy to test against: give -PolicyPath or set $env:KUBEPS_POLICY.")
            {
                RecommendedAction = "See docs/examples/policy/kubeps-policy.yaml for a sample policy.",
            };
        }
        var policy = PolicySet.Combine(paths.Select(PolicySet.Load));
        _input.ReadBoundPaths(Recurse.IsPresent);
        foreach (var e in _input.Errors)
        {
            EmitError(e, e.Target);
        }
        var evaluation = PolicyEngine.Evaluate(policy, _input.Documents.Select(d => PolicySubject.From(d, Namespace)).ToList(),
            new PolicyRequest { Verb = Verb, Context = Context, DryRun = true });
        foreach (var o in evaluation.Objects)
        {
            foreach (var r in o.Results.Where(r => r.Verdict is PolicyVerdict.Deny or PolicyVerdict.Warn))
            {
                if (Ci.Annotate(r.Verdict == PolicyVerdict.Deny ? CiSeverity.Error : CiSeverity.Warning,
                    $"{r.ObjectName}: rule {r.Rule} ({r.RuleType}): {r.Message}{(r.Path is null ? "" : $" [at {r.Path}]")}", $"KubePolicy{r.Verdict}", o.Subject.Document) is { } line)
                {
                    EmitHostLine(line);
                }
            }
            if (PassThru.IsPresent)
            {
                using var doc = JsonDocument.Parse(o.Object.ToJsonString());
                Emit(KubeObjects.FromJson(doc.RootElement.Clone()));
                continue;
            }
            foreach (var r in o.Results.Where(r => !Failed.IsPresent || r.Verdict != PolicyVerdict.Pass))
            {
                Emit(ToPipeline(r, o));
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>A policy result as a KubePS.PolicyResult pipeline object.</summary>
    public static PSObject ToPipeline(PolicyResult r, PolicyObjectEvaluation? o = null)
    {
        var pso = new PSObject();
        pso.Properties.Add(new PSNoteProperty("Verdict", r.Verdict.ToString()));
        pso.Properties.Add(new PSNoteProperty("Rule", r.Rule));
        pso.Properties.Add(new PSNoteProperty("RuleType", r.RuleType));
        pso.Properties.Add(new PSNoteProperty("Kind", r.Kind));
        pso.Properties.Add(new PSNoteProperty("Namespace", r.Namespace));
        pso.Properties.Add(new PSNoteProperty("Name", r.Name));
        pso.Properties.Add(new PSNoteProperty("Message", r.Message));
        pso.Properties.Add(new PSNoteProperty("Path", r.Path));
        pso.Properties.Add(new PSNoteProperty("Applies", r.Applies));
        pso.Properties.Add(new PSNoteProperty("ApiVersion", r.ApiVersion));
        pso.Properties.Add(new PSNoteProperty("Source", r.Source));
        pso.Properties.Add(new PSNoteProperty("Object", r.Verdict == PolicyVerdict.Mutate ? PipelineObjects.FromJsonValue(o?.Object) : null));
        pso.TypeNames.Insert(0, ResultTypeName);
        PipelineObjects.SetDefaultDisplay(pso, "Verdict", "Rule", "Kind", "Namespace", "Name", "Message");
        return pso;
    }
}
