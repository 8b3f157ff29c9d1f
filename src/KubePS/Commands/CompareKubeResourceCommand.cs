using System.Management.Automation;
using KubePS.Engine.Apply;
using KubePS.Engine.Errors;
using KubePS.Engine.Policy;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Shows what applying manifests would change, per object, using a server dry run (defaults and admission included).</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "KubeResource", DefaultParameterSetName = KubeManifestInput.PathSet)]
[OutputType(typeof(PSObject), typeof(bool))]
public sealed class CompareKubeResourceCommand : KubeChangeCmdlet
{
    private readonly KubeManifestInput _input = new();

    /// <summary>Files, directories or globs of YAML/JSON manifests.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KubeManifestInput.PathSet)]
    [Alias("Filename", "f")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Objects to compare: typed models, PSObjects, hashtables, YAML text, or files (FileInfo from Get-ChildItem).</summary>
    [Parameter(Mandatory = true, ParameterSetName = KubeManifestInput.ObjectSet, ValueFromPipeline = true)]
    public object[] InputObject { get; set; } = Array.Empty<object>();

    /// <summary>Reads directories recursively.</summary>
    [Parameter(ParameterSetName = KubeManifestInput.PathSet)]
    [Alias("R")]
    public SwitchParameter Recurse { get; set; }

    /// <summary>The field manager the dry run applies as (default kubeps).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string FieldManager { get; set; } = "kubeps";

    /// <summary>Compares as if -Force were given to Invoke-KubeApply (conflicting fields taken over).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Treats namespaces that do not exist as created (Invoke-KubeApply -CreateNamespace).</summary>
    [Parameter]
    public SwitchParameter CreateNamespace { get; set; }

    /// <summary>Returns only $true when anything would change, $false otherwise.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Requests in flight at once (default 16).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 16;

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

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        _input.ReadBoundPaths(Recurse.IsPresent);
        foreach (var e in _input.Errors)
        {
            EmitError(e, e.Target);
        }
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var options = new ApplyOptions
        {
            FieldManager = FieldManager,
            Force = Force.IsPresent,
            DryRun = true,
            CreateNamespace = CreateNamespace.IsPresent,
            DefaultNamespace = EffectiveNamespace,
            Concurrency = ThrottleLimit,
        };
        var failed = _input.Errors.Count;
        // The policy's mutations show in the diff; its denials are errors here (nothing is written by a compare).
        var evaluation = Evaluate("apply", _input.Documents.Select(d => PolicySubject.From(d, EffectiveNamespace)).ToList(), dryRun: true);
        foreach (var d in evaluation.Denials)
        {
            EmitError(new KubeException(KubeErrorKind.KubePolicyDenied, $"Policy rule {d.Rule} ({d.RuleType}) denies {d.ObjectName}: {d.Message}{(d.Path is null ? "" : $" [at {d.Path}]")}") { Target = d.ObjectName }, d.ObjectName);
        }
        var documents = Mutated(_input.Documents, evaluation);
        var results = documents.Count == 0 ? Array.Empty<KubeDiffResult>() : await connection.CallAsync((client, ct) =>
            ResourceDiff.CompareAsync(client, documents, options, f =>
            {
                failed++;
                EmitError(f.Error, f.Document.ToString());
            }, ct), cancellationToken).ConfigureAwait(false);
        if (Quiet.IsPresent)
        {
            Emit(results.Any(r => r.HasChanges));
            return;
        }
        foreach (var r in results)
        {
            Emit(ToPipeline(r));
        }
        if (failed > 0 && results.Count == 0 && _input.Documents.Count + _input.Errors.Count > 0)
        {
            throw new KubeException(KubeErrorKind.KubeValidationFailed, $"None of the {failed} document(s) could be compared.");
        }
    }
}
