using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubePS.Completion;
using KubePS.Engine.Apply;
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

    /// <summary>True when -WhatIf (or $WhatIfPreference) is in effect: changes are sent with dryRun=All.</summary>
    protected bool WhatIfMode { get; private set; }

    /// <inheritdoc />
    protected override void PrepareProcessRecord()
    {
        base.PrepareProcessRecord();
        WhatIfMode = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)
            ? LanguagePrimitives.IsTrue(w)
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
    }

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
        SetDefaultDisplay(pso, "Action", "Kind", "Namespace", "Name", "DryRun", "Message");
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
        pso.Properties.Add(new PSNoteProperty("Live", ToPS(result.Live)));
        pso.Properties.Add(new PSNoteProperty("Desired", ToPS(result.Desired)));
        pso.Properties.Add(new PSNoteProperty("Source", result.Source));
        pso.Properties.Add(new PSNoteProperty("Message", result.Message));
        pso.TypeNames.Insert(0, "KubePS.DiffResult");
        SetDefaultDisplay(pso, "Action", "Kind", "Namespace", "Name", "ChangedPaths");
        return pso;
    }

    private static object? ToPS(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return KubeObjects.ConvertValue(doc.RootElement);
    }

    private static void SetDefaultDisplay(PSObject pso, params string[] names)
    {
        var display = new PSPropertySet("DefaultDisplayPropertySet", names);
        pso.Members.Add(new PSMemberSet("PSStandardMembers", new PSMemberInfo[] { display }));
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

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var resource = await ResolveKindAsync(connection, Kind, ApiVersion, cancellationToken).ConfigureAwait(false);
        Validate(resource);
        var ns = resource.Namespaced ? EffectiveNamespace : null;
        foreach (var name in Name)
        {
            var decision = await DecideAsync(Describe(resource, ns, name), ActionText).ConfigureAwait(false);
            if (decision is not bool dryRun)
            {
                continue;
            }
            try
            {
                var result = await connection.CallAsync((c, ct) => ChangeAsync(connection, resource, ns, name, dryRun, ct), cancellationToken).ConfigureAwait(false);
                Emit(ToPipeline(result));
            }
            catch (KubeException ex)
            {
                EmitError(ex, $"{resource.Kind}/{name}");
            }
        }
    }
}
