using System.Globalization;
using System.Text.Json;

namespace KubePS.Engine.Wait;

/// <summary>The kstatus-style state of one object.</summary>
public enum ResourceState
{
    /// <summary>The object is what its spec asks for (rolled out, ready, bound, complete).</summary>
    Current,
    /// <summary>Still converging: a rollout in progress, a controller that has not observed the latest generation.</summary>
    InProgress,
    /// <summary>Converging failed or cannot finish without help (ProgressDeadlineExceeded, CrashLoopBackOff, Job Failed).</summary>
    Failed,
    /// <summary>Being deleted (metadata.deletionTimestamp is set).</summary>
    Terminating,
    /// <summary>The object does not exist.</summary>
    NotFound,
    /// <summary>Not yet known (the first list has not answered).</summary>
    Unknown,
}

/// <summary>A computed state with the reason and message that explain it.</summary>
/// <param name="State">The state.</param>
/// <param name="Reason">A short PascalCase reason (ProgressDeadlineExceeded, CrashLoopBackOff, ObservedGenerationBehind, ...).</param>
/// <param name="Message">A sentence for people.</param>
/// <param name="Pods">Names of the pods at fault, when a failure was found on pods.</param>
public sealed record ResourceStatus(ResourceState State, string? Reason = null, string? Message = null, IReadOnlyList<string>? Pods = null)
{
    public static readonly ResourceStatus NotFound = new(ResourceState.NotFound, "NotFound", "The object does not exist.");
    public static readonly ResourceStatus Unknown = new(ResourceState.Unknown, null, "Not observed yet.");

    public override string ToString() => Reason is null ? State.ToString() : $"{State} ({Reason}: {Message})";
}

/// <summary>
/// Readiness rules in the kstatus model, as pure functions over an object's JSON. Each rule honours
/// metadata.generation vs status.observedGeneration, so a spec change that the controller has not yet seen
/// never reads as ready.
/// </summary>
public static class StatusRules
{
    /// <summary>Container waiting reasons that mean a pod will not become ready without help.</summary>
    public static readonly IReadOnlySet<string> FailingWaitingReasons = new HashSet<string>(StringComparer.Ordinal)
    {
        "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError",
        "InvalidImageName", "CreateContainerError", "ErrImageNeverPull",
    };

    /// <summary>The state of <paramref name="obj"/>; null means NotFound.</summary>
    public static ResourceStatus Compute(JsonElement? obj)
    {
        if (obj is not { } o || o.ValueKind != JsonValueKind.Object)
        {
            return ResourceStatus.NotFound;
        }
        if (Str(o, "metadata", "deletionTimestamp") is { } deleting)
        {
            return new ResourceStatus(ResourceState.Terminating, "Terminating", $"Deletion requested at {deleting}.");
        }
        var kind = Str(o, "kind") ?? "";
        var group = Group(Str(o, "apiVersion"));
        return (group, kind) switch
        {
            ("apps", "Deployment") => Deployment(o),
            ("apps", "StatefulSet") => StatefulSet(o),
            ("apps", "DaemonSet") => DaemonSet(o),
            ("apps", "ReplicaSet") => ReplicaSet(o),
            ("", "Pod") => Pod(o),
            ("batch", "Job") => Job(o),
            ("", "PersistentVolumeClaim") => Pvc(o),
            ("", "Service") => Service(o),
            ("", "Namespace") => Namespace(o),
            ("apiextensions.k8s.io", "CustomResourceDefinition") => Crd(o),
            _ => Generic(o),
        };
    }

