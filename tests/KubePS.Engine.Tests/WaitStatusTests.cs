using System.Text.Json;
using KubePS.Engine.Errors;
using KubePS.Engine.Wait;
using Xunit;

namespace KubePS.Engine.Tests;

public class WaitStatusTests
{
    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static ResourceStatus S(string json) => StatusRules.Compute(J(json));

    private const string DeploySpec = """ "apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":2},"spec":{"replicas":3} """;

    [Fact]
    public void Missing_object_is_NotFound()
    {
        Assert.Equal(ResourceState.NotFound, StatusRules.Compute(null).State);
    }

    [Fact]
    public void Deleting_object_is_Terminating()
    {
        Assert.Equal(ResourceState.Terminating, S("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","deletionTimestamp":"2026-01-01T00:00:00Z"}}""").State);
    }

    [Theory]
    [InlineData("""{"observedGeneration":1,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3}""", ResourceState.InProgress, "ObservedGenerationBehind")]
    [InlineData("""{"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3}""", ResourceState.InProgress, "ObservedGenerationMissing")]
    [InlineData("""{"observedGeneration":2,"replicas":3,"updatedReplicas":1,"readyReplicas":3,"availableReplicas":3}""", ResourceState.InProgress, "RolloutInProgress")]
    [InlineData("""{"observedGeneration":2,"replicas":4,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3}""", ResourceState.InProgress, "OldReplicasPending")]
    [InlineData("""{"observedGeneration":2,"replicas":3,"updatedReplicas":3,"readyReplicas":2,"availableReplicas":2}""", ResourceState.InProgress, "ReplicasNotReady")]
    [InlineData("""{"observedGeneration":2,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":2}""", ResourceState.InProgress, "ReplicasNotAvailable")]
    [InlineData("""{"observedGeneration":2,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3}""", ResourceState.Current, "Current")]
    [InlineData("""{"observedGeneration":2,"conditions":[{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded","message":"ReplicaSet web-1 has timed out progressing."}]}""", ResourceState.Failed, "ProgressDeadlineExceeded")]
    public void Deployment_rollout(string status, ResourceState state, string reason)
    {
        var s = S("{" + DeploySpec + ",\"status\":" + status + "}");
        Assert.Equal(state, s.State);
        Assert.Equal(reason, s.Reason);
    }

    [Fact]
    public void Deployment_scaled_to_zero_is_Current()
    {
        Assert.Equal(ResourceState.Current, S("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","generation":1},"spec":{"replicas":0},"status":{"observedGeneration":1}}""").State);
    }

    [Theory]
    [InlineData("""{"replicas":3},"status":{"observedGeneration":1,"replicas":3,"readyReplicas":3,"updatedReplicas":3,"currentReplicas":3,"currentRevision":"r2","updateRevision":"r2"}""", ResourceState.Current)]
    [InlineData("""{"replicas":3},"status":{"observedGeneration":1,"replicas":3,"readyReplicas":2,"updatedReplicas":3,"currentRevision":"r2","updateRevision":"r2"}""", ResourceState.InProgress)]
    [InlineData("""{"replicas":3},"status":{"observedGeneration":1,"replicas":3,"readyReplicas":3,"updatedReplicas":3,"currentRevision":"r1","updateRevision":"r2"}""", ResourceState.InProgress)]
    [InlineData("""{"replicas":3,"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}},"status":{"observedGeneration":1,"replicas":3,"readyReplicas":3,"updatedReplicas":1,"currentRevision":"r1","updateRevision":"r2"}""", ResourceState.Current)]
    [InlineData("""{"replicas":3,"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":1}}},"status":{"observedGeneration":1,"replicas":3,"readyReplicas":3,"updatedReplicas":1,"currentRevision":"r1","updateRevision":"r2"}""", ResourceState.InProgress)]
    [InlineData("""{"replicas":2,"updateStrategy":{"type":"OnDelete"}},"status":{"observedGeneration":1,"replicas":2,"readyReplicas":2,"updatedReplicas":0}""", ResourceState.Current)]
    public void StatefulSet_rollout_and_partitions(string rest, ResourceState state)
    {
        Assert.Equal(state, S("""{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","generation":1},"spec":""" + rest + "}").State);
    }

    [Theory]
    [InlineData("""{"observedGeneration":1,"desiredNumberScheduled":2,"updatedNumberScheduled":2,"numberReady":2,"numberAvailable":2}""", ResourceState.Current)]
    [InlineData("""{"observedGeneration":1,"desiredNumberScheduled":2,"updatedNumberScheduled":1,"numberReady":2,"numberAvailable":2}""", ResourceState.InProgress)]
    [InlineData("""{"observedGeneration":1}""", ResourceState.InProgress)]
    public void DaemonSet(string status, ResourceState state)
    {
        Assert.Equal(state, S("""{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"d","generation":1},"spec":{},"status":""" + status + "}").State);
    }

