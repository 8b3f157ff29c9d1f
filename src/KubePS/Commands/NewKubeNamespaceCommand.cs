using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json.Nodes;
using KubePS.Engine.Apply;
using KubePS.Engine.Audit;
using KubePS.Engine.Errors;
using KubePS.Engine.Policy;
using KubePS.Engine.Resources;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Creates namespaces.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "KubeNamespace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(PSObject))]
public sealed class NewKubeNamespaceCommand : KubeChangeCmdlet
{
    /// <summary>Names of the namespaces to create.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Labels for the new namespaces.</summary>
    [Parameter]
    public Hashtable? Label { get; set; }

    /// <summary>The field manager (default kubeps).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string FieldManager { get; set; } = "kubeps";

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var labels = Label?.Cast<DictionaryEntry>().ToDictionary(
            e => Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "",
            e => Convert.ToString(e.Value, CultureInfo.InvariantCulture) ?? "");
        // Policy first (allowed namespaces, required labels, which may add labels), before anything is written.
        var subjects = Name.Select(n => new PolicySubject { Object = NamespaceObject(n, labels) }).ToList();
        var evaluation = await EnforcePolicyAsync("create", subjects, WhatIfMode, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < Name.Length; i++)
        {
            var name = Name[i];
            var sent = evaluation.Objects[i].Object;
            var sentLabels = (sent["metadata"]?["labels"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "");
            var decision = await DecideAsync($"Namespace/{name}", "Create").ConfigureAwait(false);
            if (decision is not bool dryRun)
            {
                continue;
            }
            try
            {
                var obj = await connection.CallAsync((c, ct) => ApplyEngine.CreateNamespaceAsync(c, name, FieldManager, dryRun, ct, sentLabels), cancellationToken).ConfigureAwait(false);
                await AuditAsync(NewAuditEvent("create", sent, dryRun ? AuditOutcome.DryRun : AuditOutcome.Succeeded, dryRun), cancellationToken).ConfigureAwait(false);
                Emit(ToPipeline(new KubeChangeResult
                {
                    Kind = "Namespace", ApiVersion = "v1", Name = name, Action = KubeChangeAction.Created, DryRun = dryRun,
                    Object = ResourceReader.Materialize(obj, "v1", "Namespace"),
                }));
            }
            catch (KubeException ex) when (ex.Kind != KubeErrorKind.KubeAuditWriteFailed)
            {
                await AuditAsync(NewAuditEvent("create", sent, AuditOutcome.Failed, dryRun, ex.Message), cancellationToken).ConfigureAwait(false);
                EmitError(ex, $"Namespace/{name}");
            }
        }
    }

    private static JsonObject NamespaceObject(string name, Dictionary<string, string>? labels)
    {
        var meta = new JsonObject { ["name"] = name };
        if (labels is { Count: > 0 })
        {
            var l = new JsonObject();
            foreach (var (k, v) in labels)
            {
                l[k] = v;
            }
            meta["labels"] = l;
        }
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = meta };
    }
}
