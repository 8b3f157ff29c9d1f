using System.Collections;
using System.Globalization;
using System.Management.Automation;
using KubePS.Engine.Apply;
using KubePS.Engine.Errors;
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
        foreach (var name in Name)
        {
            var decision = await DecideAsync($"Namespace/{name}", "Create").ConfigureAwait(false);
            if (decision is not bool dryRun)
            {
                continue;
            }
            try
            {
                var obj = await connection.CallAsync((c, ct) => ApplyEngine.CreateNamespaceAsync(c, name, FieldManager, dryRun, ct, labels), cancellationToken).ConfigureAwait(false);
                Emit(ToPipeline(new KubeChangeResult
                {
                    Kind = "Namespace", ApiVersion = "v1", Name = name, Action = KubeChangeAction.Created, DryRun = dryRun,
                    Object = ResourceReader.Materialize(obj, "v1", "Namespace"),
                }));
            }
            catch (KubeException ex)
            {
                EmitError(ex, $"Namespace/{name}");
            }
        }
    }
}
