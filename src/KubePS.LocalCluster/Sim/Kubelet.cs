using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace KubePS.LocalCluster.Sim;

internal enum ContainerMode { Run, Exit, PullError, NeverReady }

internal sealed class ContainerInstance
{
    public DateTime Start;
    public DateTime? End;
    public int ExitCode;
}

internal sealed class ContainerRt
{
    public string Name, Image;
    public ContainerMode Mode;
    public int ExitCode;
    public double RunMs, Rate, ReadyDelayMs;
    public int RestartCount, PullAttempts;
    /// <summary>Behaviour recover-N: the first N runs exit 1, later runs follow Mode.</summary>
    public int FailTimes;
    public readonly List<ContainerInstance> Instances = new();
    public JsonObject Waiting; // {reason, message} while not running
    public JsonObject Terminated; // final state
    public JsonObject LastState;
    public bool Running, Ready;
    /// <summary>An init container (spec.initContainers); Sidecar: one with restartPolicy Always.</summary>
    public bool IsInit, Sidecar;
    public string PullPolicy;
    public JsonNode Spec;
    public string FieldPath => (IsInit ? "spec.initContainers{" : "spec.containers{") + Name + "}";
}

internal sealed class PodRt
{
    public string Uid, Ns, Name, Node, Ip, HostIp, StartTime, RestartPolicy;
    public ContainerRt[] Containers;
    public ContainerRt[] Init = [];
    /// <summary>Init containers done, in order: completed with exit code 0 (a sidecar: started).</summary>
    public int InitDone;
    public bool Started, Terminal, ConfigBlocked, Stopping, VolumesReady;
    public readonly Dictionary<string, string> CondTimes = new();
    public bool Initialized => InitDone >= Init.Length;
    public IEnumerable<ContainerRt> All => Init.Concat(Containers);
    /// <summary>The waiting reason of a container not started yet: PodInitializing when the pod has init containers.</summary>
    public string DefaultWaiting => Init.Length > 0 ? "PodInitializing" : "ContainerCreating";
    /// <summary>The containers the kubelet starts next: the next init container, else the app containers.</summary>
    public ContainerRt[] Stage => Initialized ? Containers : [Init[InitDone]];
}

public sealed partial class Simulation
{
    private readonly ConcurrentDictionary<string, PodRt> _pods = new();
    private readonly Dictionary<string, int> _nodeLoad = new();
    private readonly HashSet<PodRt> _blocked = new();
    private readonly Dictionary<string, int> _nodeIpNext = new();

    internal PodRt RuntimeOf(string uid) => _pods.TryGetValue(uid, out var r) ? r : null;

    private void ReconcilePod(string ns, string name)
    {
        var pod = Store.Get(PodT, ns, name);
        if (pod is null) return;
        if (pod.Object["metadata"]?["deletionTimestamp"] != null) { StopPod(pod); return; }
        if (_pods.TryGetValue(pod.Uid, out var existing))
        {
            if (existing.ConfigBlocked) TryStartCreating(pod, existing);
            return;
        }
        if (JsonUtil.Str(pod.Object, "status", "phase") is "Succeeded" or "Failed") return;
        var node = JsonUtil.Str(pod.Object, "spec", "nodeName");
        if (string.IsNullOrEmpty(node)) { SchedulePod(pod); return; }
        var rt = NewRuntime(pod, node);
        _pods[pod.Uid] = rt;
        TryStartCreating(pod, rt);
    }

