using System.Globalization;
using System.Text.Json.Nodes;

namespace KubePS.LocalCluster.Sim;

public sealed partial class Simulation
{
    private readonly HashSet<string> _jobsSeenFinished = new();
    private readonly Dictionary<string, string> _cronTriggers = new();

    private static bool CondTrue(JsonNode o, string type) =>
        (o?["status"]?["conditions"] as JsonArray)?.Any(c => (string)c?["type"] == type && (string)c?["status"] == "True") == true;

    internal static bool JobFinished(JsonNode job) => CondTrue(job, "Complete") || CondTrue(job, "Failed");

    // ------------------------------------------------------------ Job
    private void ReconcileJob(string ns, string name)
    {
        var job = Store.Get(JobT, ns, name);
        if (job is null || Deleting(job)) return;
        var spec = job.Object["spec"];
        var old = job.Object["status"] as JsonObject;
        var nowS = Now();
        var now = DateTime.UtcNow;
        if (JobFinished(job.Object))
        {
            if (JsonUtil.Long(spec, "ttlSecondsAfterFinished") is long ttl)
            {
                var done = JsonUtil.ParseTime(JsonUtil.Str(old, "completionTime") ?? (string)(old?["conditions"] as JsonArray)?.LastOrDefault()?["lastTransitionTime"] ?? nowS) ?? now;
                var left = done.AddSeconds(ttl) - now;
                if (left <= TimeSpan.Zero) TryDelete(JobT, ns, name);
                else AfterReconcile(left.TotalMilliseconds + 50, "Job|" + ns + "|" + name);
            }
            return;
        }
        var completions = JsonUtil.Long(spec, "completions") ?? 1;
        var parallelism = JsonUtil.Long(spec, "parallelism") ?? 1;
        var backoffLimit = JsonUtil.Long(spec, "backoffLimit") ?? 6;
        var suspended = (bool?)spec?["suspend"] == true;
        var onFailure = JsonUtil.Str(spec, "template", "spec", "restartPolicy") == "OnFailure";
        var pods = ChildrenOf(job.Uid, PodT);
        var succeeded = pods.Count(p => JsonUtil.Str(p.Object, "status", "phase") == "Succeeded");
        var failed = pods.Count(p => JsonUtil.Str(p.Object, "status", "phase") == "Failed");
        if (onFailure) failed += (int)pods.Sum(p => new[] { "initContainerStatuses", "containerStatuses" }.Sum(k => (p.Object["status"]?[k] as JsonArray)?.Sum(c => JsonUtil.Long(c, "restartCount") ?? 0) ?? 0));
        var active = pods.Where(p => PodActive(p.Object)).ToList();
        var st = new JsonObject();
        var startTime = JsonUtil.Str(old, "startTime") ?? (suspended ? null : nowS);
        if (startTime != null) st["startTime"] = startTime;
        var conds = new JsonArray();
        string finish = null, reason = null, message = null;
        if (failed > backoffLimit) (finish, reason, message) = ("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        else if (JsonUtil.Long(spec, "activeDeadlineSeconds") is long ads && startTime != null && (now - (JsonUtil.ParseTime(startTime) ?? now)).TotalSeconds >= ads)
            (finish, reason, message) = ("Failed", "DeadlineExceeded", "Job was active longer than specified deadline");
        else if (succeeded >= completions) (finish, reason, message) = ("Complete", "CompletionsReached", "Reached expected number of succeeded pods");
        if (finish != null)
        {
            foreach (var p in active) DeletePod(p);
            active.Clear();
            var interim = finish == "Complete" ? "SuccessCriteriaMet" : "FailureTarget";
            conds.Add(new JsonObject { ["type"] = interim, ["status"] = "True", ["lastProbeTime"] = nowS, ["lastTransitionTime"] = nowS, ["reason"] = reason, ["message"] = message });
            conds.Add(new JsonObject { ["type"] = finish, ["status"] = "True", ["lastProbeTime"] = nowS, ["lastTransitionTime"] = nowS, ["reason"] = reason, ["message"] = message });
            if (finish == "Complete") { st["completionTime"] = nowS; Record(job, "Normal", "Completed", "Job completed", "job-controller"); }
            else Record(job, "Warning", reason, message, "job-controller");
            if (JsonUtil.Long(spec, "ttlSecondsAfterFinished") is not null) AfterReconcile(50, "Job|" + ns + "|" + name);
        }
        else if (!suspended)
        {
            var want = Math.Min(parallelism, completions - succeeded);
            for (var i = active.Count; i < want; i++)
            {
                var p = CreateObject(PodT, PodFromTemplate(job, spec?["template"]), name + "-");
                active.Add(p);
                Record(job, "Normal", "SuccessfulCreate", $"Created pod: {p.Name}", "job-controller");
            }
            if (JsonUtil.Long(spec, "activeDeadlineSeconds") is long ads2 && startTime != null)
                AfterReconcile(Math.Max(10, ((JsonUtil.ParseTime(startTime) ?? now).AddSeconds(ads2) - now).TotalMilliseconds + 50), "Job|" + ns + "|" + name);
        }
        else
        {
            foreach (var p in active) DeletePod(p);
            active.Clear();
            conds.Add(new JsonObject { ["type"] = "Suspended", ["status"] = "True", ["lastProbeTime"] = nowS, ["lastTransitionTime"] = nowS, ["reason"] = "JobSuspended", ["message"] = "Job suspended" });
        }
        if (active.Count > 0) st["active"] = active.Count;
        if (succeeded > 0) st["succeeded"] = succeeded;
        if (failed > 0) st["failed"] = failed;
        st["terminating"] = 0;
        st["uncountedTerminatedPods"] = new JsonObject();
        st["ready"] = active.Count(p => PodReady(p.Object));
        if (conds.Count > 0) st["conditions"] = conds;
        var cur = Store.Get(JobT, ns, name);
        if (cur != null) WriteStatus(cur, st);
    }

    // ------------------------------------------------------------ CronJob
    private void ReconcileCronJob(string ns, string name)
    {
        var cj = Store.Get(CronT, ns, name);
        if (cj is null || Deleting(cj)) return;
        var spec = cj.Object["spec"];
        var now = DateTime.UtcNow;
        var old = cj.Object["status"] as JsonObject;
        var st = (JsonObject)(old?.DeepClone() ?? new JsonObject());
        var jobs = ChildrenOf(cj.Uid, JobT).OrderBy(j => JsonUtil.Str(j.Object, "metadata", "creationTimestamp"), StringComparer.Ordinal).ThenBy(j => j.Name, StringComparer.Ordinal).ToList();
        foreach (var j in jobs.Where(j => JobFinished(j.Object)))
            if (_jobsSeenFinished.Add(j.Uid))
            {
                var ok = CondTrue(j.Object, "Complete");
                Record(cj, "Normal", "SawCompletedJob", $"Saw completed job: {j.Name}, condition: {(ok ? "Complete" : "Failed")}", "cronjob-controller");
                if (ok) st["lastSuccessfulTime"] = JsonUtil.Str(j.Object, "status", "completionTime") ?? Now();
            }
        var active = jobs.Where(j => !JobFinished(j.Object)).ToList();
        var schedule = Cron.TryParse(JsonUtil.Str(spec, "schedule") ?? "");
        var suspended = (bool?)spec?["suspend"] == true;
        var trigger = Ann(cj.Object, "kubeps.io/trigger");
        var triggered = trigger != null && _cronTriggers.GetValueOrDefault(cj.Uid) != trigger;
        if (trigger != null) _cronTriggers[cj.Uid] = trigger;
        var last = JsonUtil.ParseTime(JsonUtil.Str(old, "lastScheduleTime") ?? JsonUtil.Str(cj.Object, "metadata", "creationTimestamp") ?? "") ?? now;
        DateTime? due = null;
        if (schedule != null && !suspended)
        {
            var next = schedule.Next(last);
            if (next <= now) { due = next; while (schedule.Next(due.Value) is var n2 && n2 <= now) due = n2; }
        }
        if (triggered && !suspended) due = now;
        if (due is DateTime when)
        {
            var policy = JsonUtil.Str(spec, "concurrencyPolicy") ?? "Allow";
            if (policy == "Forbid" && active.Count > 0)
                Record(cj, "Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid", "cronjob-controller");
            else
            {
                if (policy == "Replace") foreach (var a in active) { TryDelete(JobT, ns, a.Name); Record(cj, "Normal", "SuccessfulDelete", $"Deleted job {a.Name}", "cronjob-controller"); }
                var minutes = (long)(when - DateTime.UnixEpoch).TotalMinutes;
                var jobName = triggered ? $"{name}-{minutes}{Suffix(3)}" : $"{name}-{minutes}";
                if (jobName.Length > 63) jobName = jobName[..63];
                if (Store.Get(JobT, ns, jobName) is null)
                {
                    var jt = spec?["jobTemplate"];
                    var meta = new JsonObject
                    {
                        ["name"] = jobName, ["namespace"] = ns,
                        ["labels"] = jt?["metadata"]?["labels"]?.DeepClone() ?? new JsonObject(),
                        ["annotations"] = jt?["metadata"]?["annotations"]?.DeepClone() ?? new JsonObject(),
                        ["ownerReferences"] = new JsonArray(OwnerRef(cj)),
                    };
                    ((JsonObject)meta["annotations"]!)["batch.kubernetes.io/cronjob-scheduled-timestamp"] = when.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                    var job = CreateObject(JobT, new JsonObject { ["metadata"] = meta, ["spec"] = jt?["spec"]?.DeepClone() ?? new JsonObject() });
                    active.Add(job);
                    Record(cj, "Normal", "SuccessfulCreate", $"Created job {job.Name}", "cronjob-controller");
                }
                st["lastScheduleTime"] = when.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            }
        }
        // history limits
        void Trim(bool ok, long limit)
        {
            var done = jobs.Where(j => JobFinished(j.Object) && CondTrue(j.Object, "Complete") == ok).ToList();
            for (var i = 0; i < done.Count - limit; i++) TryDelete(JobT, ns, done[i].Name);
        }
        Trim(true, JsonUtil.Long(spec, "successfulJobsHistoryLimit") ?? 3);
        Trim(false, JsonUtil.Long(spec, "failedJobsHistoryLimit") ?? 1);
        var refs = new JsonArray(active.Select(j => (JsonNode)new JsonObject { ["kind"] = "Job", ["namespace"] = ns, ["name"] = j.Name, ["uid"] = j.Uid, ["apiVersion"] = "batch/v1", ["resourceVersion"] = j.ResourceVersion.ToString(CultureInfo.InvariantCulture) }).ToArray());
        if (refs.Count > 0) st["active"] = refs; else st.Remove("active");
        var cur = Store.Get(CronT, ns, name);
        if (cur != null) WriteStatus(cur, st);
        if (schedule != null && !suspended)
        {
            var next = schedule.Next(now);
            AfterReconcile(Math.Max(50, (next - DateTime.UtcNow).TotalMilliseconds + 20), "CronJob|" + ns + "|" + name);
        }
    }
}

/// <summary>Five-field cron schedules (minute hour day-of-month month day-of-week) with *, lists, ranges and steps, plus @hourly/@daily/...</summary>
internal sealed class Cron
{
    private readonly bool[][] _f;
    private readonly bool _domStar, _dowStar;
    private Cron(bool[][] f, bool domStar, bool dowStar) { _f = f; _domStar = domStar; _dowStar = dowStar; }

