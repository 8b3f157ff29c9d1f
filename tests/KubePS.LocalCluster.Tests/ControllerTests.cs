using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;
using static KubePS.LocalCluster.Tests.Kubectl;

namespace KubePS.LocalCluster.Tests;

/// <summary>Part 2: the simulated controllers and kubelet, judged by kubectl.</summary>
[Collection("cluster")]
public sealed class ControllerTests(ClusterFixture f)
{
    private string Get(string ns, params string[] args) => Run(f, null, [.. args, "-n", ns]).Stdout;

    private static string Pod(string ns, string name, string image, string annotations = "", string restart = "Always", string extraSpec = "") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: {{ns}}
          labels: {app: {{name}} }
          annotations: { {{annotations}} }
        spec:
          restartPolicy: {{restart}}
          containers:
          - name: main
            image: {{image}}
        {{extraSpec}}
        """;

    private static string Deploy(string ns, string name, int replicas, string image, string extra = "", string podAnn = "") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: {{name}}, namespace: {{ns}} }
        spec:
          replicas: {{replicas}}
          {{extra}}
          selector: {matchLabels: {app: {{name}} } }
          template:
            metadata:
              labels: {app: {{name}} }
              annotations: { {{podAnn}} }
            spec:
              containers:
              - name: app
                image: {{image}}
                ports: [{containerPort: 8080}]
        """;