    private void SchedulePod(StoredObject pod)
    {
        if (pod.Object["spec"]?["schedulingGates"] is JsonArray { Count: > 0 })
        {
            // The scheduler leaves gated pods alone (no event); removing the last gate lets it schedule the pod.
            var stg = (JsonObject)(pod.Object["status"]?.DeepClone() ?? new JsonObject());
            stg["phase"] = "Pending";
            stg["conditions"] = new JsonArray(Cond("PodScheduled", "False", "SchedulingGated", "Scheduling is blocked due to non-empty scheduling gates", Now(), stg["conditions"] as JsonArray));
            stg["conditions"]![0]!.AsObject()["lastProbeTime"] = null;
            WriteStatus(pod, stg);
            return;
        }
        var nodeSel = pod.Object["spec"]?["nodeSelector"] as JsonObject;
        var nodes = Store.List(NodeT).Items.Where(n => nodeSel is null || nodeSel.All(kv => (string)n.Object["metadata"]?["labels"]?[kv.Key] == (string)kv.Value)).ToList();
        if (nodes.Count == 0)
        {
            var st0 = (JsonObject)(pod.Object["status"]?.DeepClone() ?? new JsonObject());
            st0["phase"] = "Pending";
            st0["conditions"] = new JsonArray(Cond("PodScheduled", "False", "Unschedulable", "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.", Now(), st0["conditions"] as JsonArray));
            if (ReferenceEquals(WriteStatus(pod, st0), pod)) return; // unchanged: already reported
            Record(pod, "Warning", "FailedScheduling", "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.", "default-scheduler");
            return;
        }
        var chosen = nodes.OrderBy(n => _nodeLoad.GetValueOrDefault(n.Name)).ThenBy(n => n.Name, StringComparer.Ordinal).First().Name;
        _nodeLoad[chosen] = _nodeLoad.GetValueOrDefault(chosen) + 1;
        var o = pod.CloneObject();
        JsonUtil.Obj(o, "spec")["nodeName"] = chosen;
        // Binding and the kubelet's first status (ContainerCreating) go in one write: one MODIFIED event less per pod.
        var rt = NewRuntime(pod, chosen);
        rt.StartTime = Now();
        foreach (var c in rt.All) c.Waiting = new JsonObject { ["reason"] = rt.DefaultWaiting };
        var scheduled = new JsonObject { ["conditions"] = new JsonArray(Cond("PodScheduled", "True", null, null, Now(), null)) };
        scheduled["conditions"]![0]!.AsObject()["lastProbeTime"] = null;
        o["status"] = BuildStatus(rt, scheduled, o);
        var bound = Store.Update(PodT, o, pod.ResourceVersion);
        _pods[pod.Uid] = rt;
        Record(pod, "Normal", "Scheduled", $"Successfully assigned {pod.Namespace}/{pod.Name} to {chosen}", "default-scheduler");
        TryStartCreating(bound, rt);
    }

    private PodRt NewRuntime(StoredObject pod, string node)
    {
        var o = pod.Object;
        var idx = int.TryParse(node[(node.LastIndexOf('-') + 1)..], out var ni) ? ni : 1;
        var n = _nodeIpNext.GetValueOrDefault(node, 2);
        _nodeIpNext[node] = n + 1;
        var rt = new PodRt
        {
            Uid = pod.Uid, Ns = pod.Namespace, Name = pod.Name, Node = node,
            Ip = $"10.244.{idx}.{n % 250 + 2}", HostIp = $"172.18.0.{idx + 1}",
            RestartPolicy = JsonUtil.Str(o, "spec", "restartPolicy") ?? "Always",
        };
        var behavior = Ann(o, "kubeps.io/behavior");
        var runMs = double.TryParse(Ann(o, "kubeps.io/run-ms"), NumberStyles.Float, CultureInfo.InvariantCulture, out var rm) ? rm : Opt.RunMs;
        var rate = double.TryParse(Ann(o, "kubeps.io/log-rate"), NumberStyles.Float, CultureInfo.InvariantCulture, out var lr) ? lr : Opt.LogRate;
        var readyDelay = double.TryParse(Ann(o, "kubeps.io/ready-delay-ms"), NumberStyles.Float, CultureInfo.InvariantCulture, out var rd) ? rd : 0;
        ContainerRt Make(JsonNode c, bool init)
        {
            var name = (string)c?["name"] ?? "";
            var image = (string)c?["image"] ?? "";
            var cb = Ann(o, "kubeps.io/behavior-" + name) ?? behavior;
            var sidecar = init && (string)c?["restartPolicy"] == "Always";
            var recover = System.Text.RegularExpressions.Regex.Match(cb?.Trim().ToLowerInvariant() ?? "", @"^recover-(\d+)$");
            var failTimes = recover.Success && int.TryParse(recover.Groups[1].Value, out var ft) ? ft : 0;
            // An init container runs to completion (exit 0 after run-ms) unless its behaviour says otherwise; a sidecar
            // (restartPolicy Always) runs like an app container of a restartPolicy Always pod.
            var (mode, code) = ParseMode(recover.Success ? null : cb, image, sidecar ? "Always" : init ? "Never" : rt.RestartPolicy);
            return new ContainerRt
            {
                Name = name, Image = image, Mode = mode, ExitCode = code, FailTimes = failTimes, RunMs = runMs, Rate = rate, ReadyDelayMs = init && !sidecar ? 0 : readyDelay,
                IsInit = init, Sidecar = sidecar, PullPolicy = (string)c?["imagePullPolicy"] ?? "IfNotPresent", Spec = c?.DeepClone(),
            };
        }
        rt.Init = ((o["spec"]?["initContainers"] as JsonArray) ?? []).Select(c => Make(c, true)).ToArray();
        rt.Containers = ((o["spec"]?["containers"] as JsonArray) ?? []).Select(c => Make(c, false)).ToArray();
        return rt;
    }