    [Theory]
    [InlineData("""{"observedGeneration":1,"replicas":2,"readyReplicas":2,"availableReplicas":2}""", ResourceState.Current)]
    [InlineData("""{"observedGeneration":1,"replicas":2,"readyReplicas":1,"availableReplicas":1}""", ResourceState.InProgress)]
    public void ReplicaSet(string status, ResourceState state)
    {
        Assert.Equal(state, S("""{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"r","generation":1},"spec":{"replicas":2},"status":""" + status + "}").State);
    }

    [Theory]
    [InlineData("""{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}""", ResourceState.Current, "PodReady")]
    [InlineData("""{"phase":"Running","conditions":[{"type":"Ready","status":"False","reason":"ContainersNotReady"}]}""", ResourceState.InProgress, "ContainersNotReady")]
    [InlineData("""{"phase":"Succeeded"}""", ResourceState.Current, "PodSucceeded")]
    [InlineData("""{"phase":"Failed","reason":"Evicted"}""", ResourceState.Failed, "Evicted")]
    [InlineData("""{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable","message":"0/1 nodes"}]}""", ResourceState.InProgress, "Unschedulable")]
    [InlineData("""{"phase":"Running","containerStatuses":[{"name":"c","state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 5m0s"}}}]}""", ResourceState.Failed, "CrashLoopBackOff")]
    [InlineData("""{"phase":"Pending","containerStatuses":[{"name":"c","state":{"waiting":{"reason":"ImagePullBackOff"}}}]}""", ResourceState.Failed, "ImagePullBackOff")]
    [InlineData("""{"phase":"Pending","containerStatuses":[{"name":"c","state":{"waiting":{"reason":"ErrImagePull"}}}]}""", ResourceState.Failed, "ErrImagePull")]
    [InlineData("""{"phase":"Pending","initContainerStatuses":[{"name":"i","state":{"waiting":{"reason":"CreateContainerConfigError","message":"secret \"x\" not found"}}}]}""", ResourceState.Failed, "CreateContainerConfigError")]
    [InlineData("""{"phase":"Pending","containerStatuses":[{"name":"c","state":{"waiting":{"reason":"ContainerCreating"}}}]}""", ResourceState.InProgress, "PodNotReady")]
    public void Pod(string status, ResourceState state, string reason)
    {
        var s = S("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"restartPolicy":"Always"},"status":""" + status + "}");
        Assert.Equal(state, s.State);
        Assert.Equal(reason, s.Reason);
    }

