using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubePS.Engine.Policy;

namespace KubePS.Engine.Audit;

/// <summary>How a mutating call ended for one object.</summary>
public enum AuditOutcome
{
    /// <summary>Sent and accepted by the server.</summary>
    Succeeded,
    /// <summary>Sent with dryRun=All (-WhatIf, -ServerDryRun): nothing was stored.</summary>
    DryRun,
    /// <summary>The policy denied it: nothing was sent.</summary>
    Denied,
    /// <summary>Sent, and the server (or the connection) failed it.</summary>
    Failed,
}

/// <summary>One policy verdict as the audit log keeps it (only verdicts other than Pass are recorded).</summary>
public sealed record AuditVerdict(string Rule, string Verdict, string Message);

/// <summary>What a cmdlet knows about one object of a mutating call, to be recorded.</summary>
public sealed record AuditEvent
{
    public required string Verb { get; init; }
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public string? Namespace { get; init; }
    public string? Name { get; init; }
    public required AuditOutcome Outcome { get; init; }
    public bool DryRun { get; init; }
    /// <summary>The error or the denial, for Failed and Denied.</summary>
    public string? Message { get; init; }
    public IReadOnlyList<AuditVerdict> Verdicts { get; init; } = Array.Empty<AuditVerdict>();
    /// <summary>"sha256:..." of the object sent (Secret data redacted first), or null when nothing was sent as an object.</summary>
    public string? ObjectHash { get; init; }

    /// <summary>The verdicts of a policy evaluation that are not Pass.</summary>
    public static IReadOnlyList<AuditVerdict> From(IEnumerable<PolicyResult> results) =>
        results.Where(r => r.Verdict != PolicyVerdict.Pass).Select(r => new AuditVerdict(r.Rule, r.Verdict.ToString(), r.Message)).ToList();

    /// <summary>
    /// SHA-256 of the object as sent, after redaction: a Secret's data and stringData values and the
    /// last-applied-configuration annotation are replaced, so the hash reveals nothing of the secret.
    /// </summary>
    public static string? HashObject(JsonObject? obj)
    {
        if (obj is null)
        {
            return null;
        }
        var kind = (obj["kind"] as JsonValue)?.TryGetValue<string>(out var k) == true ? k : null;
        var toHash = obj;
        if (string.Equals(kind, "Secret", StringComparison.OrdinalIgnoreCase))
        {
            toHash = (JsonObject)obj.DeepClone();
            foreach (var field in new[] { "data", "stringData" })
            {
                if (toHash[field] is JsonObject data)
                {
                    foreach (var key in data.Select(kv => kv.Key).ToList())
                    {
                        data[key] = "<redacted>";
                    }
                }
            }
            if (toHash["metadata"]?["annotations"] is JsonObject ann)
            {
                ann.Remove("kubectl.kubernetes.io/last-applied-configuration");
            }
        }
        return "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(toHash.ToJsonString()))).ToLowerInvariant();
    }
}

/// <summary>Who made the call: OS user, kube user and context, server.</summary>
public sealed record AuditIdentity
{
    public string OsUser { get; init; } = Environment.UserName;
    public string Host { get; init; } = Environment.MachineName;
    public string? KubeUser { get; init; }
    public string? Context { get; init; }
    public string? Server { get; init; }
}

/// <summary>A record read back from the audit log.</summary>
public sealed class AuditEntry
{
    public long Seq { get; init; }
    public DateTime Time { get; init; }
    public string? OsUser { get; init; }
    public string? Host { get; init; }
    public int ProcessId { get; init; }
    public string? KubeUser { get; init; }
    public string? Context { get; init; }
    public string? Server { get; init; }
    public string? Verb { get; init; }
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public string? Namespace { get; init; }
    public string? Name { get; init; }
    public string? Outcome { get; init; }
    public bool DryRun { get; init; }
    public string? Message { get; init; }
    public IReadOnlyList<AuditVerdict> Verdicts { get; init; } = Array.Empty<AuditVerdict>();
    public string? ObjectHash { get; init; }
    public string? PreviousHash { get; init; }
    public string? Hash { get; init; }
    /// <summary>Line number in the file (1-based).</summary>
    public int Line { get; init; }

    internal static AuditEntry Parse(string line, int lineNumber)
    {
        var o = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not a JSON object");
        string? S(string n) => o[n] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        return new AuditEntry
        {
            Seq = o["seq"]?.GetValue<long>() ?? 0,
            Time = DateTime.Parse(S("time") ?? "0001-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal),
            OsUser = S("osUser"),
            Host = S("host"),
            ProcessId = o["pid"]?.GetValue<int>() ?? 0,
            KubeUser = S("kubeUser"),
            Context = S("context"),
            Server = S("server"),
            Verb = S("verb"),
            ApiVersion = S("apiVersion"),
            Kind = S("kind"),
            Namespace = S("namespace"),
            Name = S("name"),
            Outcome = S("outcome"),
            DryRun = o["dryRun"]?.GetValue<bool>() ?? false,
            Message = S("message"),
            Verdicts = (o["verdicts"] as JsonArray)?.OfType<JsonObject>()
                .Select(v => new AuditVerdict(v["rule"]?.ToString() ?? "", v["verdict"]?.ToString() ?? "", v["message"]?.ToString() ?? "")).ToList()
                ?? (IReadOnlyList<AuditVerdict>)Array.Empty<AuditVerdict>(),
            ObjectHash = S("objectHash"),
            PreviousHash = S("prev"),
            Hash = S("hash"),
            Line = lineNumber,
        };
    }

    public override string ToString() => $"#{Seq} {Time:O} {Verb} {Kind}/{Namespace}/{Name} {Outcome}";
}

/// <summary>The result of verifying an audit log's hash chain.</summary>
public sealed record AuditVerification
{
    public required string Path { get; init; }
    public required bool Valid { get; init; }
    public required int Records { get; init; }
    /// <summary>Line (1-based) of the first record that breaks the chain, or null.</summary>
    public int? BrokenLine { get; init; }
    /// <summary>The seq the first broken record carries (or should carry), or null.</summary>
    public long? BrokenSeq { get; init; }
    public string? Reason { get; init; }
    /// <summary>The hash of the last record: keep it elsewhere to detect truncation of the end of the log later.</summary>
    public string? LastHash { get; init; }
}
