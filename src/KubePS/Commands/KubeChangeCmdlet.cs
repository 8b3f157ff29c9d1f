using System.Management.Automation;
using System.Text.Json.Nodes;
using KubePS.Completion;
using KubePS.Engine.Apply;
using KubePS.Engine.Audit;
using KubePS.Engine.Policy;
using KubePS.Engine.Yaml;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>
/// Base of the mutating cmdlets: -WhatIf asks the server (dryRun=All) instead of only skipping the call, and
/// results are written as KubePS.ChangeResult objects (Action, Kind, Namespace, Name, DryRun, Object).
/// </summary>
public abstract class KubeChangeCmdlet : KubeClusterCmdlet
{
    public const string ChangeResultTypeName = "KubePS.ChangeResult";

    /// <summary>The namespace; null from a cluster-scoped object piped in is accepted (it is ignored for such kinds).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Ns")]
    [AllowNull]
    [AllowEmptyString]
    public override string? Namespace { get; set; }

    /// <summary>Policy files to enforce (replaces $env:KUBEPS_POLICY for this call).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? PolicyPath { get; set; }

    /// <summary>The audit log to append to (default: $env:KUBEPS_AUDIT_PATH, else kubeps/audit.jsonl in the user's data directory).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AuditPath { get; set; }

    /// <summary>True when -WhatIf (or $WhatIfPreference) is in effect: changes are sent with dryRun=All.</summary>
    protected bool WhatIfMode { get; private set; }

    private string[]? _policyPaths;
    private string? _auditPath;
    private PolicySet? _policy;
    private readonly Dictionary<(string Kind, string? Ns, string Name), PolicyObjectEvaluation> _evaluated = new();