    [Theory]
    [InlineData("Running", ResourceState.InProgress)]
    [InlineData("Succeeded", ResourceState.Current)]
    public void Pod_with_restartPolicy_Never_is_ready_when_it_succeeded(string phase, ResourceState state)
    {
        Assert.Equal(state, S($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"restartPolicy":"Never"},"status":{"phase":"{{{phase}}}","conditions":[{"type":"Ready","status":"True"}]}}""").State);
    }

    [Fact]
    public void Pod_failure_names_pod_container_and_message()
    {
        var f = StatusRules.PodFailure(J("""{"metadata":{"name":"web-1"},"status":{"containerStatuses":[{"name":"app","state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 10s restarting failed container"}}}]}}"""));
        Assert.NotNull(f);
        Assert.Equal(new[] { "web-1" }, f!.Pods);
        Assert.Contains("web-1", f.Message);
        Assert.Contains("app", f.Message);
        Assert.Contains("back-off 10s", f.Message);
    }

    [Theory]
    [InlineData("""{"conditions":[{"type":"Complete","status":"True"}],"succeeded":1}""", ResourceState.Current)]
    [InlineData("""{"conditions":[{"type":"Failed","status":"True","reason":"BackoffLimitExceeded","message":"Job has reached the specified backoff limit"}]}""", ResourceState.Failed)]
    [InlineData("""{"active":1}""", ResourceState.InProgress)]
    public void Job(string status, ResourceState state)
    {
        Assert.Equal(state, S("""{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{},"status":""" + status + "}").State);
    }

    [Theory]
    [InlineData("""{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"c"},"status":{"phase":"Bound"}}""", ResourceState.Current)]
    [InlineData("""{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"c"},"status":{"phase":"Pending"}}""", ResourceState.InProgress)]
    [InlineData("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"type":"ClusterIP"}}""", ResourceState.Current)]
    [InlineData("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"type":"LoadBalancer"},"status":{"loadBalancer":{}}}""", ResourceState.InProgress)]
    [InlineData("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"type":"LoadBalancer"},"status":{"loadBalancer":{"ingress":[{"ip":"10.0.0.1"}]}}}""", ResourceState.Current)]
    [InlineData("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n"},"status":{"phase":"Active"}}""", ResourceState.Current)]
    [InlineData("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n"},"status":{"phase":"Terminating"}}""", ResourceState.Terminating)]
    [InlineData("""{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"w"},"status":{"conditions":[{"type":"Established","status":"True"}]}}""", ResourceState.Current)]
    [InlineData("""{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"w"},"status":{"conditions":[{"type":"Established","status":"False"}]}}""", ResourceState.InProgress)]
    [InlineData("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","generation":2},"status":{"observedGeneration":2,"conditions":[{"type":"Ready","status":"True"}]}}""", ResourceState.Current)]
    [InlineData("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","generation":3},"status":{"observedGeneration":2,"conditions":[{"type":"Ready","status":"True"}]}}""", ResourceState.InProgress)]
    [InlineData("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"status":{"conditions":[{"type":"Ready","status":"False"}]}}""", ResourceState.InProgress)]
    [InlineData("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"status":{"conditions":[{"type":"Stalled","status":"True"}]}}""", ResourceState.Failed)]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}""", ResourceState.Current)]
    public void Other_kinds(string json, ResourceState state)
    {
        Assert.Equal(state, S(json).State);
    }

    [Theory]
    [InlineData("Ready", WaitConditionKind.Ready)]
    [InlineData("exists", WaitConditionKind.Exists)]
    [InlineData("Create", WaitConditionKind.Exists)]
    [InlineData("delete", WaitConditionKind.Delete)]
    [InlineData("Condition=Available", WaitConditionKind.Condition)]
    [InlineData("JsonPath={.status.phase}=Running", WaitConditionKind.JsonPath)]
    public void Parses_conditions(string text, WaitConditionKind kind)
    {
        Assert.Equal(kind, WaitCondition.Parse(text).Kind);
    }

    [Fact]
    public void Condition_type_and_status()
    {
        var c = WaitCondition.Parse("condition=Ready=false");
        Assert.Equal("Ready", c.ConditionType);
        Assert.Equal("false", c.Value);
        var pod = J("""{"kind":"Pod","status":{"conditions":[{"type":"Ready","status":"False"}]}}""");
        Assert.True(c.IsMet(pod, StatusRules.Compute(pod)));
        Assert.False(WaitCondition.Parse("Condition=Ready").IsMet(pod, StatusRules.Compute(pod)));
    }

    [Theory]
    [InlineData("{.status.conditions[?(@.type==\"Ready\")].status}=True", "{.status.conditions[?(@.type==\"Ready\")].status}", "True")]
    [InlineData(".status.phase=Running", ".status.phase", "Running")]
    [InlineData("{.status.phase}", "{.status.phase}", null)]
    [InlineData("{.a[?(@.n>=5)].v}=x=y", "{.a[?(@.n>=5)].v}", "x=y")]
    public void Splits_jsonpath_and_value(string text, string expr, string? value)
    {
        var (e, v) = WaitCondition.SplitJsonPath(text);
        Assert.Equal(expr, e);
        Assert.Equal(value, v);
    }

    [Fact]
    public void JsonPath_condition()
    {
        var pod = J("""{"kind":"Pod","status":{"phase":"Running"}}""");
        Assert.True(WaitCondition.Parse("JsonPath={.status.phase}=Running").IsMet(pod, StatusRules.Compute(pod)));
        Assert.False(WaitCondition.Parse("JsonPath={.status.phase}=Pending").IsMet(pod, StatusRules.Compute(pod)));
        Assert.True(WaitCondition.Parse("JsonPath={.status.phase}").IsMet(pod, StatusRules.Compute(pod)));
        Assert.False(WaitCondition.Parse("JsonPath={.status.podIP}").IsMet(pod, StatusRules.Compute(pod)));
    }

    [Theory]
    [InlineData("Bogus", KubeErrorKind.KubeWaitInvalidArgument)]
    [InlineData("Condition=", KubeErrorKind.KubeWaitInvalidArgument)]
    [InlineData("JsonPath={.status.phase", KubeErrorKind.KubeJsonPathInvalid)]
    public void Bad_conditions(string text, KubeErrorKind kind)
    {
        Assert.Equal(kind, Assert.Throws<KubeException>(() => WaitCondition.Parse(text)).Kind);
    }

    [Fact]
    public void Label_selector_matches_labels_and_expressions()
    {
        var deploy = J("""{"spec":{"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]},{"key":"legacy","operator":"DoesNotExist"}]}}}""");
        var sel = LabelSelector.FromWorkload(deploy)!;
        Assert.True(sel.Matches(J("""{"metadata":{"labels":{"app":"web","tier":"b"}}}""")));
        Assert.False(sel.Matches(J("""{"metadata":{"labels":{"app":"web","tier":"c"}}}""")));
        Assert.False(sel.Matches(J("""{"metadata":{"labels":{"app":"web","tier":"a","legacy":"1"}}}""")));
        Assert.False(sel.Matches(J("""{"metadata":{}}""")));
        Assert.Equal("app=web,tier in (a,b),!legacy", sel.ToString());
    }

    [Fact]
    public void Negative_timeout_is_rejected()
    {
        var ex = Assert.Throws<KubeException>(() => WaitEngine.Validate(new WaitOptions { Timeout = TimeSpan.FromSeconds(-1) }));
        Assert.Equal(KubeErrorKind.KubeWaitInvalidArgument, ex.Kind);
    }
}
