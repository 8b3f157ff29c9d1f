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

    /// <summary>Sum of container restarts (init containers included), as kubectl's RESTARTS column counts them.</summary>
    public static int PodRestarts(V1Pod pod)
    {
        var total = 0;
        foreach (var c in pod.Status?.InitContainerStatuses ?? Array.Empty<V1ContainerStatus>())
        {
            total += c.RestartCount;
        }
        foreach (var c in pod.Status?.ContainerStatuses ?? Array.Empty<V1ContainerStatus>())
        {
            total += c.RestartCount;
        }
        return total;
    }

    /// <summary>kubectl's READY column for a pod: ready containers / containers.</summary>
    public static string PodReady(V1Pod pod)
    {
        var total = pod.Spec?.Containers?.Count ?? 0;
        var ready = (pod.Status?.ContainerStatuses ?? Array.Empty<V1ContainerStatus>()).Count(c => c.Ready);
        return ready + "/" + total;
    }

    /// <summary>
    /// kubectl's STATUS column for a pod: the phase, refined by container states (CrashLoopBackOff,
    /// ImagePullBackOff, Completed, Error, Init:0/1, Init:CrashLoopBackOff, Terminating, ...).
    /// </summary>
    public static string PodStatus(V1Pod pod)
    {
        var status = pod.Status;
        var reason = status?.Phase ?? "Unknown";
        if (!string.IsNullOrEmpty(status?.Reason))
        {
            reason = status!.Reason;
        }
        var initializing = false;
        var initStatuses = status?.InitContainerStatuses ?? Array.Empty<V1ContainerStatus>();
        var initCount = pod.Spec?.InitContainers?.Count ?? 0;
        var i = 0;
        foreach (var c in initStatuses)
        {
            var terminated = c.State?.Terminated;
            var waiting = c.State?.Waiting;
            if (terminated is not null && terminated.ExitCode == 0)
            {
                i++;
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
                reason = "Init:" + i + "/" + initCount;
            }
            initializing = true;
            break;
        }
        if (!initializing)
        {
            var hasRunning = false;
            var statuses = status?.ContainerStatuses ?? Array.Empty<V1ContainerStatus>();
            for (var k = statuses.Count - 1; k >= 0; k--)
            {
                var c = statuses[k];
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
                }
            }
            if (reason == "Completed" && hasRunning)
            {
                var podReady = status?.Conditions?.Any(x => x.Type == "Ready" && x.Status == "True") ?? false;
                reason = podReady ? "Running" : "NotReady";
            }
        }
        if (pod.Metadata?.DeletionTimestamp is not null)
        {
            reason = status?.Reason == "NodeLost" ? "Unknown" : "Terminating";
        }
        return reason;
    }
}
