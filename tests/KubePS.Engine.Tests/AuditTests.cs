using System.Text.Json.Nodes;
using KubePS.Engine.Audit;
using Xunit;

namespace KubePS.Engine.Tests;

public sealed class AuditTests
{
    private static AuditEvent Event(string name, AuditOutcome outcome = AuditOutcome.Succeeded) =>
        new() { Verb = "apply", ApiVersion = "v1", Kind = "ConfigMap", Namespace = "ns", Name = name, Outcome = outcome, ObjectHash = "sha256:00" };

    [Fact]
    public async Task AppendsChainedRecordsAndVerifies()
    {
        using var dir = new TempDir();
        var log = new AuditLog(Path.Combine(dir.Path, "sub", "audit.jsonl"));
        var id = new AuditIdentity { KubeUser = "alice", Context = "ctx", Server = "https://x" };
        await log.AppendAsync(id, new[] { Event("a"), Event("b", AuditOutcome.Denied) });
        await log.AppendAsync(id, new[] { Event("c", AuditOutcome.DryRun) });
        var entries = await log.ReadAsync();
        Assert.Equal(new long[] { 1, 2, 3 }, entries.Select(e => e.Seq));
        Assert.Equal(AuditLog.Genesis, entries[0].PreviousHash);
        Assert.Equal(entries[0].Hash, entries[1].PreviousHash);
        Assert.Equal(entries[1].Hash, entries[2].PreviousHash);
        Assert.Equal("alice", entries[0].KubeUser);
        Assert.Equal("Denied", entries[1].Outcome);
        var v = await log.VerifyAsync();
        Assert.True(v.Valid, v.Reason);
        Assert.Equal(3, v.Records);
        Assert.Equal(entries[2].Hash, v.LastHash);
    }

    [Fact]
    public async Task DetectsEditsDeletionsInsertionsAndTruncation()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "audit.jsonl");
        var log = new AuditLog(path);
        await log.AppendAsync(new AuditIdentity(), Enumerable.Range(0, 5).Select(i => Event($"o{i}")).ToList());
        var original = File.ReadAllLines(path);
        var last = (await log.VerifyAsync()).LastHash;

        File.WriteAllLines(path, original.Select((l, i) => i == 2 ? l.Replace("\"o2\"", "\"evil\"") : l));
        var edited = await log.VerifyAsync();
        Assert.False(edited.Valid);
        Assert.Equal(3, edited.BrokenLine);
        Assert.Contains("edited", edited.Reason);

        File.WriteAllLines(path, original.Where((_, i) => i != 1));
        var removed = await log.VerifyAsync();
        Assert.False(removed.Valid);
        Assert.Equal(2, removed.BrokenLine);
        Assert.Contains("missing", removed.Reason);

        File.WriteAllLines(path, original.Take(4));
        Assert.True((await log.VerifyAsync()).Valid);
        var truncated = await log.VerifyAsync(last);
        Assert.False(truncated.Valid);
        Assert.Contains("end of the log", truncated.Reason);

        File.WriteAllLines(path, original.Take(2).Append(original[1]).Concat(original.Skip(2)));
        var inserted = await log.VerifyAsync();
        Assert.False(inserted.Valid);
        Assert.Equal(3, inserted.BrokenLine);
    }

    [Fact]
    public async Task ConcurrentWritersNeverLoseOrInterleave()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "audit.jsonl");
        var tasks = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var log = new AuditLog(path);
            for (var i = 0; i < 25; i++)
            {
                await log.AppendAsync(new AuditIdentity(), new[] { Event($"w{w}-{i}") });
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var log = new AuditLog(path);
        var v = await log.VerifyAsync();
        Assert.True(v.Valid, v.Reason);
        Assert.Equal(200, v.Records);
        Assert.Equal(200, (await log.ReadAsync()).Select(e => e.Name).Distinct().Count());
    }

    [Fact]
    public void SecretDataNeverDecidesTheHash()
    {
        JsonObject Secret(string value) => new()
        {
            ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = "s" },
            ["data"] = new JsonObject { ["password"] = value }, ["stringData"] = new JsonObject { ["token"] = value },
        };
        Assert.Equal(AuditEvent.HashObject(Secret("aHVudGVyMg==")), AuditEvent.HashObject(Secret("c2VjcmV0")));
        var cm = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["data"] = new JsonObject { ["k"] = "1" } };
        var cm2 = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["data"] = new JsonObject { ["k"] = "2" } };
        Assert.NotEqual(AuditEvent.HashObject(cm), AuditEvent.HashObject(cm2));
        Assert.StartsWith("sha256:", AuditEvent.HashObject(cm));
    }

    [Fact]
    public void DefaultPathIsUnderTheUserDataDirectoryOrTheEnvironmentVariable()
    {
        Assert.EndsWith(Path.Combine("kubeps", "audit.jsonl"), AuditLog.ResolvePath(null).Replace(Environment.GetEnvironmentVariable(AuditLog.EnvironmentVariable) ?? "\0", Path.Combine("kubeps", "audit.jsonl")));
        Assert.Equal(Path.GetFullPath("x.jsonl"), AuditLog.ResolvePath("x.jsonl"));
    }
}
