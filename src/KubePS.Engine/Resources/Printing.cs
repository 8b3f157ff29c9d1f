using k8s.Models;

namespace KubePS.Engine.Resources;

/// <summary>
/// The values kubectl prints in its tables, computed the way kubectl computes them, so that the
/// module's views and properties (Status, Ready, Restarts, Age) read the same as `kubectl get`.
/// </summary>
public static class Printing
{
    /// <summary>kubectl's AGE column: 45s, 3m12s, 2h5m, 4d3h, 2y30d.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }
        if (seconds < 0)
        {
            return "0s";
        }
        if (seconds < 60 * 2)
        {
            return seconds + "s";
        }
        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        }
        if (minutes < 60 * 3)
        {
            return minutes + "m";
        }
        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        }
        if (hours < 48)
        {
            return hours + "h";
        }
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        }
        if (hours < 24 * 365 * 2)
        {
            return hours / 24 + "d";
        }
        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
        }
        return hours / 24 / 365 + "y";
    }

    /// <summary>The age of an object from its creationTimestamp (kubectl prints &lt;unknown&gt; without one).</summary>
    public static string Age(DateTime? created, DateTime? now = null) =>
        created is null ? "<unknown>" : HumanDuration((now ?? DateTime.UtcNow) - created.Value.ToUniversalTime());

    /// <summary>
    /// kubectl's RESTARTS column (the count, without the "(5m ago)" part): while the pod initializes, the restarts of
    /// its init containers up to the one it waits for; once initialized, the restarts of the app containers and of the
    /// sidecars (init containers with restartPolicy Always), so earlier retries of completed init containers no longer count.
    /// </summary>
    public static int PodRestarts(V1Pod pod) => PodRow(pod).Restarts;

    /// <summary>kubectl's READY column for a pod: ready containers / containers, sidecars counted as containers.</summary>
    public static string PodReady(V1Pod pod)
    {
        var row = PodRow(pod);
        return row.Ready + "/" + row.Total;
    }

    /// <summary>
    /// kubectl's STATUS column for a pod: the phase (or status.reason, or SchedulingGated), refined by the init
    /// containers (Init:1/2, Init:CrashLoopBackOff, Init:Error, ...) and then by the app containers from the last to
    /// the first (CrashLoopBackOff, ImagePullBackOff, PodInitializing, Completed, Error, ...); a pod with a completed
    /// container and a running one reads Running or NotReady; a deleted pod that has not finished reads Terminating.
    /// </summary>
    public static string PodStatus(V1Pod pod) => PodRow(pod).Reason;

    private readonly record struct PodRowValues(int Ready, int Total, string Reason, int Restarts);

    /// <summary>The READY, STATUS and RESTARTS cells, computed together as kubectl's pod printer does.</summary>
    private static PodRowValues PodRow(V1Pod pod)
    {
        var status = pod.Status;
        var phase = status?.Phase ?? "";
        var reason = string.IsNullOrEmpty(status?.Reason) ? phase : status!.Reason;
        var conditions = status?.Conditions ?? Array.Empty<V1PodCondition>();
        if (conditions.Any(c => c.Type == "PodScheduled" && c.Reason == "SchedulingGated"))
        {
            reason = "SchedulingGated";
        }
        var initSpecs = pod.Spec?.InitContainers ?? Array.Empty<V1Container>();
        var sidecars = new HashSet<string>(initSpecs.Where(c => c.RestartPolicy == "Always").Select(c => c.Name), StringComparer.Ordinal);
        var total = (pod.Spec?.Containers?.Count ?? 0) + sidecars.Count;
        var ready = 0;
        var restarts = 0;
        var sidecarRestarts = 0;

        var initializing = false;
        var initStatuses = status?.InitContainerStatuses ?? Array.Empty<V1ContainerStatus>();
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var c = initStatuses[i];
            restarts += c.RestartCount;
            var sidecar = c.Name is not null && sidecars.Contains(c.Name);
            if (sidecar)
            {
                sidecarRestarts += c.RestartCount;
            }
            var terminated = c.State?.Terminated;
            var waiting = c.State?.Waiting;
            if (terminated is not null && terminated.ExitCode == 0)
            {
                continue;
            }
            if (sidecar && c.Started == true)
            {
                if (c.Ready)
                {
                    ready++;
                }
                continue;
            }
            if (terminated is not null)
            {
                reason = string.IsNullOrEmpty(terminated.Reason)
                    ? (terminated.Signal is int sig && sig != 0 ? "Init:Signal:" + sig : "Init:ExitCode:" + terminated.ExitCode)
                    : "Init:" + terminated.Reason;
            }
            else if (waiting is not null && !string.IsNullOrEmpty(waiting.Reason) && waiting.Reason != "PodInitializing")
            {
                reason = "Init:" + waiting.Reason;
            }
            else
            {
                reason = "Init:" + i + "/" + initSpecs.Count;
            }
            initializing = true;
            break;
        }

        var initialized = conditions.Any(c => c.Type == "Initialized" && c.Status == "True");
        if (!initializing || initialized)
        {
            restarts = sidecarRestarts;
            var hasRunning = false;
            var statuses = status?.ContainerStatuses ?? Array.Empty<V1ContainerStatus>();
            for (var k = statuses.Count - 1; k >= 0; k--)
            {
                var c = statuses[k];
                restarts += c.RestartCount;
                var waiting = c.State?.Waiting;
                var terminated = c.State?.Terminated;
                if (waiting is not null && !string.IsNullOrEmpty(waiting.Reason))
                {
                    reason = waiting.Reason;
                }
                else if (terminated is not null && !string.IsNullOrEmpty(terminated.Reason))
                {
                    reason = terminated.Reason;
                }
                else if (terminated is not null)
                {
                    reason = terminated.Signal is int sig && sig != 0 ? "Signal:" + sig : "ExitCode:" + terminated.ExitCode;
                }
                else if (c.Ready && c.State?.Running is not null)
                {
                    hasRunning = true;
                    ready++;
                }
            }
            if (reason == "Completed" && hasRunning)
            {
                var podReady = conditions.Any(x => x.Type == "Ready" && x.Status == "True");
                reason = podReady ? "Running" : "NotReady";
            }
        }

        if (pod.Metadata?.DeletionTimestamp is not null)
        {
            if (status?.Reason == "NodeLost")
            {
                reason = "Unknown";
            }
            else if (phase is not ("Succeeded" or "Failed"))
            {
                reason = "Terminating";
            }
        }
        return new PodRowValues(ready, total, reason, restarts);
    }
}