    /// <inheritdoc />
    protected override void PrepareProcessRecord()
    {
        base.PrepareProcessRecord();
        WhatIfMode = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)
            ? LanguagePrimitives.IsTrue(w)
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
        // Paths resolve against the PowerShell location, on the pipeline thread.
        _policyPaths = PolicyPath is { Length: > 0 } ? PolicyPath.Select(ResolvePath).ToArray() : null;
        _auditPath = AuditPath is null ? null : ResolvePath(AuditPath);
    }

    /// <summary>The policy files in force for this call (-PolicyPath, else $env:KUBEPS_POLICY), as full paths.</summary>
    protected IReadOnlyList<string> ActivePolicyFiles() => PolicyFiles(_policyPaths).Select(System.IO.Path.GetFullPath).ToList();

    /// <summary>
    /// The policy files of a call: <paramref name="policyPaths"/> (the resolved -PolicyPath entries) when given, else the
    /// files in $env:KUBEPS_POLICY (separated by the path separator). Empty when neither names any.
    /// </summary>
    internal static string[] PolicyFiles(string[]? policyPaths) =>
        policyPaths ?? (Environment.GetEnvironmentVariable(PolicySet.EnvironmentVariable) ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Forgets the loaded policy (and the deploy hook and verdicts built from it) so the next use reads the files
    /// again: Invoke-KubeDeploy -Watch calls it when a policy file changes.
    /// </summary>
    protected void ReloadPolicy()
    {
        _policy = null;
        _deployHook = null;
        _evaluated.Clear();
    }

    /// <summary>
    /// The active policy: -PolicyPath, else the files in $env:KUBEPS_POLICY (separated by the path separator), plus
    /// <paramref name="additional"/> (kubeps.yaml's policy: section). Empty when none is configured.
    /// </summary>
    protected PolicySet ActivePolicy(PolicySet? additional = null)
    {
        if (_policy is null)
        {
            var paths = PolicyFiles(_policyPaths);
            _policy = paths.Length == 0 ? PolicySet.Empty : PolicySet.Combine(paths.Select(PolicySet.Load));
        }
        return additional is null ? _policy : PolicySet.Combine(new[] { _policy, additional });
    }

    /// <summary>
    /// Enforces the active policy before anything is written: warnings (and, with -WhatIf, mutations) are written as
    /// warnings; a denial is audited and thrown as KubePolicyDenied naming every violated rule and object. Returns the
    /// evaluation: <see cref="PolicyObjectEvaluation.Object"/> is what to send (changed by mutating rules).
    /// </summary>
    protected async Task<PolicyEvaluation> EnforcePolicyAsync(string verb, IReadOnlyList<PolicySubject> subjects, bool dryRun, CancellationToken cancellationToken)
    {
        var evaluation = Evaluate(verb, subjects, dryRun);
        if (evaluation.Denied)
        {
            var denied = PolicyEngine.Denied(evaluation, verb);
            await AuditAsync(evaluation.Objects.Select(o => NewAuditEvent(verb, o.Object, AuditOutcome.Denied, dryRun,
                string.Join("; ", o.Results.Where(r => r.Verdict == PolicyVerdict.Deny).Select(r => $"{r.Rule}: {r.Message}")) is { Length: > 0 } m ? m : "another object of the call was denied")),
                cancellationToken).ConfigureAwait(false);
            throw denied;
        }
        return evaluation;
    }

    /// <summary>Evaluates the active policy and reports warn (and mutate) verdicts, without enforcing denials.</summary>
    protected PolicyEvaluation Evaluate(string verb, IReadOnlyList<PolicySubject> subjects, bool dryRun)
    {
        var policy = ActivePolicy();
        var request = new PolicyRequest { Verb = verb, Context = Connection.ContextName, DryRun = dryRun };
        var evaluation = policy.IsEmpty ? PolicyEvaluation.Empty(subjects) : PolicyEngine.Evaluate(policy, subjects, request);
        foreach (var o in evaluation.Objects)
        {
            var f = ObjectFacts.Of(o.Subject);
            _evaluated[(f.Kind.ToLowerInvariant(), f.Namespace, f.Name)] = o;
        }
        foreach (var r in evaluation.Results)
        {
            if (r.Verdict == PolicyVerdict.Warn)
            {
                EmitWarning($"Policy rule {r.Rule} ({r.ObjectName}): {r.Message}{(r.Path is null ? "" : $" [at {r.Path}]")}");
            }
            else if (r.Verdict == PolicyVerdict.Mutate)
            {
                var text = $"Policy rule {r.Rule} changed {r.ObjectName}: {r.Message}";
                if (WhatIfMode)
                {
                    EmitWarning(text);
                }
                else
                {
                    EmitVerbose(text);
                }
            }
        }
        return evaluation;
    }

    /// <summary>Documents as the policy changed them (the same documents when nothing changed).</summary>
    protected static List<ManifestDocument> Mutated(IReadOnlyList<ManifestDocument> documents, PolicyEvaluation evaluation) =>
        documents.Select((d, i) => i < evaluation.Objects.Count && !ReferenceEquals(evaluation.Objects[i].Object, d.Object) ? d with { Object = evaluation.Objects[i].Object } : d).ToList();

    /// <summary>An audit event for one object, with the policy verdicts evaluated for it in this call.</summary>
    protected AuditEvent NewAuditEvent(string verb, JsonObject? sent, AuditOutcome outcome, bool dryRun, string? message = null,
        string? kind = null, string? ns = null, string? name = null, string? apiVersion = null)
    {
        static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var meta = sent?["metadata"] as JsonObject;
        kind ??= Str(sent?["kind"]);
        name ??= Str(meta?["name"]);
        apiVersion ??= Str(sent?["apiVersion"]);
        PolicyObjectEvaluation? eval = null;
        if (kind is not null && name is not null)
        {
            var k = kind.ToLowerInvariant();
            ns ??= Str(meta?["namespace"]);
            eval = _evaluated.GetValueOrDefault((k, ns, name))
                ?? _evaluated.FirstOrDefault(e => e.Key.Kind == k && e.Key.Name == name && (ns is null || e.Key.Ns is null)).Value;
            ns ??= eval is null ? null : ObjectFacts.Of(eval.Subject).Namespace;
        }
        return new AuditEvent
        {
            Verb = verb, ApiVersion = apiVersion, Kind = kind, Namespace = ns, Name = name, Outcome = outcome, DryRun = dryRun,
            Message = message, Verdicts = eval is null ? Array.Empty<AuditVerdict>() : AuditEvent.From(eval.Results),
            ObjectHash = AuditEvent.HashObject(sent ?? eval?.Object),
        };
    }

    /// <summary>Appends audit records (flushed to disk before it returns). Failing to write is KubeAuditWriteFailed.</summary>
    protected async Task AuditAsync(IEnumerable<AuditEvent> events, CancellationToken cancellationToken)
    {
        var list = events.ToList();
        if (list.Count == 0)
        {
            return;
        }
        var identity = new AuditIdentity { KubeUser = Connection.User, Context = Connection.ContextName, Server = Connection.Server };
        // Not cancellable: a change that was made must be recorded even when the user presses Ctrl+C now.
        await AuditLog.Resolve(_auditPath).AppendAsync(identity, list, CancellationToken.None).ConfigureAwait(false);
    }

    private PolicyDeployHook? _deployHook;

    /// <summary>The policy as a deploy pre-write hook (the active policy plus kubeps.yaml's policy: section), one per call.</summary>
    protected PolicyDeployHook DeployPolicyHook() => _deployHook ??= new PolicyDeployHook(ActivePolicy());

    /// <summary>
    /// Audits a deploy: every node of the plan as Denied (a policy denial failed the plan), DryRun (-WhatIf), or by its
    /// result (applied = Succeeded; failed, timed out or skipped = Failed). Nothing is recorded for a plan that failed
    /// for other reasons (nothing was sent and no policy denied it).
    /// </summary>
    protected Task AuditDeployAsync(Engine.Deploy.DeployPlan plan, Engine.Deploy.DeployResult? result, bool dryRun, CancellationToken cancellationToken)
    {
        if (_deployHook?.Evaluation is { } evaluation)
        {
            foreach (var o in evaluation.Objects)
            {
                var f = ObjectFacts.Of(o.Subject);
                _evaluated[(f.Kind.ToLowerInvariant(), f.Namespace, f.Name)] = o;
            }
        }
        var denied = plan.Problems.Any(p => p.Error.Kind == KubeErrorKind.KubeDeployDenied);
        if (!plan.IsValid && !denied)
        {
            return Task.CompletedTask;
        }
        var events = new List<AuditEvent>();
        if (!plan.IsValid)
        {
            var docs = _deployHook?.Evaluation?.Objects.Select(o => o.Object) ?? plan.Nodes.Select(n => n.Document.Object);
            events.AddRange(docs.Select(d => NewAuditEvent("deploy", d, AuditOutcome.Denied, dryRun,
                string.Join("; ", plan.Verdicts.Where(v => v.Severity == Engine.Deploy.DeployVerdictSeverity.Deny).Select(v => $"{v.Rule}: {v.Message}")))));
        }
        else if (result is null)
        {
            events.AddRange(plan.Nodes.Select(n => NewAuditEvent("deploy", n.Document.Object, AuditOutcome.DryRun, true, n.Change?.ToString(), ns: n.Key.Namespace)));
        }
        else
        {
            events.AddRange(result.Nodes.Select(r => NewAuditEvent("deploy", r.Node.Document.Object,
                r.WasApplied && r.State is not Engine.Deploy.DeployNodeState.Failed ? AuditOutcome.Succeeded : AuditOutcome.Failed, false,
                r.Reason ?? r.Action?.ToString() ?? r.State.ToString(), ns: r.Node.Key.Namespace)));
        }
        return AuditAsync(events, cancellationToken);
    }

    /// <summary>Audits one object's outcome.</summary>
    protected Task AuditAsync(AuditEvent e, CancellationToken cancellationToken) => AuditAsync(new[] { e }, cancellationToken);

    /// <summary>
    /// ShouldProcess, answered as: null = skip (the user said no), false = do it for real, true = do it as a server
    /// dry run (-WhatIf).
    /// </summary>
    protected async Task<bool?> DecideAsync(string target, string action)
    {
        var proceed = await ShouldProcessAsync(target, action).ConfigureAwait(false);
        if (proceed)
        {
            return false;
        }
        return WhatIfMode ? true : null;
    }

    /// <summary>A change result as a pipeline object typed KubePS.ChangeResult, its object converted for PowerShell.</summary>
    public static PSObject ToPipeline(KubeChangeResult result)
    {
        var pso = new PSObject();
        pso.Properties.Add(new PSNoteProperty("Action", result.Action.ToString()));
        pso.Properties.Add(new PSNoteProperty("Kind", result.Kind));
        pso.Properties.Add(new PSNoteProperty("Namespace", result.Namespace));
        pso.Properties.Add(new PSNoteProperty("Name", result.Name));
        pso.Properties.Add(new PSNoteProperty("DryRun", result.DryRun));
        pso.Properties.Add(new PSNoteProperty("ApiVersion", result.ApiVersion));
        pso.Properties.Add(new PSNoteProperty("Message", result.Message));
        pso.Properties.Add(new PSNoteProperty("Source", result.Source));
        pso.Properties.Add(new PSNoteProperty("Object", result.Object is null ? null : KubeObjects.ToPipeline(result.Object)));
        pso.TypeNames.Insert(0, ChangeResultTypeName);
        PipelineObjects.SetDefaultDisplay(pso, "Action", "Kind", "Namespace", "Name", "DryRun", "Message");
        return pso;
    }

    /// <summary>A diff result as a pipeline object typed KubePS.DiffResult.</summary>
    public static PSObject ToPipeline(KubeDiffResult result)
    {
        var pso = new PSObject();
        pso.Properties.Add(new PSNoteProperty("Action", result.Action.ToString()));
        pso.Properties.Add(new PSNoteProperty("Kind", result.Kind));
        pso.Properties.Add(new PSNoteProperty("Namespace", result.Namespace));
        pso.Properties.Add(new PSNoteProperty("Name", result.Name));
        pso.Properties.Add(new PSNoteProperty("HasChanges", result.HasChanges));
        pso.Properties.Add(new PSNoteProperty("ChangedPaths", result.ChangedPaths.ToArray()));
        pso.Properties.Add(new PSNoteProperty("Diff", result.Diff));
        pso.Properties.Add(new PSNoteProperty("ApiVersion", result.ApiVersion));
        pso.Properties.Add(new PSNoteProperty("Live", PipelineObjects.FromJsonValue(result.Live)));
        pso.Properties.Add(new PSNoteProperty("Desired", PipelineObjects.FromJsonValue(result.Desired)));
        pso.Properties.Add(new PSNoteProperty("Source", result.Source));
        pso.Properties.Add(new PSNoteProperty("Message", result.Message));
        pso.TypeNames.Insert(0, "KubePS.DiffResult");
        PipelineObjects.SetDefaultDisplay(pso, "Action", "Kind", "Namespace", "Name", "ChangedPaths");
        return pso;
    }

    /// <summary>Resolves a kind through discovery (cached per session).</summary>
    protected static Task<ApiResourceInfo> ResolveKindAsync(Engine.Connection.KubeConnection connection, string kind, string? apiVersion, CancellationToken cancellationToken) =>
        connection.CallAsync((c, ct) => DiscoveryCache.For(c).ResolveAsync(kind, apiVersion, ct), cancellationToken);

    /// <summary>"Deployment/web in shop" or "Namespace/shop".</summary>
    protected static string Describe(ApiResourceInfo resource, string? ns, string name) =>
        resource.Namespaced ? $"{resource.Kind}/{name} in namespace {ns}" : $"{resource.Kind}/{name}";
}

