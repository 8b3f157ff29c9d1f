using System.Management.Automation;
using System.Text.Json.Nodes;
using KubePS.Completion;
using KubePS.Engine.Apply;
using KubePS.Engine.Audit;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;
using KubePS.Engine.Policy;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Deletes objects by kind and name, by label selector, from manifest files, or from the pipeline.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "KubeResource", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = NameSet)]
[OutputType(typeof(PSObject))]
public sealed class RemoveKubeResourceCommand : KubeChangeCmdlet
{
    private const string NameSet = "Name";
    private const string SelectorSet = "Selector";
    private const string PathSet = KubeManifestInput.PathSet;
    private KubeManifestInput _input = new();
    private bool _confirmBound;
    private ConfirmImpact _confirmPreference = ConfirmImpact.High;

    /// <summary>The kind as kubectl accepts it.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SelectorSet)]
    [ArgumentCompleter(typeof(KindCompleter))]
    [ValidateNotNullOrEmpty]
    public string Kind { get; set; } = "";

    /// <summary>Object names.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(ResourceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Restricts the kind to one API version.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = SelectorSet)]
    public string? ApiVersion { get; set; }

    /// <summary>Deletes every object of the kind that matches this label selector.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SelectorSet)]
    [Alias("l", "LabelSelector")]
    [ValidateNotNullOrEmpty]
    public string Selector { get; set; } = "";