    public static Cron TryParse(string s)
    {
        s = s.Trim();
        if (s.StartsWith("TZ=", StringComparison.Ordinal) || s.StartsWith("CRON_TZ=", StringComparison.Ordinal)) s = s[(s.IndexOf(' ') + 1)..].Trim();
        s = s switch { "@yearly" or "@annually" => "0 0 1 1 *", "@monthly" => "0 0 1 * *", "@weekly" => "0 0 * * 0", "@daily" or "@midnight" => "0 0 * * *", "@hourly" => "0 * * * *", _ => s };
        var parts = s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5) return null;
        int[] lo = [0, 0, 1, 1, 0], hi = [59, 23, 31, 12, 7];
        var f = new bool[5][];
        for (var i = 0; i < 5; i++)
        {
            f[i] = new bool[hi[i] + 1];
            foreach (var item in parts[i].Split(','))
            {
                var step = 1; var range = item;
                var slash = item.IndexOf('/');
                if (slash >= 0) { if (!int.TryParse(item[(slash + 1)..], out step) || step <= 0) return null; range = item[..slash]; }
                int a, b;
                if (range is "*" or "?") { a = lo[i]; b = hi[i]; }
                else if (range.Contains('-')) { var ab = range.Split('-'); if (!int.TryParse(ab[0], out a) || !int.TryParse(ab[1], out b)) return null; }
                else { if (!int.TryParse(range, out a)) return null; b = slash >= 0 ? hi[i] : a; }
                if (a < lo[i] || b > hi[i] || a > b) return null;
                for (var v = a; v <= b; v += step) f[i][v] = true;
            }
        }
        if (f[4][7]) f[4][0] = true;
        return new Cron(f, parts[2] is "*" or "?", parts[4] is "*" or "?");
    }

    /// <summary>The first scheduled minute strictly after t.</summary>
    public DateTime Next(DateTime t)
    {
        var c = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
        for (var guard = 0; guard < 60 * 24 * 366 * 5; guard++)
        {
            var dom = _f[2][c.Day]; var dow = _f[4][(int)c.DayOfWeek];
            var dayOk = _domStar || _dowStar ? dom && dow : dom || dow;
            if (!_f[3][c.Month] || !dayOk) { c = c.Date.AddDays(1); continue; }
            if (!_f[1][c.Hour]) { c = new DateTime(c.Year, c.Month, c.Day, c.Hour, 0, 0, DateTimeKind.Utc).AddHours(1); continue; }
            if (_f[0][c.Minute]) return c;
            c = c.AddMinutes(1);
        }
        return DateTime.MaxValue;
    }
}
