using System.Management.Automation;
using KubePS.Engine.Connection;
using KubePS.Engine.Deploy;
using KubePS.Engine.Errors;

namespace KubePS.Commands;

/// <summary>Base of Invoke-KubeDeploy and Get-KubeDeployPlan: input (paths, kubeps.yaml, piped objects) and planning.</summary>
public abstract class KubeDeployCmdlet : KubeChangeCmdlet
{
    private readonly KubeManifestInput _input = new();

    /// <summary>An application directory (with or without kubeps.yaml), the kubeps.yaml file, manifest files or globs.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KubeManifestInput.PathSet)]
    [Alias("Filename", "f")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Objects to deploy: typed models, PSObjects, hashtables, YAML text, or files.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KubeManifestInput.ObjectSet, ValueFromPipeline = true)]
    public object[] InputObject { get; set; } = Array.Empty<object>();

    /// <summary>The application name: labels every object (kubeps.io/application) and names the inventory. Default: kubeps.yaml's name, else the directory name.</summary>
    [Parameter]
    [Alias("Application")]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Namespace of the inventory ConfigMap (default: kubeps.yaml's inventoryNamespace, else the namespace most objects live in).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? InventoryNamespace { get; set; }

    /// <summary>The field manager (default kubeps).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string FieldManager { get; set; } = "kubeps";

    /// <summary>Takes ownership of fields another field manager owns.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The environment of a templates application (values.&lt;env&gt;.yaml, kubeps.yaml environments.&lt;env&gt;).</summary>
    [Parameter]
    [Alias("Env")]
    public string? Environment { get; set; }

    /// <summary>Values files for the templates, merged after the environment's, in order.</summary>
    [Parameter]
    public string[] ValuesFile { get; set; } = Array.Empty<string>();

    /// <summary>key.path=value for the templates (typed like helm --set), merged after -ValuesFile.</summary>
    [Parameter]
    public string[] Set { get; set; } = Array.Empty<string>();

    /// <summary>A hashtable of values for the templates, merged last.</summary>
    [Parameter]
    public System.Collections.IDictionary? Values { get; set; }

    /// <summary>The resolved -Path entries.</summary>
    protected IReadOnlyList<string> ResolvedPaths => _input.BoundPaths;

    /// <summary>The document sources of the last plan (templates sources hold their last render and its secrets).</summary>
    protected IReadOnlyList<IDeployDocumentSource> LastSources { get; private set; } = Array.Empty<IDeployDocumentSource>();

    /// <summary>The template inputs (-Environment, -ValuesFile, -Set, -Values, an explicit -Namespace) for the deploy's sources.</summary>
    protected Engine.Templates.TemplateInputs TemplateInputs() =>
        TemplateCommandSupport.Inputs(Environment, ValuesFile.Select(ResolvePath), Set, Values, MyInvocation.BoundParameters.ContainsKey("Namespace") ? EffectiveNamespace : null);

    /// <summary>The secrets of the last render (templates sources), for everything the deploy prints.</summary>
    protected Engine.Templates.SecretRedactor Redactor() => TemplateCommandSupport.Redactor(LastSources);

    /// <inheritdoc />
    protected override void PrepareProcessRecord()
    {
        base.PrepareProcessRecord();
        _input.BindPath(ParameterSetName, Path, ResolvePath);
    }

    /// <inheritdoc />
    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        _input.BindInputObject(ParameterSetName, InputObject);
        return Task.CompletedTask;
    }

    /// <summary>Reads the input and plans (validating everything; nothing is written). Problems are in the plan.</summary>
    protected async Task<(KubeConnection Connection, DeployPlan Plan)> PlanAsync(bool computeDiff, bool planOnly, CancellationToken cancellationToken,
        IReadOnlyList<IDeployDocumentSource>? sourcesOverride = null, string? inventoryNamespaceOverride = null)
    {
        var (app, sources) = DeployCommandSupport.Resolve(_input.BoundPaths, _input.Documents, Name);
        if (sourcesOverride is not null)
        {
            sources = sourcesOverride.ToList(); // a re-apply of some objects (hot reload): LastSources stay the application's
        }
        else
        {
            LastSources = sources;
            TemplateCommandSupport.CheckSources(sources, TemplateInputs());
        }
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var request = new DeployRequest
        {
            Application = app,
            Sources = sources,
            DefaultNamespace = EffectiveNamespace,
            InventoryNamespace = inventoryNamespaceOverride ?? InventoryNamespace,
            ComputeDiff = computeDiff,
            PlanOnly = planOnly,
            FieldManager = FieldManager,
            Force = Force.IsPresent,
            ContextName = connection.ContextName,
            Server = connection.Server,
            Hooks = new IDeployPreWriteHook[] { DeployPolicyHook() },
            Environment = string.IsNullOrEmpty(Environment) ? null : Environment,
            Values = new Dictionary<string, object?> { [Engine.Templates.TemplateInputs.DeployValuesKey] = TemplateInputs() },
        };
        var plan = await connection.CallAsync((c, ct) => DeployPlanner.PlanAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
        foreach (var e in _input.Errors)
        {
            plan.Problems.Insert(0, new DeployProblem(e, null));
        }
        TemplateCommandSupport.RedactProblems(plan, Redactor());
        foreach (var v in plan.Verdicts.Where(v => v.Severity is DeployVerdictSeverity.Warn))
        {
            EmitWarning($"{(v.Target is null ? "" : v.Target + ": ")}{v.Hook}/{v.Rule}: {v.Message}");
        }
        return (connection, plan);
    }

    /// <summary>Writes each problem as a non-terminating error; returns the terminating KubeDeployValidationFailed to throw.</summary>
    protected KubeException ReportProblems(DeployPlan plan)
    {
        foreach (var p in plan.Problems)
        {
            EmitError(p.Error, p.Error.Target ?? p.Document?.ToString());
        }
        var kinds = plan.Problems.GroupBy(p => p.Error.Kind).Select(g => $"{g.Count()} {g.Key}");
        return new KubeException(KubeErrorKind.KubeDeployValidationFailed,
            $"The deploy of {plan.Application.Name} is not valid ({string.Join(", ", kinds)}); nothing was applied. First: {plan.Problems[0].Error.Message}")
        {
            Target = plan.Application.Name,
            RecommendedAction = "Fix the problems reported above; Get-KubeDeployPlan shows the plan.",
        };
    }
}