    /// <summary>With -Selector: across all namespaces.</summary>
    [Parameter(ParameterSetName = SelectorSet)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>Manifest files, directories or globs: deletes the objects they describe.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [Alias("Filename", "f")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Reads directories recursively.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Alias("R")]
    public SwitchParameter Recurse { get; set; }

    /// <summary>How dependents are deleted: Foreground, Background or Orphan.</summary>
    [Parameter]
    [ValidateSet("Foreground", "Background", "Orphan")]
    public string? Propagation { get; set; }

    /// <summary>Seconds the object gets to terminate gracefully (0 = immediately).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? GracePeriod { get; set; }

    /// <summary>Waits until each object is gone (watch-based).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Seconds -Wait waits per object (default 120).</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int Timeout { get; set; } = 120;

    /// <summary>An object that does not exist is not an error.</summary>
    [Parameter]
    public SwitchParameter IgnoreNotFound { get; set; }

    /// <summary>Skips the extra confirmation of namespace and selector deletes.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void PrepareProcessRecord()
    {
        base.PrepareProcessRecord();
        _confirmBound = MyInvocation.BoundParameters.ContainsKey("Confirm");
        if (SessionState.PSVariable.GetValue("ConfirmPreference") is ConfirmImpact pref)
        {
            _confirmPreference = pref;
        }
        _input = new KubeManifestInput(); // each record deletes what its own -Path describes
        _input.BindPath(ParameterSetName, Path, ResolvePath);
    }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var targets = new List<(ApiResourceInfo Resource, string? Namespace, string Name)>();
        switch (ParameterSetName)
        {
            case NameSet:
            {
                var resource = await ResolveKindAsync(connection, Kind, ApiVersion, cancellationToken).ConfigureAwait(false);
                targets.AddRange(Name.Select(n => (resource, resource.Namespaced ? EffectiveNamespace : null, n)));
                break;
            }
            case SelectorSet:
            {
                var resource = await ResolveKindAsync(connection, Kind, ApiVersion, cancellationToken).ConfigureAwait(false);
                var names = await connection.CallAsync((c, ct) => ResourceChanges.ListNamesAsync(c, resource, EffectiveNamespace, AllNamespaces.IsPresent, Selector, ct), cancellationToken).ConfigureAwait(false);
                targets.AddRange(names.Select(n => (resource, n.Namespace, n.Name)));
                break;
            }
            default:
            {
                var input = _input;
                input.ReadBoundPaths(Recurse.IsPresent);
                foreach (var e in input.Errors)
                {
                    EmitError(e, e.Target);
                }
                var docs = new List<(ApiResourceInfo, string?, string)>();
                foreach (var doc in input.Documents)
                {
                    if (ManifestCollector.CheckShape(doc) is { } shape)
                    {
                        EmitError(shape, doc.ToString());
                        continue;
                    }
                    try
                    {
                        var resource = await ResolveKindAsync(connection, doc.Kind!, doc.ApiVersion, cancellationToken).ConfigureAwait(false);
                        docs.Add((resource, resource.Namespaced ? doc.Namespace ?? EffectiveNamespace : null, doc.Name!));
                    }
                    catch (KubeException ex)
                    {
                        EmitError(ex, doc.ToString());
                    }
                }
                targets.AddRange(ApplyOrdering.InDeleteWaves(docs, d => d.Item1.Kind).SelectMany(w => w));
                break;
            }
        }

        // Policy before any delete: the objects are partial (identity only), so rules about kinds and namespaces decide.
        var subjects = targets.Select(t => new PolicySubject { Object = Identity(t.Resource, t.Namespace, t.Name), Partial = true, DefaultNamespace = t.Namespace }).ToList();
        await EnforcePolicyAsync("delete", subjects, WhatIfMode, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < targets.Count; i++)
        {
            var (resource, ns, name) = targets[i];
            var sent = subjects[i].Object;
            var target = Describe(resource, ns, name);
            var decision = await DecideAsync(target, "Delete").ConfigureAwait(false);
            if (decision is not bool dryRun)
            {
                continue;
            }
            var highImpact = resource.Kind == "Namespace" && resource.Group.Length == 0 || ParameterSetName == SelectorSet;
            if (!dryRun && highImpact && !Force.IsPresent && !_confirmBound && _confirmPreference != ConfirmImpact.None)
            {
                var yes = await InvokeOnPipelineThreadAsync(() => ShouldContinue($"Delete {target}?" + (resource.Kind == "Namespace" ? " Everything in the namespace is deleted with it." : $" (selected by '{Selector}')"), "Confirm high-impact delete")).ConfigureAwait(false);
                if (!yes)
                {
                    continue;
                }
            }
            try
            {
                var options = new DeleteOptions { Propagation = Propagation, GracePeriodSeconds = GracePeriod, DryRun = dryRun };
                var result = await connection.CallAsync((c, ct) => ResourceChanges.DeleteAsync(c, resource, ns, name, options, ct), cancellationToken).ConfigureAwait(false);
                if (Wait.IsPresent && !dryRun)
                {
                    await connection.CallAsync(async (c, ct) =>
                    {
                        await ResourceChanges.WaitDeletedAsync(c, resource, ns, name, TimeSpan.FromSeconds(Timeout), ct).ConfigureAwait(false);
                        return true;
                    }, cancellationToken).ConfigureAwait(false);
                }
                await AuditAsync(NewAuditEvent("delete", sent, dryRun ? AuditOutcome.DryRun : AuditOutcome.Succeeded, dryRun), cancellationToken).ConfigureAwait(false);
                Emit(ToPipeline(result));
            }
            catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeNotFound && IgnoreNotFound.IsPresent)
            {
                await AuditAsync(NewAuditEvent("delete", sent, dryRun ? AuditOutcome.DryRun : AuditOutcome.Succeeded, dryRun, "not found (ignored)"), cancellationToken).ConfigureAwait(false);
            }
            catch (KubeException ex) when (ex.Kind != KubeErrorKind.KubeAuditWriteFailed)
            {
                await AuditAsync(NewAuditEvent("delete", sent, AuditOutcome.Failed, dryRun, ex.Message), cancellationToken).ConfigureAwait(false);
                EmitError(ex, $"{resource.Kind}/{name}");
            }
        }
    }

    private static JsonObject Identity(ApiResourceInfo resource, string? ns, string name)
    {
        var meta = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            meta["namespace"] = ns;
        }
        return new JsonObject { ["apiVersion"] = resource.Group.Length == 0 ? resource.Version : $"{resource.Group}/{resource.Version}", ["kind"] = resource.Kind, ["metadata"] = meta };
    }
}
