using System.Management.Automation;
using KubePS.Engine.Apply;
using KubePS.Engine.Audit;
using KubePS.Engine.Errors;
using KubePS.Engine.Policy;
using KubePS.Engine.Yaml;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Server-side applies manifests from files, directories, globs or objects: validated first, then applied in parallel.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "KubeApply", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = KubeManifestInput.PathSet)]
[OutputType(typeof(PSObject))]
public sealed class InvokeKubeApplyCommand : KubeChangeCmdlet, ICiAnnotationsCmdlet
{
    private readonly KubeManifestInput _input = new();

    /// <summary>Files, directories or globs of YAML/JSON manifests.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KubeManifestInput.PathSet)]
    [Alias("Filename", "f")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Objects to apply: typed models, PSObjects, hashtables, YAML text, or files (FileInfo from Get-ChildItem).</summary>
    [Parameter(Mandatory = true, ParameterSetName = KubeManifestInput.ObjectSet, ValueFromPipeline = true)]
    public object[] InputObject { get; set; } = Array.Empty<object>();

    /// <summary>Reads directories recursively.</summary>
    [Parameter(ParameterSetName = KubeManifestInput.PathSet)]
    [Alias("R")]
    public SwitchParameter Recurse { get; set; }

    /// <summary>The field manager (default kubeps).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string FieldManager { get; set; } = "kubeps";

    /// <summary>Takes ownership of fields another field manager owns.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Sends every request with dryRun=All; nothing is stored.</summary>
    [Parameter]
    public SwitchParameter ServerDryRun { get; set; }

    /// <summary>Applies the valid documents even when others are invalid.</summary>
    [Parameter]
    public SwitchParameter ContinueOnError { get; set; }

    /// <summary>Creates the namespaces the objects live in when they do not exist.</summary>
    [Parameter]
    public SwitchParameter CreateNamespace { get; set; }

    /// <summary>Requests in flight at once (default 16).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    [Alias("Concurrency")]
    public int ThrottleLimit { get; set; } = 16;

    /// <summary>Writes failures as CI annotations (GitHub Actions, Azure Pipelines) naming the manifest file and line; on by default when a CI platform is detected.</summary>
    [Parameter]
    public SwitchParameter CiAnnotations { get; set; }

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
        foreach (var d in _input.Documents)
        {
            Ci.Register(d.ToString(), d);
        }
        foreach (var e in _input.Errors)
        {
            EmitError(e, e.Target);
        }
        if (_input.Errors.Count > 0 && !ContinueOnError.IsPresent)
        {
            throw new KubeException(KubeErrorKind.KubeValidationFailed, $"{_input.Errors.Count} input(s) could not be read; nothing was applied.")
            {
                RecommendedAction = "Fix the files named in the errors above, or use -ContinueOnError to apply the readable ones.",
            };
        }
        if (_input.Documents.Count == 0)
        {
            return;
        }
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var sources = _input.BoundPaths.Count > 0 ? string.Join(", ", _input.BoundPaths) : "input objects";
        // Policy before anything is written (and before the prompt): a denial is audited and terminates.
        var willDryRun = WhatIfMode || ServerDryRun.IsPresent;
        var evaluation = await EnforcePolicyAsync("apply", _input.Documents.Select(d => PolicySubject.From(d, EffectiveNamespace)).ToList(), willDryRun, cancellationToken).ConfigureAwait(false);
        var documents = Mutated(_input.Documents, evaluation);
        var decision = await DecideAsync($"{documents.Count} document(s) from {sources}", "Server-side apply").ConfigureAwait(false);
        if (decision is not bool dryRun)
        {
            return;
        }
        var options = new ApplyOptions
        {
            FieldManager = FieldManager,
            Force = Force.IsPresent,
            DryRun = dryRun || ServerDryRun.IsPresent,
            ContinueOnError = ContinueOnError.IsPresent,
            CreateNamespace = CreateNamespace.IsPresent,
            DefaultNamespace = EffectiveNamespace,
            Concurrency = ThrottleLimit,
        };
        var audited = new System.Collections.Concurrent.ConcurrentQueue<(ManifestDocument? Document, AuditEvent Event)>();
        try
        {
            await connection.CallAsync(async (client, ct) =>
            {
                await ApplyEngine.ApplyAsync(client, documents, options,
                    r =>
                    {
                        audited.Enqueue((null, NewAuditEvent("apply", null, options.DryRun ? AuditOutcome.DryRun : AuditOutcome.Succeeded, options.DryRun,
                            r.Action.ToString(), r.Kind, r.Namespace, r.Name, r.ApiVersion)));
                        Emit(ToPipeline(r));
                    },
                    f =>
                    {
                        audited.Enqueue((f.Document, NewAuditEvent("apply", f.Document.Object, AuditOutcome.Failed, options.DryRun, f.Error.Message,
                            ns: f.Document.Namespace ?? EffectiveNamespace)));
                        EmitError(f.Error, f.Document.ToString());
                    },
                    ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KubeException or OperationCanceledException)
        {
            // Documents that got no result were not applied (validation failed, or the call stopped).
            var done = audited.Select(a => (a.Event.Kind?.ToLowerInvariant(), a.Event.Name)).ToHashSet();
            foreach (var d in documents.Where(d => !done.Contains((d.Kind?.ToLowerInvariant(), d.Name))))
            {
                audited.Enqueue((d, NewAuditEvent("apply", d.Object, AuditOutcome.Failed, options.DryRun, ex.Message, ns: d.Namespace ?? EffectiveNamespace)));
            }
            throw;
        }
        finally
        {
            await AuditAsync(audited.Select(a => a.Event), cancellationToken).ConfigureAwait(false);
        }
    }
}
