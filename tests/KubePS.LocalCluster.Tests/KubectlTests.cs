using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;
using static KubePS.LocalCluster.Tests.Kubectl;

namespace KubePS.LocalCluster.Tests;

[Collection("cluster")]
public sealed class KubectlTests(ClusterFixture f)
{
    private static string[] Header(string s) => System.Text.RegularExpressions.Regex.Split(Lines(s)[0].Trim(), @"\s{2,}");

    [Fact]
    public void Startup_seeds_namespaces_nodes_and_default_service_accounts()
    {
        var ns = MustOk(f, "get", "namespaces");
        foreach (var n in new[] { "default", "kube-system", "kube-public" }) Assert.Contains(n, ns);
        var nodes = MustOk(f, "get", "nodes");
        Assert.Equal(["NAME", "STATUS", "ROLES", "AGE", "VERSION"], Header(nodes));
        for (var i = 1; i <= 3; i++) Assert.Matches($@"kubeps-node-{i}\s+Ready", nodes);
        var sa = MustOk(f, "get", "serviceaccounts", "-A");
        Assert.Equal(["NAMESPACE", "NAME", "SECRETS", "AGE"], Header(sa));
        foreach (var n in new[] { "default", "kube-system", "kube-public" }) Assert.Matches($@"{n}\s+default\s+0", sa);
        Assert.Contains("Server Version: v1.32", MustOk(f, "version"));
    }

