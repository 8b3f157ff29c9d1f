using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KubePS.Engine.Errors;

namespace KubePS.Engine.Audit;

/// <summary>
/// An append-only JSON Lines audit trail. Each record carries <c>seq</c>, the previous record's hash (<c>prev</c>) and
/// its own <c>hash</c>: SHA-256 of the record's JSON text without the hash field, so editing, removing or inserting a
/// record breaks the chain. Appends take an exclusive lock on the file (retrying while another process holds it),
/// read the last record's hash under the lock, write whole lines and flush them to disk before returning.
/// </summary>
public sealed class AuditLog
{
    public const string EnvironmentVariable = "KUBEPS_AUDIT_PATH";
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    private const string HashField = ",\"hash\":\"";

    public string Path { get; }
    /// <summary>How long an append waits for another writer's lock before failing with KubeAuditWriteFailed.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public AuditLog(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>The log to use: the explicit path, else $env:KUBEPS_AUDIT_PATH, else the user's data directory (kubeps/audit.jsonl).</summary>
    public static AuditLog Resolve(string? explicitPath = null) => new(ResolvePath(explicitPath));

    public static string ResolvePath(string? explicitPath = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return System.IO.Path.GetFullPath(explicitPath);
        }
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            return System.IO.Path.GetFullPath(env);
        }
        // LocalApplicationData: %LOCALAPPDATA% on Windows, $XDG_DATA_HOME or ~/.local/share elsewhere.
        var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(data))
        {
            data = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }
        return System.IO.Path.Combine(data, "kubeps", "audit.jsonl");
    }

    /// <summary>Appends one record per event, in order, under one lock; flushed to disk before it returns.</summary>
    public async Task<IReadOnlyList<string>> AppendAsync(AuditIdentity identity, IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return Array.Empty<string>();
        }
        var dir = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        using var stream = await OpenExclusiveAsync(cancellationToken).ConfigureAwait(false);
        var (lastSeq, lastHash, endsWithNewline) = ReadTail(stream);
        var buffer = new MemoryStream();
        if (!endsWithNewline)
        {
            buffer.WriteByte((byte)'\n');
        }
        var hashes = new List<string>(events.Count);
        var now = DateTime.UtcNow;
        foreach (var e in events)
        {
            var body = Serialize(++lastSeq, now, identity, e, lastHash);
            var hash = HashBody(body);
            var line = body[..^1] + HashField + hash + "\"}\n";
            var bytes = Encoding.UTF8.GetBytes(line);
            buffer.Write(bytes);
            hashes.Add(hash);
            lastHash = hash;
        }
        stream.Seek(0, SeekOrigin.End);
        buffer.Position = 0;
        await buffer.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        stream.Flush(flushToDisk: true);
        return hashes;
    }

    private async Task<FileStream> OpenExclusiveAsync(CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var delay = 2;
        while (true)
        {
            try
            {
                return new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.None);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException && DateTime.UtcNow - started < LockTimeout)
            {
                // Another writer holds the lock: wait a little (jittered) and retry.
                await Task.Delay(Random.Shared.Next(delay, delay * 2), cancellationToken).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 50);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new KubeException(KubeErrorKind.KubeAuditWriteFailed, $"The audit log {Path} could not be opened for writing: {ex.Message}", ex)
                {
                    Target = Path,
                    RecommendedAction = "Check that the file is writable and not held by a stuck process; -AuditPath or $env:KUBEPS_AUDIT_PATH chooses another file.",
                };
            }
        }
    }

    /// <summary>The last record's seq and hash (0 and the genesis hash for an empty file), read from the end of the file.</summary>
    private static (long Seq, string Hash, bool EndsWithNewline) ReadTail(FileStream stream)
    {
        var length = stream.Length;
        if (length == 0)
        {
            return (0, Genesis, true);
        }
        // Read backwards until a whole last line is in the buffer.
        var chunk = 4096;
        byte[] data;
        while (true)
        {
            var take = (int)Math.Min(length, chunk);
            data = new byte[take];
            stream.Seek(length - take, SeekOrigin.Begin);
            stream.ReadExactly(data);
            var text = data.AsSpan();
            var trimmed = text.TrimEnd((byte)'\n');
            if (take == length || trimmed.LastIndexOf((byte)'\n') >= 0)
            {
                break;
            }
            chunk *= 4;
        }
        var endsWithNewline = data[^1] == (byte)'\n';
        var all = Encoding.UTF8.GetString(data).TrimEnd('\n', '\r');
        var last = all[(all.LastIndexOf('\n') + 1)..];
        var (seq, hash, _) = ParseChainFields(last);
        return (seq, hash, endsWithNewline);
    }

    /// <summary>seq and the hash to chain to, from a record line (a line that is not a record chains by its own SHA-256).</summary>
    private static (long Seq, string Hash, bool EndsWithNewline) ParseChainFields(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var seq = doc.RootElement.TryGetProperty("seq", out var s) && s.TryGetInt64(out var sv) ? sv : 0;
            var hash = doc.RootElement.TryGetProperty("hash", out var h) ? h.GetString() : null;
            return (seq, hash ?? HashBody(line), false);
        }
        catch (JsonException)
        {
            return (0, HashBody(line), false);
        }
    }

    internal static string HashBody(string body) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body))).ToLowerInvariant();

    private static string Serialize(long seq, DateTime time, AuditIdentity id, AuditEvent e, string previous)
    {
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("seq", seq);
            w.WriteString("time", time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("osUser", id.OsUser);
            w.WriteString("host", id.Host);
            w.WriteNumber("pid", Environment.ProcessId);
            w.WriteString("kubeUser", id.KubeUser);
            w.WriteString("context", id.Context);
            w.WriteString("server", id.Server);
            w.WriteString("verb", e.Verb);
            w.WriteString("apiVersion", e.ApiVersion);
            w.WriteString("kind", e.Kind);
            w.WriteString("namespace", e.Namespace);
            w.WriteString("name", e.Name);
            w.WriteString("outcome", e.Outcome.ToString());
            w.WriteBoolean("dryRun", e.DryRun);
            w.WriteString("message", e.Message);
            w.WriteStartArray("verdicts");
            foreach (var v in e.Verdicts)
            {
                w.WriteStartObject();
                w.WriteString("rule", v.Rule);
                w.WriteString("verdict", v.Verdict);
                w.WriteString("message", v.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("objectHash", e.ObjectHash);
            w.WriteString("prev", previous);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Lines of the log, read while no writer holds the lock (empty when the file does not exist).</summary>
    public async Task<IReadOnlyList<string>> ReadLinesAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path))
        {
            return Array.Empty<string>();
        }
        using var stream = await OpenExclusiveAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lines.Add(line);
        }
        // A final empty line (the file ends with a newline) is not a record.
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        return lines;
    }

    /// <summary>The records, oldest first. A line that does not parse is KubeAuditTampered (naming the line).</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(CancellationToken cancellationToken = default)
    {
        var lines = await ReadLinesAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<AuditEntry>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            try
            {
                entries.Add(AuditEntry.Parse(lines[i], i + 1));
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
            {
                throw new KubeException(KubeErrorKind.KubeAuditTampered, $"{Path}, line {i + 1}: not an audit record ({ex.Message}).") { Target = $"{Path}:{i + 1}" };
            }
        }
        return entries;
    }

    /// <summary>
    /// Verifies the chain: every line a record whose hash matches its text, whose prev is the previous record's hash
    /// and whose seq follows the previous one. <paramref name="expectedLastHash"/> (a LastHash kept from an earlier
    /// verification) also detects records removed from the end.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(string? expectedLastHash = null, CancellationToken cancellationToken = default)
    {
        var lines = await ReadLinesAsync(cancellationToken).ConfigureAwait(false);
        var previous = Genesis;
        long seq = 0;
        AuditVerification Broken(int line, long s, string reason) =>
            new() { Path = Path, Valid = false, Records = lines.Count, BrokenLine = line, BrokenSeq = s, Reason = reason, LastHash = null };
        var seenExpected = expectedLastHash is null;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var at = line.LastIndexOf(HashField, StringComparison.Ordinal);
            if (at < 0 || !line.EndsWith("\"}", StringComparison.Ordinal))
            {
                return Broken(i + 1, seq + 1, "the line is not a hashed audit record");
            }
            var body = line[..at] + "}";
            var stored = line[(at + HashField.Length)..^2];
            if (HashBody(body) != stored)
            {
                return Broken(i + 1, seq + 1, "the record's content does not match its hash (edited)");
            }
            AuditEntry entry;
            try
            {
                entry = AuditEntry.Parse(line, i + 1);
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
            {
                return Broken(i + 1, seq + 1, $"the record does not parse: {ex.Message}");
            }
            if (entry.PreviousHash != previous)
            {
                return Broken(i + 1, entry.Seq, entry.Seq > seq + 1
                    ? $"record(s) {seq + 1}..{entry.Seq - 1} before it are missing (removed)"
                    : "its prev hash is not the previous record's hash (a record before it was removed, inserted or edited)");
            }
            if (entry.Seq != seq + 1)
            {
                return Broken(i + 1, entry.Seq, $"seq {entry.Seq} does not follow {seq}");
            }
            previous = stored;
            seq = entry.Seq;
            seenExpected |= string.Equals(stored, expectedLastHash, StringComparison.OrdinalIgnoreCase);
        }
        if (!seenExpected)
        {
            return new AuditVerification
            {
                Path = Path, Valid = false, Records = lines.Count, BrokenLine = lines.Count + 1, BrokenSeq = seq + 1,
                Reason = "the record with the expected last hash is missing: records were removed from the end of the log",
            };
        }
        return new AuditVerification { Path = Path, Valid = true, Records = lines.Count, LastHash = lines.Count == 0 ? null : previous };
    }
}