/// <summary>
/// Base of the cmdlets that change named objects of one kind (-Kind, -Name, -ApiVersion, bound by property name from
/// any Get-Kube* output).
/// </summary>
public abstract class KubeObjectChangeCmdlet : KubeChangeCmdlet
{
    /// <summary>The kind as kubectl accepts it: deploy, deployments, Deployment, deployments.apps.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KindCompleter))]
    [ValidateNotNullOrEmpty]
    public virtual string Kind { get; set; } = "";

    /// <summary>Object names.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ResourceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public virtual string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Restricts the kind to one API version.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ApiVersion { get; set; }

    /// <summary>The description of the change for ShouldProcess ("Scale to 3 replicas").</summary>
    protected abstract string ActionText { get; }

    /// <summary>Makes the change to one object.</summary>
    protected abstract Task<KubeChangeResult> ChangeAsync(Engine.Connection.KubeConnection connection, ApiResourceInfo resource, string? ns, string name, bool dryRun, CancellationToken cancellationToken);

    /// <summary>Checks arguments before anything is sent (terminating on bad input).</summary>
    protected virtual void Validate(ApiResourceInfo resource)
    {
    }

    /// <summary>The verb policy rules (match.verbs) and the audit log see: scale, restart, label, annotate, set-image.</summary>
    protected abstract string PolicyVerb { get; }

