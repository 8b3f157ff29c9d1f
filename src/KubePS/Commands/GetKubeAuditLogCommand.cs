using System.Management.Automation;
using KubePS.Engine.Audit;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Reads the audit log of mutating calls, oldest first, filtered by time, verb, user, outcome or object.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeAuditLog")]
[OutputType(typeof(PSObject))]
public sealed class GetKubeAuditLogCommand : KubeCmdlet
{
    public const string RecordTypeName = "KubePS.AuditRecord";
    private string? _path;

    /// <summary>The audit log (default: $env:KUBEPS_AUDIT_PATH, else kubeps/audit.jsonl in the user's data directory).</summary>
    [Parameter(Position = 0)]
    [Alias("AuditPath")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Records at or after this time: a DateTime, or a duration back from now (30m, 2h, 7d).</summary>
    [Parameter]
    public object? Since { get; set; }

    /// <summary>Records before this time: a DateTime, or a duration back from now.</summary>
    [Parameter]
    public object? Until { get; set; }

    /// <summary>Verbs (wildcards): apply, create, deploy, scale, restart, label, annotate, set-image, delete.</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Verb { get; set; }

    /// <summary>The OS user or the kube user (wildcards).</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? User { get; set; }

    /// <summary>Outcomes: Succeeded, DryRun, Denied, Failed.</summary>
    [Parameter]
    [ValidateSet("Succeeded", "DryRun", "Denied", "Failed")]
    public string[]? Outcome { get; set; }

    /// <summary>Kinds (wildcards).</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Kind { get; set; }

    /// <summary>Object names (wildcards).</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Namespaces (wildcards).</summary>
    [Parameter]
    [SupportsWildcards]
    [Alias("Ns")]
    public string[]? Namespace { get; set; }

    /// <summary>Only the last N matching records.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Last { get; set; }

    /// <inheritdoc />
    protected override void PrepareProcessRecord()
    {
        base.PrepareProcessRecord();
        _path = Path is null ? null : ResolvePath(Path);
    }

    private static DateTime? ToTime(object? value, string parameter) => value switch
    {
        null => null,
        PSObject pso => ToTime(pso.BaseObject, parameter),
        DateTime dt => dt.ToUniversalTime(),
        DateTimeOffset dto => dto.UtcDateTime,
        string s when DateTime.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeLocal, out var parsed) => parsed,
        _ => DateTime.UtcNow - WatchChanges.ToDuration(value, parameter),
    };

    private static bool Matches(string[]? patterns, params string?[] values) =>
        patterns is null || patterns.Length == 0 ||
        patterns.Any(p => values.Any(v => v is not null && WildcardPattern.Get(p, WildcardOptions.IgnoreCase).IsMatch(v)));

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var since = ToTime(Since, "Since");
        var until = ToTime(Until, "Until");
        var log = AuditLog.Resolve(_path);
        var entries = (await log.ReadAsync(cancellationToken).ConfigureAwait(false))
            .Where(e => (since is null || e.Time >= since) && (until is null || e.Time < until))
            .Where(e => Matches(Verb, e.Verb) && Matches(User, e.OsUser, e.KubeUser) && Matches(Kind, e.Kind) && Matches(Name, e.Name) && Matches(Namespace, e.Namespace))
            .Where(e => Outcome is null || Outcome.Contains(e.Outcome, StringComparer.OrdinalIgnoreCase))
            .ToList();
        if (Last is { } n && entries.Count > n)
        {
            entries = entries.Skip(entries.Count - n).ToList();
        }
        foreach (var e in entries)
        {
            Emit(ToPipeline(e));
        }
    }

    private static PSObject ToPipeline(AuditEntry e)
    {
        var pso = new PSObject();
        void Add(string name, object? value) => pso.Properties.Add(new PSNoteProperty(name, value));
        Add("Seq", e.Seq);
        Add("Time", e.Time);
        Add("Verb", e.Verb);
        Add("Outcome", e.Outcome);
        Add("DryRun", e.DryRun);
        Add("Kind", e.Kind);
        Add("Namespace", e.Namespace);
        Add("Name", e.Name);
        Add("ApiVersion", e.ApiVersion);
        Add("OsUser", e.OsUser);
        Add("Host", e.Host);
        Add("ProcessId", e.ProcessId);
        Add("KubeUser", e.KubeUser);
        Add("Context", e.Context);
        Add("Server", e.Server);
        Add("Message", e.Message);
        Add("Verdicts", e.Verdicts.Select(v =>
        {
            var p = new PSObject();
            p.Properties.Add(new PSNoteProperty("Rule", v.Rule));
            p.Properties.Add(new PSNoteProperty("Verdict", v.Verdict));
            p.Properties.Add(new PSNoteProperty("Message", v.Message));
            return p;
        }).ToArray());
        Add("ObjectHash", e.ObjectHash);
        Add("PreviousHash", e.PreviousHash);
        Add("Hash", e.Hash);
        Add("Line", e.Line);
        pso.TypeNames.Insert(0, RecordTypeName);
        PipelineObjects.SetDefaultDisplay(pso, "Seq", "Time", "Verb", "Outcome", "Kind", "Namespace", "Name", "OsUser", "Context");
        return pso;
    }
}
