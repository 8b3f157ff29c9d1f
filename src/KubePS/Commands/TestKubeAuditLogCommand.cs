using System.Management.Automation;
using KubePS.Engine.Audit;
using KubePS.Engine.Errors;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Verifies the audit log's hash chain and names the first record that was edited, removed or inserted.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "KubeAuditLog")]
[OutputType(typeof(PSObject), typeof(bool))]
public sealed class TestKubeAuditLogCommand : KubeCmdlet
{
    private string? _path;

    /// <summary>The audit log (default: $env:KUBEPS_AUDIT_PATH, else kubeps/audit.jsonl in the user's data directory).</summary>
    [Parameter(Position = 0)]
    [Alias("AuditPath")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The LastHash of an earlier verification: also detects records removed from the end of the log.</summary>
    [Parameter]
    [ValidatePattern("^[0-9a-fA-F]{64}$")]
    public string? LastHash { get; set; }

    /// <summary>Writes only $true or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>A broken chain is a KubeAuditTampered error (terminating) instead of a result with Valid = $false.</summary>
    [Parameter]
    public SwitchParameter Strict { get; set; }

    /// <inheritdoc />
    protected override void PrepareProcessRecord()
    {
        base.PrepareProcessRecord();
        _path = Path is null ? null : ResolvePath(Path);
    }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var v = await AuditLog.Resolve(_path).VerifyAsync(LastHash, cancellationToken).ConfigureAwait(false);
        if (!v.Valid && Strict.IsPresent)
        {
            throw new KubeException(KubeErrorKind.KubeAuditTampered, $"{v.Path}: the audit chain is broken at line {v.BrokenLine} (record {v.BrokenSeq}): {v.Reason}.")
            {
                Target = $"{v.Path}:{v.BrokenLine}",
                RecommendedAction = "Keep the file as evidence; records from that line on cannot be trusted.",
            };
        }
        if (Quiet.IsPresent)
        {
            Emit(v.Valid);
            return;
        }
        var pso = new PSObject();
        pso.Properties.Add(new PSNoteProperty("Valid", v.Valid));
        pso.Properties.Add(new PSNoteProperty("Records", v.Records));
        pso.Properties.Add(new PSNoteProperty("BrokenLine", v.BrokenLine));
        pso.Properties.Add(new PSNoteProperty("BrokenSeq", v.BrokenSeq));
        pso.Properties.Add(new PSNoteProperty("Reason", v.Reason));
        pso.Properties.Add(new PSNoteProperty("LastHash", v.LastHash));
        pso.Properties.Add(new PSNoteProperty("Path", v.Path));
        pso.TypeNames.Insert(0, "KubePS.AuditVerification");
        Emit(pso);
        if (!v.Valid && !Quiet.IsPresent)
        {
            EmitError(new KubeException(KubeErrorKind.KubeAuditTampered, $"{v.Path}: the audit chain is broken at line {v.BrokenLine} (record {v.BrokenSeq}): {v.Reason}.")
            {
                Target = $"{v.Path}:{v.BrokenLine}",
            }, $"{v.Path}:{v.BrokenLine}");
        }
    }
}