    [Fact]
    public void Rollout_status_restart_and_get_pods_watch_during_a_rollout()
    {
        var ns = f.NewNamespace("roll");
        MustOkStdin(f, Deploy(ns, "web", 3, "nginx:1.25"), "apply", "-f", "-");
        var st = MustOk(f, "rollout", "status", "deployment/web", "-n", ns, "--timeout=30s");
        Assert.Contains("deployment \"web\" successfully rolled out", st);
        Assert.Matches(@"web\s+3/3\s+3\s+3", MustOk(f, "get", "deploy", "web", "-n", ns));
        var firstRs = MustOk(f, "get", "rs", "-n", ns, "-o", "jsonpath={.items[0].metadata.name}");
        var hash = MustOk(f, "get", "rs", firstRs, "-n", ns, "-o", "jsonpath={.metadata.labels.pod-template-hash}");
        Assert.Equal("web-" + hash, firstRs);

        using var watch = Start(f, "get", "pods", "-n", ns, "-w", "--output-watch-events");
        Assert.True(watch.WaitFor(o => Regex.Matches(o, "ADDED").Count >= 3, TimeSpan.FromSeconds(10)), watch.Output + watch.Errors);
        Assert.Contains("restarted", MustOk(f, "rollout", "restart", "deployment/web", "-n", ns));
        Assert.Contains("successfully rolled out", MustOk(f, "rollout", "status", "deployment/web", "-n", ns, "--timeout=30s"));
        Assert.True(watch.WaitFor(o => Regex.Matches(o, "DELETED").Count >= 3, TimeSpan.FromSeconds(10)), watch.Output);
        var seen = watch.Stop();
        Assert.Matches(@"ADDED\s+web-\S+\s+0/1\s+Pending", seen);
        Assert.Matches(@"MODIFIED\s+web-\S+\s+1/1\s+Running", seen);
        Assert.Matches(@"DELETED\s+" + Regex.Escape(firstRs) + @"-\S+", seen);
        Assert.Matches(@"MODIFIED\s+" + Regex.Escape(firstRs) + @"-\S+\s+1/1\s+Terminating", seen);

        var rs = Lines(MustOk(f, "get", "rs", "-n", ns, "--no-headers"));
        Assert.Equal(2, rs.Length);
        Assert.Contains(rs, l => Regex.IsMatch(l, @"^" + Regex.Escape(firstRs) + @"\s+0\s+0\s+0"));
        Assert.Contains(rs, l => Regex.IsMatch(l, @"\s+3\s+3\s+3\s+"));
        var dep = JsonNode.Parse(MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "json"))!;
        Assert.Equal(2L, (long)dep["status"]!["observedGeneration"]!);
        Assert.Equal(3L, (long)dep["status"]!["updatedReplicas"]!);
        Assert.Equal(3L, (long)dep["status"]!["availableReplicas"]!);
        Assert.NotNull(dep["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]);
        var conds = dep["status"]!["conditions"]!.AsArray();
        Assert.Contains(conds, c => (string)c!["type"]! == "Available" && (string)c["status"]! == "True" && (string)c["reason"]! == "MinimumReplicasAvailable");
        Assert.Contains(conds, c => (string)c!["type"]! == "Progressing" && (string)c["reason"]! == "NewReplicaSetAvailable");
        Assert.Contains("2", MustOk(f, "get", "rs", "-n", ns, "-o", "jsonpath={.items[*].metadata.annotations.deployment\\.kubernetes\\.io/revision}"));

        var describe = MustOk(f, "describe", "deployment", "web", "-n", ns);
        Assert.Matches(@"Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable", describe);
        Assert.Matches(@"Normal\s+ScalingReplicaSet\s+.*Scaled up replica set " + Regex.Escape(firstRs) + " from 0 to 3", describe);
        Assert.Matches(@"Scaled down replica set " + Regex.Escape(firstRs), describe);
        Assert.Contains("NewReplicaSet:", describe);

        // set image, then undo: the previous ReplicaSet is reused with a new revision
        MustOk(f, "set", "image", "deployment/web", "app=nginx:1.26", "-n", ns);
        MustOk(f, "rollout", "status", "deployment/web", "-n", ns, "--timeout=30s");
        Assert.Contains("rolled back", MustOk(f, "rollout", "undo", "deployment/web", "-n", ns));
        MustOk(f, "rollout", "status", "deployment/web", "-n", ns, "--timeout=30s");
        Assert.Equal("nginx:1.25", MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}"));
        Assert.Equal(3, Lines(MustOk(f, "get", "rs", "-n", ns, "--no-headers")).Length);
        Assert.Equal("4", MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}"));
        Assert.Matches(@"(?m)^4\s", MustOk(f, "rollout", "history", "deployment/web", "-n", ns));
    }

    [Fact]
    public void Rollout_status_fails_with_ProgressDeadlineExceeded_when_pods_never_become_ready()
    {
        var ns = f.NewNamespace("deadline");
        MustOkStdin(f, Deploy(ns, "stuck", 2, "kubeps/never-ready:1", "progressDeadlineSeconds: 2"), "apply", "-f", "-");
        var sw = Stopwatch.StartNew();
        var r = RunWithTimeout(f, null, TimeSpan.FromSeconds(40), "rollout", "status", "deployment/stuck", "-n", ns, "--timeout=30s");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("deployment \"stuck\" exceeded its progress deadline", r.Stderr);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"took {sw.Elapsed}");
        Assert.Equal("False ProgressDeadlineExceeded", MustOk(f, "get", "deploy", "stuck", "-n", ns, "-o", "jsonpath={.status.conditions[?(@.type==\"Progressing\")].status} {.status.conditions[?(@.type==\"Progressing\")].reason}"));
        Assert.Matches(@"stuck-\S+\s+0/1\s+Running\s+0", MustOk(f, "get", "pods", "-n", ns));
        Assert.Contains("Readiness probe failed", MustOk(f, "events", "-n", ns));
    }