    /// <summary>Failure modes by annotation (kubeps.io/behavior) or image name; documented in README.</summary>
    internal static (ContainerMode, int) ParseMode(string behavior, string image, string restartPolicy)
    {
        var b = behavior?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(b))
        {
            var img = image.ToLowerInvariant();
            if (img.Contains("kubeps/crash", StringComparison.Ordinal)) b = "crash";
            else if (img.Contains("kubeps/bad-image", StringComparison.Ordinal) || img.Contains("doesnotexist", StringComparison.Ordinal) || img.EndsWith(":nonexistent", StringComparison.Ordinal)) b = "image-pull-error";
            else if (img.Contains("kubeps/never-ready", StringComparison.Ordinal)) b = "never-ready";
            else if (System.Text.RegularExpressions.Regex.Match(img, @"kubeps/exit-(\d+)") is { Success: true } m) b = "exit-" + m.Groups[1].Value;
        }
        return b switch
        {
            "crash" => (ContainerMode.Exit, 1),
            "image-pull-error" or "errimagepull" => (ContainerMode.PullError, 0),
            "never-ready" => (ContainerMode.NeverReady, 0),
            "run" => (ContainerMode.Run, 0),
            "complete" or "succeed" => (ContainerMode.Exit, 0),
            "fail" => (ContainerMode.Exit, 1),
            _ when b != null && b.StartsWith("exit-", StringComparison.Ordinal) && int.TryParse(b[5..], out var n) => (ContainerMode.Exit, n),
            _ => restartPolicy is "Never" or "OnFailure" ? (ContainerMode.Exit, 0) : (ContainerMode.Run, 0),
        };
    }

    private double StartDelay(StoredObject pod) =>
        double.TryParse(Ann(pod.Object, "kubeps.io/start-delay-ms"), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : Opt.PodStartDelayMs;

    /// <summary>The first non-optional ConfigMap/Secret the containers' env/envFrom reference that does not exist.</summary>
    private string MissingConfig(IEnumerable<JsonNode> containers, string ns)
    {
        bool Missing(ResourceType t, string name) => !string.IsNullOrEmpty(name) && Store.Get(t, ns, name) is null;
        foreach (var c in containers)
        {
            foreach (var e in (c?["envFrom"] as JsonArray) ?? [])
            {
                if (e?["configMapRef"] is { } cr && (bool?)cr["optional"] != true && Missing(CmT, (string)cr["name"])) return $"configmap \"{(string)cr["name"]}\" not found";
                if (e?["secretRef"] is { } sr && (bool?)sr["optional"] != true && Missing(SecretT, (string)sr["name"])) return $"secret \"{(string)sr["name"]}\" not found";
            }
            foreach (var e in (c?["env"] as JsonArray) ?? [])
            {
                if (e?["valueFrom"]?["configMapKeyRef"] is { } ck && (bool?)ck["optional"] != true && Missing(CmT, (string)ck["name"])) return $"configmap \"{(string)ck["name"]}\" not found";
                if (e?["valueFrom"]?["secretKeyRef"] is { } sk && (bool?)sk["optional"] != true && Missing(SecretT, (string)sk["name"])) return $"secret \"{(string)sk["name"]}\" not found";
            }
        }
        return null;
    }

    private bool MissingVolume(JsonObject pod, string ns, out string what)
    {
        what = null;
        foreach (var v in (pod["spec"]?["volumes"] as JsonArray) ?? [])
        {
            if (v?["configMap"] is { } cm && (bool?)cm["optional"] != true && Store.Get(CmT, ns, (string)cm["name"] ?? "") is null) { what = $"configmap \"{(string)cm["name"]}\" not found"; return true; }
            if (v?["secret"] is { } s && (bool?)s["optional"] != true && Store.Get(SecretT, ns, (string)s["secretName"] ?? "") is null) { what = $"secret \"{(string)s["secretName"]}\" not found"; return true; }
        }
        return false;
    }

    /// <summary>
    /// Prepare the next stage (the next init container, else the app containers): volumes mounted (first stage only), the
    /// stage's ConfigMap/Secret references present, image pulls started; the stage starts after the start delay.
    /// </summary>
    private void TryStartCreating(StoredObject pod, PodRt rt)
    {
        rt.StartTime ??= Now();
        if (!rt.VolumesReady && MissingVolume(pod.Object, pod.Namespace, out var vol))
        {
            var first = !rt.ConfigBlocked;
            rt.ConfigBlocked = true; _blocked.Add(rt);
            foreach (var c in rt.All) c.Waiting = new JsonObject { ["reason"] = rt.DefaultWaiting };
            PushStatus(rt);
            if (first) Record(pod, "Warning", "FailedMount", $"MountVolume.SetUp failed for volume \"config\" : {vol}", "kubelet", rt.Node);
            return;
        }
        rt.VolumesReady = true;
        var stage = rt.Stage;
        var missing = MissingConfig(stage.Select(c => c.Spec), pod.Namespace);
        if (missing != null)
        {
            var first = !rt.ConfigBlocked;
            rt.ConfigBlocked = true; _blocked.Add(rt);
            foreach (var c in stage) c.Waiting = new JsonObject { ["reason"] = "CreateContainerConfigError", ["message"] = missing };
            PushStatus(rt);
            Record(pod, "Warning", "Failed", "Error: " + missing, "kubelet", rt.Node, stage.FirstOrDefault()?.FieldPath);
            if (first) RetryConfig(rt);
            return;
        }
        rt.ConfigBlocked = false; _blocked.Remove(rt);
        foreach (var c in stage) c.Waiting = new JsonObject { ["reason"] = rt.DefaultWaiting };
        PushStatus(rt);
        var delay = StartDelay(pod);
        foreach (var c in stage)
            if (c.Mode == ContainerMode.PullError || c.PullPolicy == "Always") Record(pod, "Normal", "Pulling", $"Pulling image \"{c.Image}\"", "kubelet", rt.Node, c.FieldPath);
        After(delay, () => { if (Current(rt)) StartStage(rt); });
    }

    private void RetryConfig(PodRt rt) => After(Math.Max(1000, Opt.BackoffMs), () =>
    {
        if (!Current(rt) || !rt.ConfigBlocked) return;
        var pod = Store.Get(PodT, rt.Ns, rt.Name);
        if (pod is null) return;
        TryStartCreating(pod, rt);
        if (rt.ConfigBlocked) RetryConfig(rt);
    });

    private void OnConfigAppeared(string ns)
    {
        foreach (var rt in _blocked) if (rt.Ns == ns) Enqueue(PodT, rt.Ns, rt.Name);
    }

    private bool Current(PodRt rt) => _pods.TryGetValue(rt.Uid, out var r) && ReferenceEquals(r, rt);

    /// <summary>Start the current stage: the next init container (init containers run one after another), else the app containers.</summary>
    private void StartStage(PodRt rt)
    {
        rt.Started = true;
        var stage = rt.Stage;
        foreach (var c in stage)
        {
            if (c.Mode == ContainerMode.PullError) { PullFailed(rt, c); continue; }
            if (c.PullPolicy == "Always") Event(rt, "Normal", "Pulled", $"Successfully pulled image \"{c.Image}\" in {Opt.PodStartDelayMs}ms ({Opt.PodStartDelayMs}ms including waiting). Image size: 4212345 bytes.", c);
            else Event(rt, "Normal", "Pulled", $"Container image \"{c.Image}\" already present on machine", c);
            StartContainer(rt, c);
        }
        PushStatus(rt);
        // A sidecar counts as done once it has started: the next init container (or the app containers) follow.
        if (stage is [{ Sidecar: true, Running: true }]) { rt.InitDone++; NextStage(rt); }
    }

    /// <summary>The previous stage is done: prepare the next one (the next init container or the app containers).</summary>
    private void NextStage(PodRt rt)
    {
        var pod = Store.Get(PodT, rt.Ns, rt.Name);
        if (pod is null || pod.Uid != rt.Uid || rt.Terminal) return;
        TryStartCreating(pod, rt);
    }

    private void Event(PodRt rt, string type, string reason, string message, ContainerRt c = null)
    {
        var pod = Store.Get(PodT, rt.Ns, rt.Name);
        if (pod != null) Record(pod, type, reason, message, "kubelet", rt.Node, c?.FieldPath);
    }

    private void PullFailed(PodRt rt, ContainerRt c)
    {
        c.PullAttempts++;
        c.Waiting = new JsonObject { ["reason"] = "ErrImagePull", ["message"] = $"rpc error: code = NotFound desc = failed to pull and unpack image \"{c.Image}\": not found (simulated by kubeps-local)" };
        Event(rt, "Warning", "Failed", $"Failed to pull image \"{c.Image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{c.Image}\": not found", c);
        Event(rt, "Warning", "Failed", "Error: ErrImagePull", c);
        PushStatus(rt);
        var delay = Backoff(c.PullAttempts);
        After(Math.Min(delay, 300), () =>
        {
            if (!Current(rt)) return;
            c.Waiting = new JsonObject { ["reason"] = "ImagePullBackOff", ["message"] = $"Back-off pulling image \"{c.Image}\": ErrImagePull: not found (simulated by kubeps-local)" };
            Event(rt, "Normal", "BackOff", $"Back-off pulling image \"{c.Image}\"", c);
            Event(rt, "Warning", "Failed", "Error: ImagePullBackOff", c);
            PushStatus(rt);
            After(delay, () => { if (Current(rt)) { Event(rt, "Normal", "Pulling", $"Pulling image \"{c.Image}\"", c); PullFailed(rt, c); } });
        });
    }

    private double Backoff(int attempt) => Opt.BackoffMs * Math.Min(8, Math.Pow(2, Math.Max(0, attempt - 1)));

    private void StartContainer(PodRt rt, ContainerRt c)
    {
        lock (c) c.Instances.Add(new ContainerInstance { Start = DateTime.UtcNow });
        c.Running = true; c.Waiting = null;
        var instance = c.Instances.Count;
        // recover-N: this run fails while it is one of the first N
        var (mode, code) = instance <= c.FailTimes ? (ContainerMode.Exit, 1) : (c.Mode, c.ExitCode);
        c.Ready = mode != ContainerMode.NeverReady && c.ReadyDelayMs <= 0;
        Event(rt, "Normal", "Created", $"Created container: {c.Name}", c);
        Event(rt, "Normal", "Started", $"Started container {c.Name}", c);
        if (mode != ContainerMode.NeverReady && c.ReadyDelayMs > 0)
            After(c.ReadyDelayMs, () => { if (Current(rt) && c.Instances.Count == instance && c.Running) { c.Ready = true; PushStatus(rt); } });
        if (mode == ContainerMode.Exit)
            After(c.RunMs, () => { if (Current(rt) && c.Instances.Count == instance && c.Running) ExitContainer(rt, c, code); });
        if (mode == ContainerMode.NeverReady) Unhealthy(rt, c, instance);
    }

    private void Unhealthy(PodRt rt, ContainerRt c, int instance) => After(Math.Max(500, Opt.BackoffMs), () =>
    {
        if (!Current(rt) || c.Instances.Count != instance || !c.Running) return;
        Event(rt, "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503 (simulated by kubeps-local: never-ready)", c);
        Unhealthy(rt, c, instance);
    });

    private void ExitContainer(PodRt rt, ContainerRt c, int code)
    {
        var inst = c.Instances[^1];
        lock (c) { inst.End = DateTime.UtcNow; inst.ExitCode = code; }
        c.Running = false; c.Ready = false;
        var term = new JsonObject
        {
            ["exitCode"] = code, ["reason"] = code == 0 ? "Completed" : "Error",
            ["startedAt"] = inst.Start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["finishedAt"] = inst.End.Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["containerID"] = ContainerId(rt, c),
        };
        if (c.IsInit && !c.Sidecar && code == 0)
        {
            // A completed init container: the next one (or the app containers) start.
            c.Terminated = term;
            rt.InitDone++;
            PushStatus(rt);
            NextStage(rt);
            return;
        }
        // Init containers follow the pod's policy for failures (Always acts as OnFailure); sidecars always restart.
        var restart = c.Sidecar || (c.IsInit ? rt.RestartPolicy != "Never" : rt.RestartPolicy == "Always" || (rt.RestartPolicy == "OnFailure" && code != 0));
        if (!restart)
        {
            c.Terminated = term;
            if (c.IsInit || rt.Containers.All(x => x.Terminated != null)) { rt.Terminal = true; StopSidecars(rt); }
            PushStatus(rt);
            return;
        }
        c.LastState = new JsonObject { ["terminated"] = term };
        var delay = Backoff(c.RestartCount + 1);
        c.Waiting = new JsonObject { ["reason"] = "CrashLoopBackOff", ["message"] = $"back-off {delay / 1000:0.#}s restarting failed container={c.Name} pod={rt.Name}_{rt.Ns}({rt.Uid})" };
        PushStatus(rt);
        Event(rt, "Warning", "BackOff", $"Back-off restarting failed container {c.Name} in pod {rt.Name}_{rt.Ns}({rt.Uid})", c);
        After(delay, () =>
        {
            if (!Current(rt)) return;
            c.RestartCount++;
            Event(rt, "Normal", "Pulled", $"Container image \"{c.Image}\" already present on machine", c);
            StartContainer(rt, c);
            PushStatus(rt);
        });
    }

    /// <summary>The pod is finished: its sidecars are stopped (simulated as a clean exit 0).</summary>
    private static void StopSidecars(PodRt rt)
    {
        foreach (var s in rt.Init.Where(x => x.Sidecar && x.Running))
        {
            var inst = s.Instances[^1];
            lock (s) { inst.End = DateTime.UtcNow; inst.ExitCode = 0; }
            s.Running = false; s.Ready = false;
            s.Terminated = new JsonObject
            {
                ["exitCode"] = 0, ["reason"] = "Completed",
                ["startedAt"] = inst.Start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["finishedAt"] = inst.End.Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["containerID"] = ContainerId(rt, s),
            };
        }
    }

    private static string ContainerId(PodRt rt, ContainerRt c) =>
        "containerd://" + Hash(JsonValue.Create(rt.Uid + "/" + c.Name + "/" + c.RestartCount)) + rt.Uid.Replace("-", "", StringComparison.Ordinal);

    private string CondTime(PodRt rt, string type, string status, string now)
    {
        var key = type + "=" + status;
        if (!rt.CondTimes.TryGetValue(key, out var t)) { rt.CondTimes.Remove(type + "=" + (status == "True" ? "False" : "True")); rt.CondTimes[key] = t = now; }
        return t;
    }

    /// <summary>Write the pod status computed from the runtime state.</summary>
    private void PushStatus(PodRt rt)
    {
        var pod = Store.Get(PodT, rt.Ns, rt.Name);
        if (pod is null || pod.Uid != rt.Uid) return;
        WriteStatus(pod, BuildStatus(rt, pod.Object["status"], pod.Object));
    }

    private JsonObject BuildStatus(PodRt rt, JsonNode old, JsonObject podObj)
    {
        var now = Now();
        // Ready needs every app container and every sidecar running and ready, after initialization.
        var mustBeReady = rt.Containers.Concat(rt.Init.Where(c => c.Sidecar)).ToList();
        var allReady = rt.Initialized && mustBeReady.All(c => c.Running && c.Ready);
        var phase = rt.Terminal ? (rt.Containers.All(c => c.Terminated != null && JsonUtil.Long(c.Terminated, "exitCode") == 0) ? "Succeeded" : "Failed")
            : rt.Containers.Any(c => c.Instances.Count > 0) ? "Running" : "Pending";
        var notReady = mustBeReady.Where(c => !(c.Running && c.Ready)).Select(c => c.Name).ToList();
        var incomplete = rt.Init.Skip(rt.InitDone).Select(c => c.Name).ToList();
        JsonObject C(string type, bool ok, string reason = null, string message = null)
        {
            var s = ok ? "True" : "False";
            var c = new JsonObject { ["type"] = type, ["status"] = s, ["lastProbeTime"] = null, ["lastTransitionTime"] = CondTime(rt, type, s, now) };
            if (!ok && reason != null) { c["reason"] = reason; if (message != null) c["message"] = message; }
            return c;
        }
        var readyReason = rt.Terminal ? "PodCompleted" : "ContainersNotReady";
        var readyMsg = rt.Terminal ? null : $"containers with unready status: [{string.Join(" ", notReady)}]";
        var scheduled = (old?["conditions"] as JsonArray)?.FirstOrDefault(c => (string)c?["type"] == "PodScheduled")?.DeepClone() as JsonObject
            ?? new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastProbeTime"] = null, ["lastTransitionTime"] = now };
        var st = new JsonObject
        {
            ["phase"] = phase,
            ["conditions"] = new JsonArray(
                C("PodReadyToStartContainers", !rt.Terminal),
                C("Initialized", rt.Initialized, "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(" ", incomplete)}]"),
                C("Ready", allReady && !rt.Terminal, readyReason, readyMsg), C("ContainersReady", allReady && !rt.Terminal, readyReason, readyMsg), scheduled),
            ["hostIP"] = rt.HostIp, ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = rt.HostIp }),
            ["podIP"] = rt.Ip, ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = rt.Ip }),
            ["startTime"] = rt.StartTime,
        };
        if (rt.Init.Length > 0) st["initContainerStatuses"] = new JsonArray(rt.Init.Select(c => (JsonNode)ContainerStatus(rt, c)).ToArray());
        st["containerStatuses"] = new JsonArray(rt.Containers.Select(c => (JsonNode)ContainerStatus(rt, c)).ToArray());
        st["qosClass"] = JsonUtil.Str(old, "qosClass") ?? JsonUtil.Str(podObj, "status", "qosClass") ?? "BestEffort";
        return st;
    }

    private static JsonObject ContainerStatus(PodRt rt, ContainerRt c)
    {
        JsonObject state;
        if (c.Terminated != null) state = new JsonObject { ["terminated"] = c.Terminated.DeepClone() };
        else if (c.Running) state = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = c.Instances[^1].Start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) } };
        else state = new JsonObject { ["waiting"] = c.Waiting?.DeepClone() ?? new JsonObject { ["reason"] = rt.DefaultWaiting } };
        // A completed init container reads ready (the kubelet's rule); a sidecar is ready like an app container.
        var ready = c.IsInit && !c.Sidecar ? c.Terminated != null && JsonUtil.Long(c.Terminated, "exitCode") == 0 : c.Running && c.Ready;
        var entry = new JsonObject
        {
            ["name"] = c.Name, ["state"] = state, ["lastState"] = c.LastState?.DeepClone() ?? new JsonObject(),
            ["ready"] = ready, ["restartCount"] = c.RestartCount, ["image"] = c.Image,
            ["imageID"] = c.Instances.Count > 0 || c.Terminated != null ? "docker.io/" + c.Image + "@sha256:" + Hash(JsonValue.Create(c.Image)).PadRight(64, '0') : "",
        };
        if (c.Instances.Count > 0) entry["containerID"] = ContainerId(rt, c);
        entry["started"] = c.Running;
        return entry;
    }

    /// <summary>A pod marked for deletion: kill its containers (Killing events), then remove it after the stop delay.</summary>
    private void StopPod(StoredObject pod)
    {
        if (pod.Object["metadata"]?["finalizers"] is JsonArray { Count: > 0 }) return;
        if (!_pods.TryGetValue(pod.Uid, out var rt)) { TryDelete(PodT, pod.Namespace, pod.Name); return; }
        if (rt.Stopping) return;
        rt.Stopping = true;
        if (!NamespaceGone(pod.Namespace))
            foreach (var c in rt.All.Where(c => c.Running))
                Record(pod, "Normal", "Killing", $"Stopping container {c.Name}", "kubelet", rt.Node, c.FieldPath);
        var grace = (JsonUtil.Long(pod.Object, "metadata", "deletionGracePeriodSeconds") ?? 30) * 1000.0;
        var delay = double.TryParse(Ann(pod.Object, "kubeps.io/stop-delay-ms"), NumberStyles.Float, CultureInfo.InvariantCulture, out var sd) ? sd : Opt.PodStopDelayMs;
        var uid = pod.Uid;
        After(Math.Min(grace, delay), () =>
        {
            var cur = Store.Get(PodT, rt.Ns, rt.Name);
            if (cur != null && cur.Uid == uid) TryDelete(PodT, rt.Ns, rt.Name);
        });
    }

    /// <summary>Delete a pod as a controller does: gracefully when it runs on a node, at once otherwise.</summary>
    internal void DeletePod(StoredObject p)
    {
        var cur = Store.Get(PodT, p.Namespace, p.Name);
        if (cur is null || cur.Uid != p.Uid) return;
        if (cur.Object["metadata"]?["deletionTimestamp"] != null) return;
        var grace = JsonUtil.Long(cur.Object, "spec", "terminationGracePeriodSeconds") ?? 30;
        if (grace <= 0 || !_pods.ContainsKey(cur.Uid) || JsonUtil.Str(cur.Object, "status", "phase") is "Succeeded" or "Failed") { TryDelete(PodT, p.Namespace, p.Name); return; }
        var o = cur.CloneObject();
        var meta = JsonUtil.Obj(o, "metadata");
        meta["deletionTimestamp"] = Now(); meta["deletionGracePeriodSeconds"] = grace;
        try { Store.Update(PodT, o, cur.ResourceVersion); } catch (StoreException) { TryDelete(PodT, p.Namespace, p.Name); }
    }

    private void OnPodDeleted(StoredObject pod)
    {
        if (!_pods.TryRemove(pod.Uid, out var rt)) return;
        _blocked.Remove(rt);
        _nodeLoad[rt.Node] = Math.Max(0, _nodeLoad.GetValueOrDefault(rt.Node) - 1);
        foreach (var c in rt.All) lock (c) if (c.Instances.Count > 0 && c.Instances[^1].End is null) c.Instances[^1].End = DateTime.UtcNow;
        if (NamespaceGone(pod.Namespace) || rt.Stopping) return;
        foreach (var c in rt.All.Where(c => c.Running))
            Record(pod, "Normal", "Killing", $"Stopping container {c.Name}", "kubelet", rt.Node, c.FieldPath);
    }
}