    /// <summary>
    /// The failure of one pod that will not clear by itself: a container waiting in CrashLoopBackOff,
    /// ImagePullBackOff, ErrImagePull or CreateContainerConfigError (init containers included), or phase Failed.
    /// </summary>
    public static ResourceStatus? PodFailure(JsonElement pod)
    {
        var name = Str(pod, "metadata", "name") ?? "?";
        foreach (var list in new[] { "initContainerStatuses", "containerStatuses" })
        {
            if (!TryGet(pod, out var statuses, "status", list) || statuses.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            foreach (var cs in statuses.EnumerateArray())
            {
                var reason = Str(cs, "state", "waiting", "reason");
                if (reason is not null && FailingWaitingReasons.Contains(reason))
                {
                    var container = Str(cs, "name") ?? "?";
                    var msg = Str(cs, "state", "waiting", "message");
                    return new ResourceStatus(ResourceState.Failed, reason,
                        $"Pod {name} container {container} is waiting: {reason}" + (string.IsNullOrEmpty(msg) ? "." : $": {msg}"),
                        new[] { name });
                }
            }
        }
        if (Str(pod, "status", "phase") == "Failed")
        {
            var reason = Str(pod, "status", "reason") ?? "PodFailed";
            var msg = Str(pod, "status", "message");
            return new ResourceStatus(ResourceState.Failed, reason, $"Pod {name} failed" + (string.IsNullOrEmpty(msg) ? "." : $": {msg}"), new[] { name });
        }
        return null;
    }

    private static ResourceStatus? GenerationBehind(JsonElement o, bool requireObserved)
    {
        var generation = Int(o, "metadata", "generation");
        var observed = Int(o, "status", "observedGeneration");
        if (generation is null)
        {
            return null;
        }
        if (observed is null)
        {
            return requireObserved
                ? new ResourceStatus(ResourceState.InProgress, "ObservedGenerationMissing", "The controller has not observed the object yet.")
                : null;
        }
        return observed < generation
            ? new ResourceStatus(ResourceState.InProgress, "ObservedGenerationBehind", $"The controller has observed generation {observed}, the latest is {generation}.")
            : null;
    }

    private static ResourceStatus Deployment(JsonElement o)
    {
        var progressing = Condition(o, "Progressing");
        if (progressing is { } p && Str(p, "reason") == "ProgressDeadlineExceeded")
        {
            return new ResourceStatus(ResourceState.Failed, "ProgressDeadlineExceeded", Str(p, "message") ?? "The rollout exceeded its progress deadline.");
        }
        if (GenerationBehind(o, requireObserved: true) is { } behind)
        {
            return behind;
        }
        var want = Int(o, "spec", "replicas") ?? 1;
        var total = Int(o, "status", "replicas") ?? 0;
        var updated = Int(o, "status", "updatedReplicas") ?? 0;
        var ready = Int(o, "status", "readyReplicas") ?? 0;
        var available = Int(o, "status", "availableReplicas") ?? 0;
        if (updated < want)
        {
            return InProgress("RolloutInProgress", $"Updated replicas: {updated}/{want}.");
        }
        if (total > updated)
        {
            return InProgress("OldReplicasPending", $"{total - updated} old replicas are pending termination.");
        }
        if (ready < want)
        {
            return InProgress("ReplicasNotReady", $"Ready replicas: {ready}/{want}.");
        }
        if (available < want)
        {
            return InProgress("ReplicasNotAvailable", $"Available replicas: {available}/{want}.");
        }
        return Current($"Rolled out: {want} replicas updated, ready and available.");
    }

    private static ResourceStatus StatefulSet(JsonElement o)
    {
        if (GenerationBehind(o, requireObserved: true) is { } behind)
        {
            return behind;
        }
        var want = Int(o, "spec", "replicas") ?? 1;
        var total = Int(o, "status", "replicas") ?? 0;
        var ready = Int(o, "status", "readyReplicas") ?? 0;
        var updated = Int(o, "status", "updatedReplicas") ?? 0;
        var current = Int(o, "status", "currentReplicas") ?? 0;
        if (Str(o, "spec", "updateStrategy", "type") == "OnDelete")
        {
            return ready < want ? InProgress("ReplicasNotReady", $"Ready replicas: {ready}/{want}.") : Current("OnDelete strategy: replicas are ready.");
        }
        if (total > want)
        {
            return InProgress("ScalingDown", $"Replicas: {total}, want {want}.");
        }
        if (ready < want)
        {
            return InProgress("ReplicasNotReady", $"Ready replicas: {ready}/{want}.");
        }
        var partition = Int(o, "spec", "updateStrategy", "rollingUpdate", "partition") ?? 0;
        if (partition > 0)
        {
            var expected = Math.Max(0, want - partition);
            return updated < expected
                ? InProgress("PartitionRolloutInProgress", $"Updated replicas: {updated}/{expected} (partition {partition}).")
                : Current($"Partitioned rollout complete: {updated} replicas at or above ordinal {partition} updated.");
        }
        if (updated < want)
        {
            return InProgress("RolloutInProgress", $"Updated replicas: {updated}/{want}.");
        }
        var currentRevision = Str(o, "status", "currentRevision");
        var updateRevision = Str(o, "status", "updateRevision");
        if (updateRevision is not null && currentRevision != updateRevision)
        {
            return InProgress("RevisionPending", $"Current revision {currentRevision}, update revision {updateRevision}.");
        }
        return Current($"Rolled out: {want} replicas ready.");
    }

    private static ResourceStatus DaemonSet(JsonElement o)
    {
        if (GenerationBehind(o, requireObserved: true) is { } behind)
        {
            return behind;
        }
        var desired = Int(o, "status", "desiredNumberScheduled");
        if (desired is null)
        {
            return InProgress("NotScheduled", "The controller has not scheduled the daemon set yet.");
        }
        var updated = Int(o, "status", "updatedNumberScheduled") ?? 0;
        var available = Int(o, "status", "numberAvailable") ?? 0;
        var ready = Int(o, "status", "numberReady") ?? 0;
        if (updated < desired)
        {
            return InProgress("RolloutInProgress", $"Updated pods: {updated}/{desired}.");
        }
        if (ready < desired)
        {
            return InProgress("PodsNotReady", $"Ready pods: {ready}/{desired}.");
        }
        if (available < desired)
        {
            return InProgress("PodsNotAvailable", $"Available pods: {available}/{desired}.");
        }
        return Current($"Rolled out on {desired} nodes.");
    }

    private static ResourceStatus ReplicaSet(JsonElement o)
    {
        if (GenerationBehind(o, requireObserved: true) is { } behind)
        {
            return behind;
        }
        var want = Int(o, "spec", "replicas") ?? 1;
        var total = Int(o, "status", "replicas") ?? 0;
        var ready = Int(o, "status", "readyReplicas") ?? 0;
        var available = Int(o, "status", "availableReplicas") ?? 0;
        if (total > want)
        {
            return InProgress("ScalingDown", $"Replicas: {total}, want {want}.");
        }
        if (ready < want)
        {
            return InProgress("ReplicasNotReady", $"Ready replicas: {ready}/{want}.");
        }
        if (available < want)
        {
            return InProgress("ReplicasNotAvailable", $"Available replicas: {available}/{want}.");
        }
        return Current($"{want} replicas ready.");
    }

    private static ResourceStatus Pod(JsonElement o)
    {
        var phase = Str(o, "status", "phase");
        if (phase == "Succeeded")
        {
            return Current("The pod completed successfully.", "PodSucceeded");
        }
        if (PodFailure(o) is { } failure)
        {
            return failure;
        }
        var ready = Condition(o, "Ready");
        if (Str(o, "spec", "restartPolicy") == "Never")
        {
            // A run-to-completion pod is done when it succeeded, not when it is merely running.
            return InProgress("PodNotCompleted", $"Phase {phase ?? "Pending"}: a pod with restartPolicy Never is ready when it has succeeded.");
        }
        if (phase == "Running" && ready is { } r && Str(r, "status") == "True")
        {
            return Current("The pod is running and ready.", "PodReady");
        }
        var scheduled = Condition(o, "PodScheduled");
        if (scheduled is { } s && Str(s, "status") == "False")
        {
            return InProgress(Str(s, "reason") ?? "Unschedulable", Str(s, "message") ?? "The pod is not scheduled.");
        }
        return InProgress(ready is { } rc && Str(rc, "reason") is { } reason ? reason : "PodNotReady",
            $"Phase {phase ?? "Pending"}" + (ready is { } rm && Str(rm, "message") is { } m ? $": {m}" : ", not ready."));
    }

    private static ResourceStatus Job(JsonElement o)
    {
        if (Condition(o, "Failed") is { } failed && Str(failed, "status") == "True")
        {
            return new ResourceStatus(ResourceState.Failed, Str(failed, "reason") ?? "JobFailed", Str(failed, "message") ?? "The job failed.");
        }
        if (Condition(o, "Complete") is { } complete && Str(complete, "status") == "True")
        {
            return Current($"Completed: {Int(o, "status", "succeeded") ?? 0} succeeded.", "JobComplete");
        }
        var succeeded = Int(o, "status", "succeeded") ?? 0;
        var completions = Int(o, "spec", "completions") ?? 1;
        return InProgress("JobInProgress", $"Succeeded: {succeeded}/{completions}, active: {Int(o, "status", "active") ?? 0}.");
    }

    private static ResourceStatus Pvc(JsonElement o)
    {
        var phase = Str(o, "status", "phase");
        if (phase == "Bound")
        {
            return Current("The claim is bound.", "Bound");
        }
        if (phase == "Lost")
        {
            return new ResourceStatus(ResourceState.Failed, "ClaimLost", "The claim lost its volume.");
        }
        return InProgress("NotBound", $"Phase {phase ?? "Pending"}.");
    }

    private static ResourceStatus Service(JsonElement o)
    {
        if (Str(o, "spec", "type") != "LoadBalancer")
        {
            return Current("The service exists.", "ServiceReady");
        }
        if (TryGet(o, out var ingress, "status", "loadBalancer", "ingress") && ingress.ValueKind == JsonValueKind.Array && ingress.GetArrayLength() > 0)
        {
            return Current("The load balancer has an ingress.", "LoadBalancerReady");
        }
        return InProgress("LoadBalancerPending", "The load balancer has no ingress yet.");
    }

    private static ResourceStatus Namespace(JsonElement o)
    {
        var phase = Str(o, "status", "phase");
        return phase == "Terminating"
            ? new ResourceStatus(ResourceState.Terminating, "Terminating", "The namespace is being deleted.")
            : Current("The namespace is active.", "Active");
    }

    private static ResourceStatus Crd(JsonElement o)
    {
        if (Condition(o, "NamesAccepted") is { } names && Str(names, "status") == "False")
        {
            return new ResourceStatus(ResourceState.Failed, Str(names, "reason") ?? "NamesNotAccepted", Str(names, "message") ?? "The names are not accepted.");
        }
        return Condition(o, "Established") is { } est && Str(est, "status") == "True"
            ? Current("The definition is established.", "Established")
            : InProgress("NotEstablished", "The definition is not established yet.");
    }

    private static ResourceStatus Generic(JsonElement o)
    {
        if (GenerationBehind(o, requireObserved: false) is { } behind)
        {
            return behind;
        }
        if (Condition(o, "Stalled") is { } stalled && Str(stalled, "status") == "True")
        {
            return new ResourceStatus(ResourceState.Failed, Str(stalled, "reason") ?? "Stalled", Str(stalled, "message") ?? "The object is stalled.");
        }
        if (Condition(o, "Reconciling") is { } rec && Str(rec, "status") == "True")
        {
            return InProgress(Str(rec, "reason") ?? "Reconciling", Str(rec, "message") ?? "The object is reconciling.");
        }
        if (Condition(o, "Ready") is { } ready)
        {
            return Str(ready, "status") == "True"
                ? Current(Str(ready, "message") ?? "Ready.", Str(ready, "reason") ?? "Ready")
                : InProgress(Str(ready, "reason") ?? "NotReady", Str(ready, "message") ?? "The Ready condition is not True.");
        }
        return Current("The object exists.", "Exists");
    }

    private static ResourceStatus Current(string message, string? reason = null) => new(ResourceState.Current, reason ?? "Current", message);

    private static ResourceStatus InProgress(string reason, string message) => new(ResourceState.InProgress, reason, message);

    /// <summary>The status.conditions entry of a type (case-insensitive), or null.</summary>
    public static JsonElement? Condition(JsonElement o, string type)
    {
        if (!TryGet(o, out var conditions, "status", "conditions") || conditions.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        foreach (var c in conditions.EnumerateArray())
        {
            if (string.Equals(Str(c, "type"), type, StringComparison.OrdinalIgnoreCase))
            {
                return c;
            }
        }
        return null;
    }

    /// <summary>The group of an apiVersion ("" for core).</summary>
    public static string Group(string? apiVersion) =>
        apiVersion is null ? "" : apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";

    internal static bool TryGet(JsonElement o, out JsonElement value, params string[] path)
    {
        value = o;
        foreach (var p in path)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(p, out value))
            {
                value = default;
                return false;
            }
        }
        return true;
    }

    internal static string? Str(JsonElement o, params string[] path) =>
        TryGet(o, out var v, path) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static long? Int(JsonElement o, params string[] path) =>
        TryGet(o, out var v, path) ? v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        } : null;
}
