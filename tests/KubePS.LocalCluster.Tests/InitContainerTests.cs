using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;
using static KubePS.LocalCluster.Tests.Kubectl;

namespace KubePS.LocalCluster.Tests;

/// <summary>The simulated kubelet's init containers, sidecars and scheduling gates, judged by kubectl's pod columns.</summary>
[Collection("cluster")]
public sealed class InitContainerTests(ClusterFixture f)
{
    /// <summary>The pod's row of `kubectl get pod` (READY STATUS RESTARTS AGE), spaces collapsed.</summary>
    private string Row(string ns, string pod) =>
        Regex.Replace(Run(f, null, "get", "pod", pod, "-n", ns, "--no-headers").Stdout.Trim(), @"\s{2,}", "  ");

    private void WaitRow(string ns, string pod, string pattern, int seconds = 20)
    {
        var last = "";
        Eventually(() => Regex.IsMatch(last = Row(ns, pod), pattern), () => $"{pod} to match {pattern}; last row: {last}", seconds);
    }

    private static string Pod(string ns, string name, string annotations, string init, string containers = "[{name: main, image: busybox:1.36}]", string extra = "") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: {{ns}}
          annotations: { {{annotations}} }
        spec:
          {{extra}}
          initContainers: {{init}}
          containers: {{containers}}
        """;

    [Fact]
    public void Init_containers_run_one_after_another_before_the_app_containers()
    {
        var ns = f.NewNamespace("init");
        using var watch = Start(f, "get", "pods", "-n", ns, "-w");
        Thread.Sleep(300);
        MustOkStdin(f, Pod(ns, "two", "kubeps.io/run-ms: \"800\", kubeps.io/start-delay-ms: \"300\"",
            "[{name: migrate, image: busybox:1.36}, {name: seed, image: busybox:1.36}]"), "apply", "-f", "-");
        MustOk(f, "wait", "--for=condition=Ready", "pod/two", "-n", ns, "--timeout=30s");
        Assert.True(watch.WaitFor(o => Regex.IsMatch(o, @"two\s+1/1\s+Running"), TimeSpan.FromSeconds(10)), watch.Output);
        var seen = watch.Stop();
        // kubectl's STATUS column walks through the init containers, then the app container
        var order = new[] { @"two\s+0/1\s+Init:0/2\s+0", @"two\s+0/1\s+Init:1/2\s+0", @"two\s+0/1\s+PodInitializing\s+0", @"two\s+1/1\s+Running\s+0" }
            .Select(p => Regex.Match(seen, p)).ToList();
        Assert.All(order, m => Assert.True(m.Success, seen));
        for (var i = 1; i < order.Count; i++) Assert.True(order[i - 1].Index < order[i].Index, seen);
        Assert.DoesNotMatch(@"Init:2/2|Init:Error|CrashLoopBackOff", seen);

        var pod = JsonNode.Parse(MustOk(f, "get", "pod", "two", "-n", ns, "-o", "json"))!;
        var inits = pod["status"]!["initContainerStatuses"]!.AsArray();
        Assert.Equal(["migrate", "seed"], inits.Select(c => (string)c!["name"]!));
        Assert.All(inits, c =>
        {
            Assert.Equal("Completed", (string)c!["state"]!["terminated"]!["reason"]!);
            Assert.Equal(0L, (long)c["state"]!["terminated"]!["exitCode"]!);
            Assert.True((bool)c["ready"]!);
            Assert.False((bool)c["started"]!);
            Assert.Equal(0L, (long)c["restartCount"]!);
        });
        // the second init container started after the first finished, the app container after the second
        var migrateDone = DateTime.Parse((string)inits[0]!["state"]!["terminated"]!["finishedAt"]!).ToUniversalTime();
        var seedStart = DateTime.Parse((string)inits[1]!["state"]!["terminated"]!["startedAt"]!).ToUniversalTime();
        var seedDone = DateTime.Parse((string)inits[1]!["state"]!["terminated"]!["finishedAt"]!).ToUniversalTime();
        var mainStart = DateTime.Parse((string)pod["status"]!["containerStatuses"]![0]!["state"]!["running"]!["startedAt"]!).ToUniversalTime();
        Assert.True(seedStart >= migrateDone, $"{seedStart:o} < {migrateDone:o}");
        Assert.True(mainStart >= seedDone, $"{mainStart:o} < {seedDone:o}");
        var conds = pod["status"]!["conditions"]!.AsArray().Select(c => (string)c!["type"]! + "=" + (string)c["status"]!).ToList();
        Assert.Contains("Initialized=True", conds);
        Assert.Equal("Running", (string)pod["status"]!["phase"]!);

        // events like a real kubelet's, one Pulled/Created/Started per init container, with its field path
        var events = JsonNode.Parse(MustOk(f, "get", "events", "-n", ns, "-o", "json"))!["items"]!.AsArray();
        foreach (var c in new[] { "migrate", "seed" })
            foreach (var reason in new[] { "Pulled", "Created", "Started" })
                Assert.Contains(events, e => (string)e!["reason"]! == reason && (string)e["involvedObject"]!["fieldPath"]! == $"spec.initContainers{{{c}}}");
        Assert.Contains(events, e => (string)e!["reason"]! == "Started" && (string)e["involvedObject"]!["fieldPath"]! == "spec.containers{main}");
        var describe = MustOk(f, "describe", "pod", "two", "-n", ns);
        Assert.Contains("Init Containers:", describe);
        Assert.Matches(@"migrate:\s+Container ID:", describe);
        Assert.Matches(@"Initialized\s+True", describe);
        Assert.StartsWith("two migrate seq=", MustOk(f, "logs", "two", "-n", ns, "-c", "migrate", "--tail=1"));
    }

    [Fact]
    public void While_init_containers_run_the_pod_is_Pending_and_not_initialized()
    {
        var ns = f.NewNamespace("initslow");
        MustOkStdin(f, Pod(ns, "slow", "kubeps.io/behavior-wait: run", "[{name: wait, image: busybox:1.36}, {name: after, image: busybox:1.36}]"), "apply", "-f", "-");
        MustOk(f, "wait", "--for=jsonpath={.status.initContainerStatuses[0].started}=true", "pod/slow", "-n", ns, "--timeout=20s");
        WaitRow(ns, "slow", @"^slow  0/1  Init:0/2  0  ");
        var st = JsonNode.Parse(MustOk(f, "get", "pod", "slow", "-n", ns, "-o", "json"))!["status"]!;
        Assert.Equal("Pending", (string)st["phase"]!);
        var init = st["conditions"]!.AsArray().Single(c => (string)c!["type"]! == "Initialized")!;
        Assert.Equal("False", (string)init["status"]!);
        Assert.Equal("ContainersNotInitialized", (string)init["reason"]!);
        Assert.Equal("containers with incomplete status: [wait after]", (string)init["message"]!);
        Assert.NotNull(st["initContainerStatuses"]![0]!["state"]!["running"]);
        Assert.Equal("PodInitializing", (string)st["initContainerStatuses"]![1]!["state"]!["waiting"]!["reason"]!);
        Assert.Equal("PodInitializing", (string)st["containerStatuses"]![0]!["state"]!["waiting"]!["reason"]!);
        var logs = Run(f, null, "logs", "slow", "-n", ns, "-c", "main");
        Assert.NotEqual(0, logs.ExitCode);
        Assert.Contains("is waiting to start: PodInitializing", logs.Stderr);
    }

    [Fact]
    public void Failing_init_containers_back_off_or_fail_the_pod_by_restart_policy()
    {
        var ns = f.NewNamespace("initfail");
        MustOkStdin(f, Pod(ns, "loop", "kubeps.io/behavior-setup: crash, kubeps.io/run-ms: \"100\"", "[{name: setup, image: busybox:1.36}]"), "apply", "-f", "-");
        MustOkStdin(f, Pod(ns, "never", "kubeps.io/behavior-setup: exit-3, kubeps.io/run-ms: \"100\"", "[{name: setup, image: busybox:1.36}]", extra: "restartPolicy: Never"), "apply", "-f", "-");
        MustOkStdin(f, Pod(ns, "retry", "kubeps.io/run-ms: \"100\"", "[{name: setup, image: kubeps/exit-1:1}]", extra: "restartPolicy: OnFailure"), "apply", "-f", "-");
        MustOkStdin(f, Pod(ns, "pull", "", "[{name: setup, image: registry.example.com/doesnotexist:1}]"), "apply", "-f", "-");

        // Always: restarts with back-off, kubectl shows Init:CrashLoopBackOff and counts the restarts, "(Ns ago)" included
        MustOk(f, "wait", "--for=jsonpath={.status.initContainerStatuses[0].restartCount}=2", "pod/loop", "-n", ns, "--timeout=30s");
        WaitRow(ns, "loop", @"^loop  0/1  Init:CrashLoopBackOff  [2-9] \(\d+s ago\)  ");
        var loop = JsonNode.Parse(MustOk(f, "get", "pod", "loop", "-n", ns, "-o", "json"))!["status"]!;
        Assert.Equal("Pending", (string)loop["phase"]!);
        Assert.Equal("Error", (string)loop["initContainerStatuses"]![0]!["lastState"]!["terminated"]!["reason"]!);
        Assert.Equal(0L, (long)loop["containerStatuses"]![0]!["restartCount"]!);
        Assert.Matches(@"Warning\s+BackOff\s+Pod/loop\s+Back-off restarting failed container setup in pod loop_",
            MustOk(f, "events", "-n", ns, "--for", "pod/loop"));

        // Never: the pod fails, kubectl shows Init:Error
        MustOk(f, "wait", "--for=jsonpath={.status.phase}=Failed", "pod/never", "-n", ns, "--timeout=20s");
        WaitRow(ns, "never", @"^never  0/1  Init:Error  0  ");
        Assert.Equal("3", MustOk(f, "get", "pod", "never", "-n", ns, "-o", "jsonpath={.status.initContainerStatuses[0].state.terminated.exitCode}"));
        Assert.Equal("PodInitializing", MustOk(f, "get", "pod", "never", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}"));

        // OnFailure: restarted like Always
        var retry = "";
        Eventually(() => Regex.IsMatch(retry = Run(f, null, "get", "pod", "retry", "-n", ns, "-o", "jsonpath={.status.phase} {.status.initContainerStatuses[0].restartCount}").Stdout, @"^Pending [1-9]"),
            () => "retry to restart its init container: " + retry);

        // an image that cannot be pulled
        WaitRow(ns, "pull", @"^pull  0/1  Init:ImagePullBackOff  0  ");
        Assert.Matches(@"Warning\s+Failed\s+Pod/pull\s+Failed to pull image ""registry.example.com/doesnotexist:1""", MustOk(f, "events", "-n", ns, "--for", "pod/pull"));
    }

    [Fact]
    public void Missing_configuration_blocks_the_container_that_needs_it()
    {
        var ns = f.NewNamespace("initcfg");
        // the init container's env names a missing ConfigMap: Init:CreateContainerConfigError until it exists
        MustOkStdin(f, Pod(ns, "initenv", "kubeps.io/run-ms: \"100\"", "[{name: setup, image: busybox:1.36, env: [{name: X, valueFrom: {configMapKeyRef: {name: first, key: x}}}]}]"), "apply", "-f", "-");
        // the app container's env names a missing ConfigMap: the init container runs, then CreateContainerConfigError
        MustOkStdin(f, Pod(ns, "appenv", "kubeps.io/run-ms: \"100\"", "[{name: setup, image: busybox:1.36}]",
            "[{name: main, image: busybox:1.36, env: [{name: X, valueFrom: {configMapKeyRef: {name: second, key: x}}}]}]"), "apply", "-f", "-");
        // a missing ConfigMap volume: nothing starts, the pod waits in Init:0/1
        MustOkStdin(f, Pod(ns, "vol", "kubeps.io/run-ms: \"100\"", "[{name: setup, image: busybox:1.36}]", extra: "volumes: [{name: config, configMap: {name: third}}]"), "apply", "-f", "-");

        WaitRow(ns, "initenv", @"^initenv  0/1  Init:CreateContainerConfigError  0  ");
        WaitRow(ns, "appenv", @"^appenv  0/1  CreateContainerConfigError  0  ");
        Assert.Equal("Completed", MustOk(f, "get", "pod", "appenv", "-n", ns, "-o", "jsonpath={.status.initContainerStatuses[0].state.terminated.reason}"));
        WaitRow(ns, "vol", @"^vol  0/1  Init:0/1  0  ");
        Assert.Equal("PodInitializing", MustOk(f, "get", "pod", "vol", "-n", ns, "-o", "jsonpath={.status.initContainerStatuses[0].state.waiting.reason}"));
        Assert.Matches(@"Warning\s+Failed\s+Pod/initenv\s+Error: configmap ""first"" not found", MustOk(f, "events", "-n", ns, "--for", "pod/initenv"));

        foreach (var cm in new[] { "first", "second", "third" }) MustOk(f, "create", "configmap", cm, "-n", ns, "--from-literal=x=1");
        MustOk(f, "wait", "--for=condition=Ready", "pod/initenv", "pod/appenv", "pod/vol", "-n", ns, "--timeout=30s");
        foreach (var p in new[] { "initenv", "appenv", "vol" }) WaitRow(ns, p, $@"^{p}  1/1  Running  0  ");
    }

    [Fact]
    public void Sidecars_start_in_order_and_count_in_READY_and_scheduling_gates_hold_a_pod()
    {
        var ns = f.NewNamespace("sidecar");
        MustOkStdin(f, Pod(ns, "mesh", "kubeps.io/run-ms: \"200\"",
            "[{name: setup, image: busybox:1.36}, {name: proxy, image: busybox:1.36, restartPolicy: Always}]"), "apply", "-f", "-");
        MustOk(f, "wait", "--for=condition=Ready", "pod/mesh", "-n", ns, "--timeout=30s");
        WaitRow(ns, "mesh", @"^mesh  2/2  Running  0  ");
        var st = JsonNode.Parse(MustOk(f, "get", "pod", "mesh", "-n", ns, "-o", "json"))!["status"]!;
        Assert.NotNull(st["initContainerStatuses"]![1]!["state"]!["running"]);
        Assert.True((bool)st["initContainerStatuses"]![1]!["ready"]!);

        MustOkStdin(f, $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: gated, namespace: {{ns}} }
            spec:
              schedulingGates: [{name: example.com/quota}]
              containers: [{name: main, image: busybox:1.36}]
            """, "apply", "-f", "-");
        WaitRow(ns, "gated", @"^gated  0/1  SchedulingGated  0  ");
        Assert.Equal("", MustOk(f, "get", "pod", "gated", "-n", ns, "-o", "jsonpath={.spec.nodeName}"));
        Assert.Equal("SchedulingGated", MustOk(f, "get", "pod", "gated", "-n", ns, "-o", "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].reason}"));
        MustOk(f, "patch", "pod", "gated", "-n", ns, "--type=json", "-p", """[{"op":"remove","path":"/spec/schedulingGates"}]""");
        MustOk(f, "wait", "--for=condition=Ready", "pod/gated", "-n", ns, "--timeout=20s");
        Assert.StartsWith("kubeps-node-", MustOk(f, "get", "pod", "gated", "-n", ns, "-o", "jsonpath={.spec.nodeName}"));
    }

    [Fact]
    public void Pod_rows_follow_the_real_printer_for_finished_and_partly_finished_pods()
    {
        var ns = f.NewNamespace("rows");
        MustOkStdin(f, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: half
              namespace: {{ns}}
              annotations: {kubeps.io/behavior-done: complete, kubeps.io/behavior-runner: run, kubeps.io/run-ms: "100"}
            spec:
              restartPolicy: Never
              containers: [{name: done, image: busybox:1.36}, {name: runner, image: busybox:1.36}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: held, namespace: {{ns}}, finalizers: [example.com/hold], annotations: {kubeps.io/run-ms: "100"} }
            spec:
              restartPolicy: Never
              containers: [{name: main, image: busybox:1.36}]
            """, "apply", "-f", "-");
        MustOkStdin(f, Pod(ns, "retried", "kubeps.io/behavior-setup: recover-1, kubeps.io/run-ms: \"100\"", "[{name: setup, image: busybox:1.36}]"), "apply", "-f", "-");
        // one container completed, one running: the pod is not Ready, kubectl says NotReady
        WaitRow(ns, "half", @"^half  1/2  NotReady  0  ");
        // an init container that failed once, then completed: once initialized its restart no longer counts in RESTARTS
        MustOk(f, "wait", "--for=condition=Ready", "pod/retried", "-n", ns, "--timeout=30s");
        Assert.Equal("1 Completed", MustOk(f, "get", "pod", "retried", "-n", ns, "-o", "jsonpath={.status.initContainerStatuses[0].restartCount} {.status.initContainerStatuses[0].state.terminated.reason}"));
        WaitRow(ns, "retried", @"^retried  1/1  Running  0  ");
        // a finished pod being deleted (held by a finalizer) keeps its final status instead of Terminating
        MustOk(f, "wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/held", "-n", ns, "--timeout=20s");
        MustOk(f, "delete", "pod", "held", "-n", ns, "--wait=false");
        Assert.NotEqual("", MustOk(f, "get", "pod", "held", "-n", ns, "-o", "jsonpath={.metadata.deletionTimestamp}"));
        WaitRow(ns, "held", @"^held  0/1  Completed  0  ");
        MustOk(f, "patch", "pod", "held", "-n", ns, "--type=merge", "-p", """{"metadata":{"finalizers":null}}""");
        MustOk(f, "wait", "--for=delete", "pod/held", "-n", ns, "--timeout=20s");
    }
}