    /// <summary>Adds the fields the change sets to the partial object the policy judges (spec.replicas for a scale).</summary>
    protected virtual void DescribeChange(JsonObject subject, ApiResourceInfo resource)
    {
    }

    private JsonObject PolicySubjectFor(ApiResourceInfo resource, string? ns, string name)
    {
        var meta = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            meta["namespace"] = ns;
        }
        var subject = new JsonObject
        {
            ["apiVersion"] = resource.Group.Length == 0 ? resource.Version : $"{resource.Group}/{resource.Version}",
            ["kind"] = resource.Kind,
            ["metadata"] = meta,
        };
        DescribeChange(subject, resource);
        return subject;
    }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var resource = await ResolveKindAsync(connection, Kind, ApiVersion, cancellationToken).ConfigureAwait(false);
        Validate(resource);
        var ns = resource.Namespaced ? EffectiveNamespace : null;
        // Policy first, for every name, before anything is written (the objects are partial: the fields the change sets).
        var subjects = Name.Select(n => new PolicySubject { Object = PolicySubjectFor(resource, ns, n), Partial = true, DefaultNamespace = ns }).ToList();
        var evaluation = await EnforcePolicyAsync(PolicyVerb, subjects, WhatIfMode, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < Name.Length; i++)
        {
            var name = Name[i];
            var sent = evaluation.Objects[i].Object;
            var decision = await DecideAsync(Describe(resource, ns, name), ActionText).ConfigureAwait(false);
            if (decision is not bool dryRun)
            {
                continue;
            }
            try
            {
                var result = await connection.CallAsync((c, ct) => ChangeAsync(connection, resource, ns, name, dryRun, ct), cancellationToken).ConfigureAwait(false);
                await AuditAsync(NewAuditEvent(PolicyVerb, sent, dryRun ? AuditOutcome.DryRun : AuditOutcome.Succeeded, dryRun), cancellationToken).ConfigureAwait(false);
                Emit(ToPipeline(result));
            }
            catch (KubeException ex) when (ex.Kind != KubeErrorKind.KubeAuditWriteFailed)
            {
                await AuditAsync(NewAuditEvent(PolicyVerb, sent, AuditOutcome.Failed, dryRun, ex.Message), cancellationToken).ConfigureAwait(false);
                EmitError(ex, $"{resource.Kind}/{name}");
            }
        }
    }
}