    [Fact]
    public void Scale_then_wait_for_available_and_jsonpath_and_delete()
    {
        var ns = f.NewNamespace("scale");
        MustOkStdin(f, Deploy(ns, "api", 1, "nginx:1.25"), "apply", "-f", "-");
        MustOk(f, "wait", "--for=condition=Available", "deployment/api", "-n", ns, "--timeout=20s");
        Assert.Contains("deployment.apps/api scaled", MustOk(f, "scale", "deployment", "api", "--replicas=4", "-n", ns));
        MustOk(f, "wait", "--for=condition=Available", "deployment/api", "-n", ns, "--timeout=20s");
        MustOk(f, "wait", "--for=jsonpath={.status.readyReplicas}=4", "deployment/api", "-n", ns, "--timeout=20s");
        Assert.Equal(4, Lines(MustOk(f, "get", "pods", "-n", ns, "-l", "app=api", "--no-headers")).Length);
        MustOk(f, "scale", "deployment", "api", "--replicas=2", "-n", ns);
        MustOk(f, "wait", "--for=jsonpath={.status.replicas}=2", "deployment/api", "-n", ns, "--timeout=20s");
        Eventually(() => Lines(Get(ns, "get", "pods", "-l", "app=api", "--no-headers")).Length == 2, "2 pods");
        Assert.Contains("Scaled down replica set", MustOk(f, "describe", "deploy", "api", "-n", ns));

        MustOkStdin(f, Pod(ns, "single", "nginx:1.25", "kubeps.io/stop-delay-ms: \"2000\""), "apply", "-f", "-");
        Assert.Contains("condition met", MustOk(f, "wait", "--for=jsonpath={.status.phase}=Running", "pod/single", "-n", ns, "--timeout=20s"));
        MustOk(f, "wait", "--for=condition=Ready", "pod/single", "-n", ns, "--timeout=20s");
        MustOk(f, "delete", "pod", "single", "-n", ns, "--wait=false");
        Assert.Matches(@"single\s+1/1\s+Terminating", MustOk(f, "get", "pod", "single", "-n", ns));
        MustOk(f, "wait", "--for=delete", "pod/single", "-n", ns, "--timeout=20s");
        Assert.Matches(@"Normal\s+Killing\s+Pod/single\s+Stopping container main", MustOk(f, "events", "-n", ns));

        var doomed = f.NewNamespace("doomed");
        MustOk(f, "create", "configmap", "c1", "-n", doomed);
        MustOk(f, "delete", "namespace", doomed, "--wait=false");
        MustOk(f, "wait", "--for=delete", "namespace/" + doomed, "--timeout=20s");
        Assert.NotEqual(0, Run(f, null, "get", "ns", doomed).ExitCode);
    }

    [Fact]
    public void Pod_goes_Pending_ContainerCreating_Running_then_Ready()
    {
        var ns = f.NewNamespace("phases");
        using var watch = Start(f, "get", "pods", "-n", ns, "-w", "--output-watch-events");
        Thread.Sleep(300);
        MustOkStdin(f, Pod(ns, "slow", "nginx:1.25", "kubeps.io/start-delay-ms: \"600\", kubeps.io/ready-delay-ms: \"800\""), "apply", "-f", "-");
        MustOk(f, "wait", "--for=condition=Ready", "pod/slow", "-n", ns, "--timeout=20s");
        Assert.True(watch.WaitFor(o => Regex.IsMatch(o, @"slow\s+1/1\s+Running"), TimeSpan.FromSeconds(10)), watch.Output);
        var seen = watch.Stop();
        var order = new[] { @"ADDED\s+slow\s+0/1\s+Pending", @"slow\s+0/1\s+ContainerCreating", @"slow\s+0/1\s+Running", @"slow\s+1/1\s+Running" }
            .Select(p => Regex.Match(seen, p)).ToList();
        Assert.All(order, m => Assert.True(m.Success, seen));
        for (var i = 1; i < order.Count; i++) Assert.True(order[i - 1].Index < order[i].Index, seen);
        var pod = JsonNode.Parse(MustOk(f, "get", "pod", "slow", "-n", ns, "-o", "json"))!;
        Assert.Equal("default-scheduler", (string)pod["spec"]!["schedulerName"]!);
        Assert.StartsWith("kubeps-node-", (string)pod["spec"]!["nodeName"]!);
        var conds = pod["status"]!["conditions"]!.AsArray().Select(c => (string)c!["type"]! + "=" + (string)c["status"]!).ToList();
        Assert.Equal(["PodReadyToStartContainers=True", "Initialized=True", "Ready=True", "ContainersReady=True", "PodScheduled=True"], conds);
        var cs = pod["status"]!["containerStatuses"]![0]!;
        Assert.True((bool)cs["ready"]!); Assert.True((bool)cs["started"]!);
        Assert.NotNull(cs["state"]!["running"]!["startedAt"]);
        Assert.StartsWith("containerd://", (string)cs["containerID"]!);
    }