    [Fact]
    public void Get_every_kind_prints_the_real_server_columns()
    {
        var ns = f.NewNamespace("kinds");
        var applied = MustOkStdin(f, Manifests.AllKinds(ns), "apply", "-f", "-");
        Assert.Contains("pod/pod-a created", applied);
        var expected = new Dictionary<string, (string[] Header, string Name)>
        {
            ["pods"] = (["NAME", "READY", "STATUS", "RESTARTS", "AGE"], "pod-a"),
            ["services"] = (["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], "svc-a"),
            ["endpoints"] = (["NAME", "ENDPOINTS", "AGE"], "ext-a"),
            ["configmaps"] = (["NAME", "DATA", "AGE"], "cm-a"),
            ["secrets"] = (["NAME", "TYPE", "DATA", "AGE"], "sec-a"),
            ["serviceaccounts"] = (["NAME", "SECRETS", "AGE"], "sa-a"),
            ["events"] = (["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], "pod/pod-a"),
            ["events.events.k8s.io"] = (["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], "pod/pod-b"),
            ["persistentvolumeclaims"] = (["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE"], "pvc-a"),
            ["deployments"] = (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], "dep-a"),
            ["replicasets"] = (["NAME", "DESIRED", "CURRENT", "READY", "AGE"], "rs-a"),
            ["statefulsets"] = (["NAME", "READY", "AGE"], "sts-a"),
            ["daemonsets"] = (["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"], "ds-a"),
            ["jobs"] = (["NAME", "COMPLETIONS", "DURATION", "AGE"], "job-a"),
            ["cronjobs"] = (["NAME", "SCHEDULE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"], "cj-a"),
            ["ingresses"] = (["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], "ing-a"),
        };
        foreach (var (kind, (header, name)) in expected)
        {
            var outp = MustOk(f, "get", kind, "-n", ns);
            Assert.Equal(header, Header(outp));
            Assert.Contains(name, outp);
        }
        Assert.Matches(@"pod-a\s+[01]/1\s+(Pending|ContainerCreating|Running)\s+0", MustOk(f, "get", "pods", "-n", ns));
        Assert.Matches(@"svc-a\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80/TCP", MustOk(f, "get", "svc", "-n", ns));
        Assert.Matches(@"sec-a\s+Opaque\s+1", MustOk(f, "get", "secret", "sec-a", "-n", ns));
        Assert.Matches(@"cm-a\s+2", MustOk(f, "get", "cm", "cm-a", "-n", ns));
        Assert.Matches(@"dep-a\s+\d/2\s+\d\s+\d", MustOk(f, "get", "deploy", "-n", ns));
        Assert.Matches(@"sts-a\s+\d/2", MustOk(f, "get", "sts", "-n", ns));
        Assert.Matches(@"cj-a\s+0 2 \* \* \*\s+False\s+0\s+<none>", MustOk(f, "get", "cj", "-n", ns));
        Assert.Matches(@"ing-a\s+<none>\s+web\.example\.com\s+80", MustOk(f, "get", "ing", "-n", ns));
        // hand-written Endpoints (no service) are kept; svc-a's are the endpoints controller's (pod-a once ready)
        Assert.Matches(@"ext-a\s+10\.244\.1\.5:8080", MustOk(f, "get", "ep", "-n", ns));
        Assert.Matches(@"svc-a\s+(10\.244\.\d+\.\d+:8080|<none>)", MustOk(f, "get", "ep", "-n", ns));
        Assert.Contains(ns, MustOk(f, "get", "ns"));
        MustOk(f, "get", "crd");
        // short names and the "all" category
        var all = MustOk(f, "get", "all", "-n", ns);
        Assert.Contains("pod/pod-a", all);
        Assert.Contains("deployment.apps/dep-a", all);
    }

    [Fact]
    public void Output_wide_json_yaml_and_selectors()
    {
        var ns = f.NewNamespace("out");
        MustOkStdin(f, Manifests.AllKinds(ns), "apply", "-f", "-");
        var wide = MustOk(f, "get", "pods", "-n", ns, "-o", "wide");
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"], Header(wide));
        var depWide = MustOk(f, "get", "deploy", "-n", ns, "-o", "wide");
        Assert.Matches(@"dep-a\s+\d/2\s+\d\s+\d\s+\S+\s+nginx\s+nginx:1\.25\s+app=dep-a", depWide);
        var json = JsonNode.Parse(MustOk(f, "get", "pod", "pod-a", "-n", ns, "-o", "json"))!;
        Assert.Equal("Pod", (string)json["kind"]!);
        Assert.Contains((string)json["status"]!["phase"]!, new[] { "Pending", "Running" });
        Assert.False(string.IsNullOrEmpty((string)json["metadata"]!["uid"]!));
        var list = JsonNode.Parse(MustOk(f, "get", "pods", "-n", ns, "-l", "tier", "-o", "json"))!; // workload controllers add their own pods
        Assert.Equal(2, list["items"]!.AsArray().Count);
        var yaml = MustOk(f, "get", "cm", "cm-a", "-n", ns, "-o", "yaml");
        Assert.Contains("kind: ConfigMap", yaml);
        Assert.Contains("k2: v2", yaml);
        // label selectors
        Assert.DoesNotContain("pod-b", MustOk(f, "get", "pods", "-n", ns, "-l", "app=a"));
        Assert.Contains("pod-a", MustOk(f, "get", "pods", "-n", ns, "-l", "app=a"));
        Assert.Contains("pod-b", MustOk(f, "get", "pods", "-n", ns, "-l", "app!=a"));
        var setBased = MustOk(f, "get", "pods", "-n", ns, "-l", "tier in (front,back),app notin (zzz)");
        Assert.Contains("pod-a", setBased); Assert.Contains("pod-b", setBased);
        Assert.Contains("pod-b", MustOk(f, "get", "pods", "-n", ns, "-l", "!missing,tier"));
        Assert.Contains("No resources found", MustOk(f, "get", "pods", "-n", ns, "-l", "missing") + Run(f, null, "get", "pods", "-n", ns, "-l", "missing").Stderr);
        // field selectors
        var fs = MustOk(f, "get", "pods", "-n", ns, "--field-selector", "metadata.name=pod-b");
        Assert.Contains("pod-b", fs); Assert.DoesNotContain("pod-a", fs);
        MustOk(f, "wait", "--for=jsonpath={.status.phase}=Running", "pod/pod-a", "-n", ns, "--timeout=20s");
        Assert.Contains("pod-a", MustOk(f, "get", "pods", "-n", ns, "--field-selector", "status.phase=Running"));
        Assert.Contains("No resources found", Run(f, null, "get", "pods", "-n", ns, "--field-selector", "status.phase=Failed").Stderr);
        // all namespaces
        var allNs = MustOk(f, "get", "pods", "-A");
        Assert.Equal("NAMESPACE", Header(allNs)[0]);
        Assert.Matches($@"{ns}\s+pod-a", allNs);
        Assert.Contains("app=a", MustOk(f, "get", "pod", "pod-a", "-n", ns, "--show-labels"));
    }

    [Fact]
    public void Watch_prints_new_events()
    {
        var ns = f.NewNamespace("watch");
        MustOk(f, "create", "configmap", "before", "-n", ns);
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--kubeconfig", f.Kubeconfig, "get", "configmaps", "-n", ns, "-w", "--request-timeout=20s" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var lines = new List<string>();
        var seenAfter = new ManualResetEventSlim();
        p.OutputDataReceived += (_, e) => { if (e.Data is null) return; lock (lines) lines.Add(e.Data); if (e.Data.StartsWith("after", StringComparison.Ordinal)) seenAfter.Set(); };
        p.BeginOutputReadLine();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline) { lock (lines) if (lines.Any(l => l.StartsWith("before", StringComparison.Ordinal))) break; Thread.Sleep(50); }
            MustOk(f, "create", "configmap", "after", "-n", ns, "--from-literal=a=b");
            Assert.True(seenAfter.Wait(TimeSpan.FromSeconds(10)), "watch did not print the new configmap: " + string.Join("\n", lines));
            lock (lines)
            {
                Assert.Matches(@"NAME\s+DATA\s+AGE", lines[0]);
                Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^after\s+1\s+"));
            }
        }
        finally { if (!p.HasExited) p.Kill(true); }
    }

    [Fact]
    public void Apply_diff_replace_patch_label_annotate_scale_delete()
    {
        var ns = f.NewNamespace("apply");
        Assert.Contains("deployment.apps/web created", MustOkStdin(f, Manifests.Deployment(ns), "apply", "-f", "-"));
        Assert.Contains("deployment.apps/web unchanged", MustOkStdin(f, Manifests.Deployment(ns), "apply", "-f", "-"));
        var changed = Manifests.Deployment(ns, replicas: 3, image: "nginx:1.26");
        var diff = Run(f, changed, "diff", "-f", "-");
        Assert.True(diff.ExitCode == 1, "kubectl diff should report a difference: " + diff);
        Assert.Contains("-  replicas: 2", diff.Stdout);
        Assert.Contains("+  replicas: 3", diff.Stdout);
        Assert.Equal("2", MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
        Assert.Contains("configured", MustOkStdin(f, changed, "apply", "-f", "-"));
        Assert.Equal("3 nginx:1.26 2", MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.metadata.generation}"));
        Assert.Equal(0, Run(f, changed, "diff", "-f", "-").ExitCode);
        // replace
        Assert.Contains("replaced", MustOkStdin(f, Manifests.Deployment(ns, replicas: 4, image: "nginx:1.27"), "replace", "-f", "-"));
        Assert.Equal("4 nginx:1.27", MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}"));
        // patches
        MustOk(f, "patch", "deploy", "web", "-n", ns, "--type=json", "-p", """[{"op":"replace","path":"/spec/replicas","value":1}]""");
        Assert.Equal("1", MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
        MustOk(f, "patch", "deploy", "web", "-n", ns, "--type=merge", "-p", """{"metadata":{"labels":{"merged":"yes"}}}""");
        Assert.Equal("yes", MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.metadata.labels.merged}"));
        // strategic: containers merge by name (the existing container keeps its port; a second one is added)
        MustOk(f, "patch", "deploy", "web", "-n", ns, "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"},{"name":"sidecar","image":"busybox:1.36"}]}}}}""");
        Assert.Equal("nginx=nginx:1.28:80 sidecar=busybox:1.36: ", MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={range .spec.template.spec.containers[*]}{.name}={.image}:{.ports[0].containerPort} {end}"));
        // label / annotate
        Assert.Contains("labeled", MustOk(f, "label", "deploy", "web", "-n", ns, "team=blue"));
        Assert.Contains("annotated", MustOk(f, "annotate", "deploy", "web", "-n", ns, "note=hello"));
        MustOk(f, "label", "deploy", "web", "-n", ns, "merged-");
        Assert.Equal("blue|hello|", MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.metadata.labels.team}|{.metadata.annotations.note}|{.metadata.labels.merged}"));
        Assert.Contains("team=blue", MustOk(f, "get", "deploy", "-n", ns, "-l", "team=blue", "--show-labels"));
        // scale (the object only)
        Assert.Contains("scaled", MustOk(f, "scale", "deploy", "web", "-n", ns, "--replicas=5"));
        Assert.Equal("5", MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
        MustOk(f, "scale", "deploy", "web", "-n", ns, "--replicas=2", "--current-replicas=5");
        Assert.Equal("2", MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
        // delete --wait
        Assert.Contains("deleted", MustOk(f, "delete", "deploy", "web", "-n", ns, "--wait=true", "--timeout=20s"));
        var gone = Run(f, null, "get", "deploy", "web", "-n", ns);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("NotFound", gone.Stderr);
    }

    [Fact]
    public void Server_side_apply_conflict_and_force()
    {
        var ns = f.NewNamespace("ssa");
        var cm = $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  namespace: {ns}\ndata:\n  k: alice\n";
        Assert.Contains("serverside-applied", MustOkStdin(f, cm, "apply", "--server-side", "--field-manager=alice", "-f", "-"));
        var bob = cm.Replace("k: alice", "k: bob");
        var conflict = Run(f, bob, "apply", "--server-side", "--field-manager=bob", "-f", "-");
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("conflict with \"alice\"", conflict.Stderr);
        Assert.Contains(".data.k", conflict.Stderr);
        Assert.Equal("alice", MustOk(f, "get", "cm", "shared", "-n", ns, "-o", "jsonpath={.data.k}"));
        MustOkStdin(f, bob, "apply", "--server-side", "--field-manager=bob", "--force-conflicts", "-f", "-");
        Assert.Equal("bob", MustOk(f, "get", "cm", "shared", "-n", ns, "-o", "jsonpath={.data.k}"));
        var mf = JsonNode.Parse(MustOk(f, "get", "cm", "shared", "-n", ns, "-o", "json", "--show-managed-fields"))!["metadata"]!["managedFields"]!.AsArray();
        Assert.Contains(mf, e => (string)e!["manager"]! == "bob" && (string)e["operation"]! == "Apply");
        // a deployment through SSA, and dropping a field the manager no longer applies
        var dep = Manifests.Deployment(ns, "ssadep", 2);
        MustOkStdin(f, dep, "apply", "--server-side", "-f", "-");
        MustOkStdin(f, dep.Replace("replicas: 2", "replicas: 3"), "apply", "--server-side", "-f", "-");
        Assert.Equal("3", MustOk(f, "get", "deploy", "ssadep", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
        // a client-side edit by another manager conflicts with SSA
        MustOk(f, "scale", "deploy", "ssadep", "-n", ns, "--replicas=7");
        var c2 = Run(f, dep, "apply", "--server-side", "-f", "-");
        Assert.NotEqual(0, c2.ExitCode);
        Assert.Contains(".spec.replicas", c2.Stderr);
        MustOkStdin(f, dep, "apply", "--server-side", "--force-conflicts", "-f", "-");
        Assert.Equal("2", MustOk(f, "get", "deploy", "ssadep", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
        var sdiff = Run(f, dep.Replace("replicas: 2", "replicas: 9"), "diff", "--server-side", "--force-conflicts", "-f", "-");
        Assert.Equal(1, sdiff.ExitCode);
        Assert.Contains("+  replicas: 9", sdiff.Stdout);
    }

    [Fact]
    public void Create_generators_and_files()
    {
        var ns = f.NewNamespace("create");
        Assert.Contains("configmap/c1 created", MustOk(f, "create", "configmap", "c1", "-n", ns, "--from-literal=a=1", "--from-literal=b=2"));
        Assert.Contains("secret/s1 created", MustOk(f, "create", "secret", "generic", "s1", "-n", ns, "--from-literal=p=q"));
        Assert.Equal("cQ==", MustOk(f, "get", "secret", "s1", "-n", ns, "-o", "jsonpath={.data.p}"));
        Assert.Contains("serviceaccount/robot created", MustOk(f, "create", "serviceaccount", "robot", "-n", ns));
        Assert.Contains("created", MustOkStdin(f, Manifests.Deployment(ns, "fromfile"), "create", "-f", "-"));
        var again = Run(f, Manifests.Deployment(ns, "fromfile"), "create", "-f", "-");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("AlreadyExists", again.Stderr);
        Assert.Contains("already exists", again.Stderr);
        var gen = MustOkStdin(f, $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: gen-\n  namespace: {ns}\n", "create", "-f", "-");
        Assert.Matches(@"configmap/gen-[a-z0-9]{5} created", gen);
        var dry = MustOk(f, "create", "configmap", "dry", "-n", ns, "--dry-run=server", "-o", "yaml");
        Assert.Contains("name: dry", dry);
        Assert.NotEqual(0, Run(f, null, "get", "cm", "dry", "-n", ns).ExitCode);
        var bad = Run(f, $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  namespace: {ns}\n", "create", "-f", "-");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("is invalid", bad.Stderr);
        var unknown = Run(f, $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict\n  namespace: {ns}\nbogus: 1\n", "create", "-f", "-");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("unknown field \"bogus\"", unknown.Stderr);
    }

    [Fact]
    public void Discovery_explain_and_auth()
    {
        var res = MustOk(f, "api-resources");
        foreach (var r in new[] { @"pods\s+po\s+v1\s+true\s+Pod", @"deployments\s+deploy\s+apps/v1\s+true\s+Deployment", @"customresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io/v1\s+false\s+CustomResourceDefinition",
                     @"cronjobs\s+cj\s+batch/v1\s+true\s+CronJob", @"ingresses\s+ing\s+networking.k8s.io/v1\s+true\s+Ingress", @"nodes\s+no\s+v1\s+false\s+Node" })
            Assert.Matches(r, res);
        Assert.Contains("apps/v1", MustOk(f, "api-versions"));
        var explain = MustOk(f, "explain", "deployment.spec.replicas");
        Assert.Contains("KIND:       Deployment", explain);
        Assert.Contains("replicas <integer>", explain);
        Assert.Contains("Number of desired pods", explain);
        Assert.Contains("containers", MustOk(f, "explain", "pod.spec"));
        Assert.Equal("yes", MustOk(f, "auth", "can-i", "create", "pods").Trim());
        Assert.Equal("yes", MustOk(f, "auth", "can-i", "delete", "deployments", "-n", "kube-system").Trim());
        Assert.Contains("kubeps-local", MustOk(f, "auth", "whoami"));
        Assert.Contains("control plane is running at https://127.0.0.1:", MustOk(f, "cluster-info"));
    }

    [Fact]
    public void Crd_then_custom_resources()
    {
        var ns = f.NewNamespace("crd");
        var group = "t" + Guid.NewGuid().ToString("N")[..6] + ".example.com";
        MustOkStdin(f, Manifests.Crd(group, "widgets", "Widget"), "apply", "-f", "-");
        Assert.Contains($"widgets.{group}", MustOk(f, "get", "crd"));
        Assert.Equal("True", MustOk(f, "get", "crd", $"widgets.{group}", "-o", "jsonpath={.status.conditions[?(@.type==\"Established\")].status}"));
        var w = $"apiVersion: {group}/v1\nkind: Widget\nmetadata:\n  name: w1\n  namespace: {ns}\nspec:\n  size: 3\n  color: red\n";
        Assert.Contains($"widget.{group}/w1 created", MustOkStdin(f, w, "apply", "-f", "-"));
        var get = MustOk(f, "get", "widgets", "-n", ns);
        Assert.Equal(["NAME", "SIZE", "COLOR", "AGE"], Header(get));
        Assert.Matches(@"w1\s+3\s+red\s+\d+s", get);
        Assert.Contains("configured", MustOkStdin(f, w.Replace("size: 3", "size: 5"), "apply", "-f", "-"));
        Assert.Equal("5", MustOk(f, "get", $"widget.{group}", "w1", "-n", ns, "-o", "jsonpath={.spec.size}"));
        Assert.Contains("w1", MustOk(f, "get", "widx", "-n", ns));
        MustOkStdin(f, w.Replace("name: w1", "name: w2"), "apply", "--server-side", "-f", "-");
        MustOk(f, "patch", "widget", "w2", "-n", ns, "--type=merge", "-p", """{"spec":{"color":"blue"}}""");
        Assert.Equal("blue", MustOk(f, "get", "widget", "w2", "-n", ns, "-o", "jsonpath={.spec.color}"));
        Assert.Contains("deleted", MustOk(f, "delete", "widget", "w1", "-n", ns));
        MustOk(f, "delete", "crd", $"widgets.{group}");
        Assert.NotEqual(0, Run(f, null, "get", $"widgets.{group}", "-n", ns).ExitCode);
    }

    [Fact]
    public void Delete_propagation_finalizers_and_namespace()
    {
        var ns = f.NewNamespace("del");
        MustOkStdin(f, Manifests.Deployment(ns, "owner"), "apply", "-f", "-");
        var uid = MustOk(f, "get", "deploy", "owner", "-n", ns, "-o", "jsonpath={.metadata.uid}");
        var child = $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: child\n  namespace: {ns}\n  ownerReferences:\n  - apiVersion: apps/v1\n    kind: Deployment\n    name: owner\n    uid: {uid}\n";
        MustOkStdin(f, child, "apply", "-f", "-");
        MustOk(f, "delete", "deploy", "owner", "-n", ns, "--cascade=foreground", "--wait=true", "--timeout=20s");
        Assert.NotEqual(0, Run(f, null, "get", "cm", "child", "-n", ns).ExitCode);
        // orphan keeps the dependent
        MustOkStdin(f, Manifests.Deployment(ns, "owner2"), "apply", "-f", "-");
        var uid2 = MustOk(f, "get", "deploy", "owner2", "-n", ns, "-o", "jsonpath={.metadata.uid}");
        MustOkStdin(f, child.Replace("name: child", "name: child2").Replace(uid, uid2).Replace("name: owner\n", "name: owner2\n"), "apply", "-f", "-");
        MustOk(f, "delete", "deploy", "owner2", "-n", ns, "--cascade=orphan");
        Assert.Equal("", MustOk(f, "get", "cm", "child2", "-n", ns, "-o", "jsonpath={.metadata.ownerReferences}"));
        // finalizers hold deletion until removed
        MustOkStdin(f, $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  namespace: {ns}\n  finalizers: [example.com/hold]\n", "apply", "-f", "-");
        MustOk(f, "delete", "cm", "held", "-n", ns, "--wait=false");
        Assert.NotEqual("", MustOk(f, "get", "cm", "held", "-n", ns, "-o", "jsonpath={.metadata.deletionTimestamp}"));
        MustOk(f, "patch", "cm", "held", "-n", ns, "--type=merge", "-p", """{"metadata":{"finalizers":null}}""");
        Assert.NotEqual(0, Run(f, null, "get", "cm", "held", "-n", ns).ExitCode);
        // delete by label (deletecollection-like) and the namespace itself
        MustOk(f, "create", "configmap", "l1", "-n", ns); MustOk(f, "label", "cm", "l1", "-n", ns, "x=y");
        MustOk(f, "delete", "cm", "-n", ns, "-l", "x=y");
        Assert.NotEqual(0, Run(f, null, "get", "cm", "l1", "-n", ns).ExitCode);
        MustOk(f, "delete", "namespace", ns, "--wait=true", "--timeout=20s");
        Assert.NotEqual(0, Run(f, null, "get", "ns", ns).ExitCode);
    }

    [Fact]
    public void Logs_and_status_subresource()
    {
        var ns = f.NewNamespace("logs");
        MustOkStdin(f, $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: {ns}\nspec:\n  containers: [{{name: c, image: busybox:1.36}}]\n", "apply", "-f", "-");
        MustOk(f, "wait", "--for=jsonpath={.status.phase}=Running", "pod/p", "-n", ns, "--timeout=20s");
        Thread.Sleep(1200);
        var logs = MustOk(f, "logs", "p", "-n", ns);
        Assert.Contains("p c seq=1 ", logs);
        Assert.Equal(2, Lines(MustOk(f, "logs", "p", "-n", ns, "--tail=2")).Length);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT", MustOk(f, "logs", "p", "-n", ns, "--timestamps", "--tail=1"));
        MustOk(f, "patch", "pod", "p", "-n", ns, "--subresource=status", "--type=merge", "-p", """{"status":{"phase":"Running"}}""");
        Assert.Matches(@"p\s+[01]/1\s+Running", MustOk(f, "get", "pod", "p", "-n", ns));
    }
}

[Collection("cluster")]
public sealed class KubectlGeneratorTests(ClusterFixture f)
{
    [Fact]
    public void Typed_create_commands_send_protobuf_and_work()
    {
        var ns = f.NewNamespace("gen");
        Assert.Contains("deployment.apps/web created", MustOk(f, "create", "deployment", "web", "-n", ns, "--image=nginx:1.25", "--replicas=2", "--port=80"));
        Assert.Equal("2 nginx:1.25 80 RollingUpdate", MustOk(f, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort} {.spec.strategy.type}"));
        Assert.Contains("job.batch/j1 created", MustOk(f, "create", "job", "j1", "-n", ns, "--image=busybox:1.36", "--", "echo", "hi"));
        Assert.Equal("echo hi", MustOk(f, "get", "job", "j1", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].command[0]} {.spec.template.spec.containers[0].command[1]}"));
        Assert.Contains("cronjob.batch/cj created", MustOk(f, "create", "cronjob", "cj", "-n", ns, "--image=busybox:1.36", "--schedule=*/5 * * * *"));
        Assert.Contains("service/s1 created", MustOk(f, "create", "service", "clusterip", "s1", "-n", ns, "--tcp=80:8080"));
        Assert.Matches(@"s1\s+ClusterIP\s+10\.96\.\S+\s+<none>\s+80/TCP", MustOk(f, "get", "svc", "s1", "-n", ns));
    }
}
