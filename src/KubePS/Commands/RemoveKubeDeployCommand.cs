using System.Management.Automation;
using System.Text.Json;
using KubePS.Engine.Apply;
using KubePS.Engine.Deploy;
using KubePS.Engine.Errors;
using KubePS.Engine.Resources;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Uninstalls an application deployed with Invoke-KubeDeploy: deletes every object of its inventory in reverse dependency order, waiting for each level to be gone.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "KubeDeploy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(PSObject))]
public sealed class RemoveKubeDeployCommand : KubeChangeCmdlet
{
    /// <summary>The application name (as given to Invoke-KubeDeploy -Name, or kubeps.yaml's).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Application")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>Namespace of the inventory; by default it is found by its label in any namespace.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? InventoryNamespace { get; set; }

    /// <summary>How long to wait for the objects to be gone: seconds or a TimeSpan (default 5 minutes).</summary>
    [Parameter]
    [SecondsToTimeSpanTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        DeployApplication.ValidateName(Name);
        var ns = InventoryNamespace ?? await connection.CallAsync((c, ct) => FindInventoryNamespaceAsync(c, Name, ct), cancellationToken).ConfigureAwait(false);
        if (ns is null)
        {
            throw new KubeException(KubeErrorKind.KubeDeployInventoryNotFound, $"No inventory of application \"{Name}\" (ConfigMap {DeployInventory.NameFor(Name)} labelled {DeployApplication.InventoryLabel}={Name}) in any namespace.")
            {
                Target = Name,
                RecommendedAction = "Check the name (Get-KubeConfigMap -AllNamespaces shows kubeps-app-* inventories), or give -InventoryNamespace.",
            };
        }
        var inventory = new DeployInventory(connection.Client, Name, ns);
        var (exists, entries) = await connection.CallAsync((c, ct) => inventory.ReadWithStatusAsync(ct), cancellationToken).ConfigureAwait(false);
        if (!exists)
        {
            throw new KubeException(KubeErrorKind.KubeDeployInventoryNotFound, $"No inventory of application \"{Name}\" in namespace {ns}.") { Target = Name };
        }
        var decision = await DecideAsync($"application {Name}: {entries.Count} objects (inventory in namespace {ns})", "Uninstall").ConfigureAwait(false);
        if (decision is not bool dryRun)
        {
            return;
        }
        var errors = new List<KubeException>();
        var deleted = await connection.CallAsync((c, ct) => inventory.DeleteAsync(entries, wait: !dryRun, Timeout, e => { lock (errors) { errors.Add(e); } }, ct, dryRun), cancellationToken).ConfigureAwait(false);
        foreach (var e in deleted)
        {
            Emit(ToPipeline(new KubeChangeResult { Kind = e.Kind, ApiVersion = e.ApiVersion, Namespace = e.Namespace, Name = e.Name, Action = KubeChangeAction.Deleted, DryRun = dryRun, Message = $"level {e.Level}" }));
        }
        foreach (var e in errors)
        {
            EmitError(e, e.Target);
        }
        // Every delete of the uninstall is in the audit trail, like any other mutating call.
        var audit = deleted.Select(e => NewAuditEvent("delete", null, dryRun ? Engine.Audit.AuditOutcome.DryRun : Engine.Audit.AuditOutcome.Succeeded, dryRun,
                $"Remove-KubeDeploy {Name}, level {e.Level}", e.Kind, e.Namespace, e.Name, e.ApiVersion))
            .Concat(errors.Select(e => NewAuditEvent("delete", null, Engine.Audit.AuditOutcome.Failed, dryRun, $"Remove-KubeDeploy {Name}: {e.Message}",
                name: e.Target as string)));
        await AuditAsync(audit, cancellationToken).ConfigureAwait(false);
        if (!dryRun && errors.Count == 0)
        {
            await connection.CallAsync(async (c, ct) =>
            {
                await inventory.DeleteInventoryAsync(ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string?> FindInventoryNamespaceAsync(k8s.IKubernetes client, string name, CancellationToken cancellationToken)
    {
        var path = "/api/v1/configmaps?labelSelector=" + Uri.EscapeDataString($"{DeployApplication.InventoryLabel}={name}");
        using var doc = await DeployRetry.RunAsync(ct => KubeRequest.GetJsonAsync(client, path, ct), 8, TimeSpan.FromMilliseconds(200), null, cancellationToken).ConfigureAwait(false);
        if (doc.RootElement.TryGetProperty("items", out var items))
        {
            foreach (var item in items.EnumerateArray())
            {
                if (item.TryGetProperty("metadata", out var m) && m.TryGetProperty("name", out var n) && n.GetString() == DeployInventory.NameFor(name)
                    && m.TryGetProperty("namespace", out var ns) && ns.ValueKind == JsonValueKind.String)
                {
                    return ns.GetString();
                }
            }
        }
        return null;
    }
}