    [Fact]
    public void Logs_tail_since_container_selector_prefix_follow_and_previous()
    {
        var ns = f.NewNamespace("logs2");
        MustOkStdin(f, $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: two, namespace: {{ns}}, labels: {app: logger}, annotations: {kubeps.io/log-rate: "20"} }
            spec:
              containers:
              - {name: a, image: busybox:1.36}
              - {name: b, image: busybox:1.36}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: one, namespace: {{ns}}, labels: {app: logger}, annotations: {kubeps.io/log-rate: "20"} }
            spec:
              containers:
              - {name: a, image: busybox:1.36}
            """, "apply", "-f", "-");
        MustOk(f, "wait", "--for=condition=Ready", "pod/two", "pod/one", "-n", ns, "--timeout=20s");
        Thread.Sleep(1500);
        var tail = Lines(MustOk(f, "logs", "two", "-c", "b", "-n", ns, "--tail=5"));
        Assert.Equal(5, tail.Length);
        var seqs = tail.Select(l => long.Parse(Regex.Match(l, @"seq=(\d+)").Groups[1].Value)).ToList();
        for (var i = 1; i < seqs.Count; i++) Assert.Equal(seqs[i - 1] + 1, seqs[i]);
        Assert.All(tail, l => Assert.StartsWith("two b seq=", l));
        var all = Lines(MustOk(f, "logs", "two", "-c", "a", "-n", ns));
        Assert.StartsWith("two a seq=1 ", all[0]);
        Assert.True(all.Length >= 20, $"{all.Length} lines");
        var since = Lines(MustOk(f, "logs", "one", "-n", ns, "--since=1s"));
        Assert.InRange(since.Length, 10, 30);
        var dflt = Run(f, null, "logs", "two", "-n", ns, "--tail=1");
        Assert.Equal(0, dflt.ExitCode);
        Assert.Contains("Defaulted container \"a\" out of: a, b", dflt.Stderr);
        Assert.StartsWith("two a seq=", dflt.Stdout);
        var prefixed = MustOk(f, "logs", "-l", "app=logger", "-n", ns, "--prefix", "--tail=1", "--all-containers");
        Assert.Contains("[pod/one/a] one a seq=", prefixed);
        Assert.Contains("[pod/two/b] two b seq=", prefixed);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z one a seq=\d+", MustOk(f, "logs", "one", "-n", ns, "--timestamps", "--tail=1"));

        // follow for a bounded time: no gaps, no duplicates
        using (var follow = Start(f, "logs", "-f", "one", "-n", ns, "--tail=3"))
        {
            Thread.Sleep(2000);
            var lines = Lines(follow.Stop());
            Assert.True(lines.Length >= 3 + 25, $"followed {lines.Length} lines: {string.Join("\n", lines)}");
            var s = lines.Select(l => long.Parse(Regex.Match(l, @"seq=(\d+)").Groups[1].Value)).ToList();
            for (var i = 1; i < s.Count; i++) Assert.Equal(s[i - 1] + 1, s[i]);
        }

        // previous instance after a crash
        MustOkStdin(f, Pod(ns, "crashy", "kubeps/crash:1", "kubeps.io/log-rate: \"50\", kubeps.io/run-ms: \"400\""), "apply", "-f", "-");
        MustOk(f, "wait", "--for=jsonpath={.status.containerStatuses[0].restartCount}=1", "pod/crashy", "-n", ns, "--timeout=20s");
        Eventually(() => Run(f, null, "logs", "crashy", "-n", ns, "--previous").Stdout.Contains("crashy main seq=1 restart=0"), "previous logs");
    }

    [Fact]
    public void Events_list_watch_and_describe_pod()
    {
        var ns = f.NewNamespace("ev");
        using var watch = Start(f, "get", "events", "-n", ns, "-w");
        Thread.Sleep(500);
        MustOkStdin(f, Pod(ns, "evp", "nginx"), "apply", "-f", "-"); // no tag: imagePullPolicy Always, so Pulling/Pulled
        MustOk(f, "wait", "--for=condition=Ready", "pod/evp", "-n", ns, "--timeout=20s");
        Assert.True(watch.WaitFor(o => o.Contains("Started"), TimeSpan.FromSeconds(10)), watch.Output + watch.Errors);
        var w = watch.Stop();
        Assert.Matches(@"Normal\s+Scheduled\s+pod/evp\s+Successfully assigned " + Regex.Escape(ns) + "/evp to kubeps-node-", w);
        Assert.Matches(@"Normal\s+Pulling\s+pod/evp", w);

        var events = MustOk(f, "events", "-n", ns);
        Assert.Equal(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], Regex.Split(Lines(events)[0], @"\s{2,}"));
        foreach (var reason in new[] { "Scheduled", "Pulling", "Pulled", "Created", "Started" }) Assert.Matches(@"Normal\s+" + reason + @"\s+Pod/evp", events);
        Assert.Contains("Pod/evp", MustOk(f, "events", "-n", ns, "--for", "pod/evp"));
        var ev = JsonNode.Parse(MustOk(f, "get", "events", "-n", ns, "--field-selector", "reason=Started", "-o", "json"))!["items"]!.AsArray().Single()!;
        Assert.Equal("Pod", (string)ev["involvedObject"]!["kind"]!);
        Assert.Equal("spec.containers{main}", (string)ev["involvedObject"]!["fieldPath"]!);
        Assert.Equal("kubelet", (string)ev["source"]!["component"]!);
        Assert.Equal(1L, (long)ev["count"]!);
        Assert.NotNull(ev["firstTimestamp"]); Assert.NotNull(ev["lastTimestamp"]);

        var d = MustOk(f, "describe", "pod", "evp", "-n", ns);
        Assert.Matches(@"Status:\s+Running", d);
        Assert.Matches(@"Node:\s+kubeps-node-\d/172\.18\.0\.\d", d);
        Assert.Matches(@"IP:\s+10\.244\.\d+\.\d+", d);
        Assert.Matches(@"State:\s+Running", d);
        Assert.Matches(@"Ready\s+True", d);
        Assert.Matches(@"Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned", d);
        Assert.Matches(@"Normal\s+Started\s+\S+\s+kubelet\s+Started container main", d);
    }

    [Fact]
    public void Jobs_complete_and_fail_and_cronjobs_create_jobs()
    {
        var ns = f.NewNamespace("jobs");
        MustOkStdin(f, $$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: ok, namespace: {{ns}} }
            spec:
              completions: 3
              parallelism: 2
              template:
                metadata: {annotations: {kubeps.io/run-ms: "200"} }
                spec:
                  restartPolicy: Never
                  containers: [{name: w, image: busybox:1.36}]
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: bad, namespace: {{ns}} }
            spec:
              backoffLimit: 1
              template:
                metadata: {annotations: {kubeps.io/run-ms: "200"} }
                spec:
                  restartPolicy: Never
                  containers: [{name: w, image: kubeps/exit-3:1}]
            """, "apply", "-f", "-");
        Assert.Contains("condition met", MustOk(f, "wait", "--for=condition=Complete", "job/ok", "-n", ns, "--timeout=30s"));
        var ok = JsonNode.Parse(MustOk(f, "get", "job", "ok", "-n", ns, "-o", "json"))!["status"]!;
        Assert.Equal(3L, (long)ok["succeeded"]!);
        Assert.NotNull(ok["startTime"]); Assert.NotNull(ok["completionTime"]);
        Assert.Matches(@"ok\s+3/3\s+\d+s", MustOk(f, "get", "job", "ok", "-n", ns));
        Assert.Equal(3, Lines(MustOk(f, "get", "pods", "-n", ns, "-l", "job-name=ok", "--no-headers")).Count(l => l.Contains("Completed")));
        Assert.Contains("Job completed", MustOk(f, "events", "-n", ns, "--for", "job/ok"));

        MustOk(f, "wait", "--for=condition=Failed", "job/bad", "-n", ns, "--timeout=30s");
        var bad = JsonNode.Parse(MustOk(f, "get", "job", "bad", "-n", ns, "-o", "json"))!["status"]!;
        Assert.Equal(2L, (long)bad["failed"]!);
        Assert.Contains(bad["conditions"]!.AsArray(), c => (string)c!["type"]! == "Failed" && (string)c["reason"]! == "BackoffLimitExceeded");
        Assert.Contains("3", MustOk(f, "get", "pods", "-n", ns, "-l", "job-name=bad", "-o", "jsonpath={.items[*].status.containerStatuses[0].state.terminated.exitCode}"));
        Assert.Matches(@"Warning\s+BackoffLimitExceeded", MustOk(f, "events", "-n", ns));

        // OnFailure: the container restarts in place and restarts count against backoffLimit
        MustOkStdin(f, $$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: retry, namespace: {{ns}} }
            spec:
              backoffLimit: 1
              template:
                metadata: {annotations: {kubeps.io/run-ms: "100"} }
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: w, image: "kubeps/exit-1:1"}]
            """, "apply", "-f", "-");
        MustOk(f, "wait", "--for=condition=Failed", "job/retry", "-n", ns, "--timeout=30s");
        Assert.True(long.Parse(MustOk(f, "get", "job", "retry", "-n", ns, "-o", "jsonpath={.status.failed}")) >= 2);

        MustOk(f, "create", "cronjob", "tick", "-n", ns, "--image=busybox:1.36", "--schedule=*/1 * * * *");
        MustOk(f, "annotate", "cronjob", "tick", "-n", ns, "kubeps.io/trigger=now-1");
        Eventually(() => Get(ns, "get", "jobs", "--no-headers").Contains("tick-"), "a job from the cronjob");
        var jobName = Lines(Get(ns, "get", "jobs", "--no-headers", "-o", "custom-columns=N:.metadata.name")).First(n => n.StartsWith("tick-", StringComparison.Ordinal));
        MustOk(f, "wait", "--for=condition=Complete", "job/" + jobName, "-n", ns, "--timeout=30s");
        Assert.Equal("tick", MustOk(f, "get", "job", jobName, "-n", ns, "-o", "jsonpath={.metadata.ownerReferences[0].name}"));
        Eventually(() => Get(ns, "get", "cronjob", "tick", "-o", "jsonpath={.status.lastScheduleTime}").Length > 0, "lastScheduleTime");
        Assert.Matches(@"Normal\s+SuccessfulCreate\s+CronJob/tick\s+Created job " + Regex.Escape(jobName), MustOk(f, "events", "-n", ns));
    }

    [Fact]
    public void Pod_failure_modes_crashloop_image_pull_and_missing_config()
    {
        var ns = f.NewNamespace("fail");
        MustOkStdin(f, Pod(ns, "crash", "kubeps/crash:1", "kubeps.io/run-ms: \"100\""), "apply", "-f", "-");
        MustOkStdin(f, Pod(ns, "pull", "registry.example.com/doesnotexist:1"), "apply", "-f", "-");
        MustOkStdin(f, Pod(ns, "cfg", "nginx:1.25", "", "Always", """
              - name: side
                image: nginx:1.25
                env:
                - name: X
                  valueFrom: {configMapKeyRef: {name: later, key: x} }
            """), "apply", "-f", "-");
        MustOk(f, "wait", "--for=jsonpath={.status.containerStatuses[0].restartCount}=2", "pod/crash", "-n", ns, "--timeout=30s");
        Eventually(() => Regex.IsMatch(Get(ns, "get", "pod", "crash"), @"crash\s+0/1\s+(CrashLoopBackOff|Error)\s+[2-9]"), "CrashLoopBackOff");
        var d = MustOk(f, "describe", "pod", "crash", "-n", ns);
        Assert.Matches(@"Warning\s+BackOff\s+.*Back-off restarting failed container main in pod crash_", d);
        Assert.Matches(@"Last State:\s+Terminated", d);
        Assert.Matches(@"Exit Code:\s+1", d);

        Eventually(() => Regex.IsMatch(Get(ns, "get", "pod", "pull"), @"pull\s+0/1\s+(ErrImagePull|ImagePullBackOff)"), "ErrImagePull");
        Eventually(() => Get(ns, "get", "pod", "pull").Contains("ImagePullBackOff"), "ImagePullBackOff");
        Assert.Matches(@"Warning\s+Failed\s+.*Failed to pull image ""registry.example.com/doesnotexist:1""", MustOk(f, "describe", "pod", "pull", "-n", ns));

        Eventually(() => Get(ns, "get", "pod", "cfg").Contains("CreateContainerConfigError"), "CreateContainerConfigError");
        Assert.Contains("configmap \"later\" not found", MustOk(f, "describe", "pod", "cfg", "-n", ns));
        MustOk(f, "create", "configmap", "later", "-n", ns, "--from-literal=x=1");
        MustOk(f, "wait", "--for=condition=Ready", "pod/cfg", "-n", ns, "--timeout=20s");
    }

    [Fact]
    public void StatefulSet_DaemonSet_Service_endpoints_and_PVCs()
    {
        var ns = f.NewNamespace("sets");
        MustOkStdin(f, $$"""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: {{ns}} }
            spec:
              replicas: 3
              serviceName: db
              selector: {matchLabels: {app: db} }
              template:
                metadata: {labels: {app: db} }
                spec: {containers: [{name: db, image: "postgres:16", ports: [{name: pg, containerPort: 5432}]}]}
              volumeClaimTemplates:
              - metadata: {name: data}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi} } }
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: {{ns}} }
            spec:
              selector: {app: db}
              ports: [{name: pg, port: 5432, targetPort: pg}]
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: {{ns}} }
            spec:
              selector: {matchLabels: {app: agent} }
              template:
                metadata: {labels: {app: agent} }
                spec: {containers: [{name: agent, image: "busybox:1.36"}]}
            """, "apply", "-f", "-");
        MustOk(f, "rollout", "status", "statefulset/db", "-n", ns, "--timeout=30s");
        MustOk(f, "rollout", "status", "daemonset/agent", "-n", ns, "--timeout=30s");
        Assert.Matches(@"db\s+3/3", MustOk(f, "get", "sts", "db", "-n", ns));
        var pods = MustOk(f, "get", "pods", "-n", ns, "-l", "app=db", "-o", "jsonpath={range .items[*]}{.metadata.name}:{.status.phase} {end}");
        Assert.Equal("db-0:Running db-1:Running db-2:Running", pods.Trim());
        var created = MustOk(f, "get", "pods", "-n", ns, "-l", "app=db", "-o", "jsonpath={range .items[*]}{.metadata.name}={.metadata.creationTimestamp}/{.metadata.resourceVersion} {end}");
        Assert.Matches(@"agent\s+3\s+3\s+3\s+3\s+3", MustOk(f, "get", "ds", "agent", "-n", ns));
        var nodes = MustOk(f, "get", "pods", "-n", ns, "-l", "app=agent", "-o", "jsonpath={.items[*].spec.nodeName}").Split(' ').Order().ToArray();
        Assert.Equal(["kubeps-node-1", "kubeps-node-2", "kubeps-node-3"], nodes);
        Assert.Equal(3, Regex.Matches(MustOk(f, "get", "pvc", "-n", ns), @"data-db-\d\s+Bound\s+pvc-\S+\s+2Gi\s+RWO").Count);
        Eventually(() => Regex.Matches(Get(ns, "get", "endpoints", "db", "-o", "jsonpath={.subsets[0].addresses[*].ip}"), @"10\.244\.").Count == 3, "3 endpoint addresses");
        Assert.Equal("5432", MustOk(f, "get", "endpoints", "db", "-n", ns, "-o", "jsonpath={.subsets[0].ports[0].port}"));
        Eventually(() => Regex.IsMatch(Get(ns, "get", "endpointslices", "-l", "kubernetes.io/service-name=db"), @"db-\S+\s+IPv4\s+5432\s+10\.244\.\d+\.\d+,10\.244\.\d+\.\d+,10\.244\.\d+\.\d+\s+"), "an EndpointSlice with 3 addresses");
        var sts = JsonNode.Parse(MustOk(f, "get", "sts", "db", "-n", ns, "-o", "json"))!["status"]!;
        Assert.Equal((string)sts["currentRevision"]!, (string)sts["updateRevision"]!);

        // partitioned update: only ordinals >= 2 move to the new revision
        MustOk(f, "patch", "sts", "db", "-n", ns, "--type=merge", "-p", """{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}},"template":{"spec":{"containers":[{"name":"db","image":"postgres:17"}]}} }}""");
        MustOk(f, "rollout", "status", "statefulset/db", "-n", ns, "--timeout=30s");
        Eventually(() => Get(ns, "get", "pod", "db-2", "-o", "jsonpath={.spec.containers[0].image}") == "postgres:17", "db-2 updated");
        Assert.Equal("postgres:16", MustOk(f, "get", "pod", "db-0", "-n", ns, "-o", "jsonpath={.spec.containers[0].image}"));
        var st2 = JsonNode.Parse(MustOk(f, "get", "sts", "db", "-n", ns, "-o", "json"))!["status"]!;
        Assert.NotEqual((string)st2["currentRevision"]!, (string)st2["updateRevision"]!);
        Eventually(() => Get(ns, "get", "sts", "db", "-o", "jsonpath={.status.updatedReplicas}") == "1", "1 updated replica");

        // scale down removes the highest ordinal; endpoints follow
        MustOk(f, "scale", "sts", "db", "--replicas=1", "-n", ns);
        Eventually(() => Get(ns, "get", "pods", "-l", "app=db", "-o", "jsonpath={.items[*].metadata.name}") == "db-0", "only db-0 left");
        Eventually(() => Regex.Matches(Get(ns, "get", "endpoints", "db", "-o", "jsonpath={.subsets[0].addresses[*].ip}"), @"10\.244\.").Count == 1, "1 endpoint address");
        _ = created;
    }

    [Fact]
    public async Task Namespace_deletion_and_garbage_collection_by_owner_references()
    {
        var ns = f.NewNamespace("gc");
        MustOkStdin(f, Deploy(ns, "app", 2, "nginx:1.25"), "apply", "-f", "-");
        MustOk(f, "rollout", "status", "deployment/app", "-n", ns, "--timeout=30s");
        // orphan: the replica set and pods stay, without owner references
        MustOk(f, "delete", "deployment", "app", "-n", ns, "--cascade=orphan");
        var rsName = MustOk(f, "get", "rs", "-n", ns, "-o", "jsonpath={.items[0].metadata.name}");
        Assert.StartsWith("app-", rsName);
        Assert.Equal("", MustOk(f, "get", "rs", rsName, "-n", ns, "-o", "jsonpath={.metadata.ownerReferences}"));
        Assert.Equal(2, Lines(MustOk(f, "get", "pods", "-n", ns, "--no-headers")).Length);
        // background: the replica set's pods go after it
        MustOk(f, "delete", "rs", rsName, "-n", ns);
        Eventually(() => Get(ns, "get", "pods", "--no-headers").Trim().Length == 0, "pods collected");

        // owner references between arbitrary objects
        MustOk(f, "create", "configmap", "owner", "-n", ns);
        var uid = MustOk(f, "get", "cm", "owner", "-n", ns, "-o", "jsonpath={.metadata.uid}");
        MustOkStdin(f, $$"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: dependent
              namespace: {{ns}}
              ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: owner, uid: {{uid}} }]
            stringData: {a: b}
            """, "apply", "-f", "-");
        MustOk(f, "delete", "configmap", "owner", "-n", ns);
        Eventually(() => Run(f, null, "get", "secret", "dependent", "-n", ns).ExitCode != 0, "dependent collected");

        // foreground: the deployment is gone only after its replica sets and pods
        MustOkStdin(f, Deploy(ns, "fg", 2, "nginx:1.25"), "apply", "-f", "-");
        MustOk(f, "rollout", "status", "deployment/fg", "-n", ns, "--timeout=30s");
        MustOk(f, "delete", "deployment", "fg", "-n", ns, "--cascade=foreground", "--timeout=20s");
        Eventually(() => Get(ns, "get", "rs,pods", "--no-headers").Trim().Length == 0, "foreground deletion");

        // namespace deletion removes content, then the namespace
        MustOkStdin(f, Deploy(ns, "last", 2, "nginx:1.25"), "apply", "-f", "-");
        MustOk(f, "create", "configmap", "keep", "-n", ns);
        MustOk(f, "rollout", "status", "deployment/last", "-n", ns, "--timeout=30s");
        var del = Start(f, "delete", "namespace", ns, "--timeout=20s");
        Eventually(() => del.HasExited || Run(f, null, "get", "ns", ns, "-o", "jsonpath={.status.phase}").Stdout is "Terminating" or "", "Terminating");
        Assert.True(del.WaitFor(o => o.Contains("deleted"), TimeSpan.FromSeconds(20)), del.Output + del.Errors);
        Eventually(() => del.HasExited, "kubectl delete namespace returned");
        Assert.Equal(0, del.ExitCode);
        Assert.NotEqual(0, Run(f, null, "get", "ns", ns).ExitCode);
        using var c = f.Http();
        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync($"/apis/apps/v1/namespaces/{ns}/deployments/last")).StatusCode);
        Assert.Equal("0", JsonNode.Parse(await c.GetStringAsync($"/api/v1/namespaces/{ns}/pods"))!["items"]!.AsArray().Count.ToString());
    }
}
