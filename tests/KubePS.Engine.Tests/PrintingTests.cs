using k8s.Models;
using KubePS.Engine.Resources;
using Xunit;

namespace KubePS.Engine.Tests;

public class PrintingTests
{
    [Theory]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(192, "3m12s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 + 5 * 60, "3h5m")]
    [InlineData(10 * 3600, "10h")]
    [InlineData(4 * 86400 + 3 * 3600, "4d3h")]
    [InlineData(100 * 86400, "100d")]
    [InlineData(3 * 365 * 86400 + 30 * 86400, "3y30d")]
    public void Ages_print_like_kubectl(int seconds, string expected) =>
        Assert.Equal(expected, Printing.HumanDuration(TimeSpan.FromSeconds(seconds)));

    private static V1Pod Pod(params V1ContainerStatus[] statuses) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p" },
        Spec = new V1PodSpec { Containers = statuses.Select(s => new V1Container { Name = s.Name }).ToList() },
        Status = new V1PodStatus { Phase = "Running", ContainerStatuses = statuses.ToList() },
    };

    [Fact]
    public void Pod_status_shows_the_waiting_reason_and_counts()
    {
        var pod = Pod(
            new V1ContainerStatus { Name = "a", Ready = true, RestartCount = 0, State = new V1ContainerState { Running = new V1ContainerStateRunning() } },
            new V1ContainerStatus { Name = "b", Ready = false, RestartCount = 7, State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } } });
        Assert.Equal("CrashLoopBackOff", Printing.PodStatus(pod));
        Assert.Equal("1/2", Printing.PodReady(pod));
        Assert.Equal(7, Printing.PodRestarts(pod));
    }

    [Fact]
    public void Pod_status_covers_init_containers_completion_and_deletion()
    {
        var init = Pod(new V1ContainerStatus { Name = "a", State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "PodInitializing" } } });
        init.Spec.InitContainers = new List<V1Container> { new() { Name = "i1" }, new() { Name = "i2" } };
        init.Status.Phase = "Pending";
        init.Status.InitContainerStatuses = new List<V1ContainerStatus>
        {
            new() { Name = "i1", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } } },
            new() { Name = "i2", State = new V1ContainerState { Running = new V1ContainerStateRunning() } },
        };
        Assert.Equal("Init:1/2", Printing.PodStatus(init));

        var done = Pod(new V1ContainerStatus { Name = "a", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } } });
        done.Status.Phase = "Succeeded";
        Assert.Equal("Completed", Printing.PodStatus(done));

        var failed = Pod(new V1ContainerStatus { Name = "a", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 3 } } });
        Assert.Equal("ExitCode:3", Printing.PodStatus(failed));

        var deleting = Pod(new V1ContainerStatus { Name = "a", Ready = true, State = new V1ContainerState { Running = new V1ContainerStateRunning() } });
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;
        Assert.Equal("Terminating", Printing.PodStatus(deleting));
    }

    private static V1ContainerStatus Running(string name, bool ready = true, int restarts = 0) =>
        new() { Name = name, Ready = ready, Started = true, RestartCount = restarts, State = new V1ContainerState { Running = new V1ContainerStateRunning() } };

    private static V1ContainerStatus Completed(string name, int restarts = 0) =>
        new() { Name = name, Ready = true, Started = false, RestartCount = restarts, State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } } };

    private static V1ContainerStatus Waiting(string name, string reason, int restarts = 0) =>
        new() { Name = name, Ready = false, Started = false, RestartCount = restarts, State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason } } };

    private static V1Pod WithInit(V1Pod pod, bool initialized, params (V1Container Spec, V1ContainerStatus Status)[] init)
    {
        pod.Spec.InitContainers = init.Select(x => x.Spec).ToList();
        pod.Status.InitContainerStatuses = init.Select(x => x.Status).ToList();
        pod.Status.Conditions = new List<V1PodCondition> { new() { Type = "Initialized", Status = initialized ? "True" : "False" } };
        return pod;
    }

    [Fact]
    public void Restarts_of_completed_init_containers_stop_counting_once_the_pod_is_initialized()
    {
        // kubectl: after initialization only app containers and sidecars count (was: every init container's restarts too).
        var pod = WithInit(Pod(Running("app", restarts: 1)), true, (new V1Container { Name = "migrate" }, Completed("migrate", restarts: 2)));
        Assert.Equal(1, Printing.PodRestarts(pod));
        Assert.Equal("Running", Printing.PodStatus(pod));
    }

    [Fact]
    public void Restarts_while_initializing_count_init_containers_up_to_the_one_the_pod_waits_for()
    {
        var pod = WithInit(Pod(Waiting("app", "PodInitializing")), false,
            (new V1Container { Name = "a" }, Completed("a", restarts: 1)),
            (new V1Container { Name = "b" }, Waiting("b", "CrashLoopBackOff", restarts: 3)),
            (new V1Container { Name = "c" }, Waiting("c", "PodInitializing", restarts: 5)));
        pod.Status.Phase = "Pending";
        pod.Status.ContainerStatuses[0].RestartCount = 9;
        Assert.Equal("Init:CrashLoopBackOff", Printing.PodStatus(pod));
        Assert.Equal(4, Printing.PodRestarts(pod));
        Assert.Equal("0/1", Printing.PodReady(pod));
    }

    [Fact]
    public void Sidecars_count_as_containers_in_ready_and_restarts_and_in_the_init_index()
    {
        var always = "Always";
        var running = WithInit(Pod(Running("app", restarts: 1)), true, (new V1Container { Name = "proxy", RestartPolicy = always }, Running("proxy", restarts: 2)));
        Assert.Equal("2/2", Printing.PodReady(running)); // was 1/1
        Assert.Equal("Running", Printing.PodStatus(running));
        Assert.Equal(3, Printing.PodRestarts(running));

        // a started sidecar does not hold initialization: the next init container's index counts it (was Init:0/2)
        var initializing = WithInit(Pod(Waiting("app", "PodInitializing")), false,
            (new V1Container { Name = "proxy", RestartPolicy = always }, Running("proxy", ready: false)),
            (new V1Container { Name = "slow" }, Running("slow", ready: false)));
        initializing.Status.Phase = "Pending";
        Assert.Equal("Init:1/2", Printing.PodStatus(initializing));
        Assert.Equal("0/2", Printing.PodReady(initializing));
    }

    [Fact]
    public void An_initialized_pod_shows_its_app_containers_even_when_an_init_container_status_is_not_completed()
    {
        // kubectl reads the app containers once the Initialized condition is True (was: Init:CrashLoopBackOff and 3)
        var pod = WithInit(Pod(Waiting("app", "CrashLoopBackOff", restarts: 2)), true, (new V1Container { Name = "setup" }, Waiting("setup", "CrashLoopBackOff", restarts: 1)));
        Assert.Equal("CrashLoopBackOff", Printing.PodStatus(pod));
        Assert.Equal(2, Printing.PodRestarts(pod));
        // a running app container sets no reason of its own: the init container's stays, as kubectl prints it
        var running = WithInit(Pod(Running("app")), true, (new V1Container { Name = "setup" }, Waiting("setup", "CrashLoopBackOff", restarts: 1)));
        Assert.Equal("Init:CrashLoopBackOff", Printing.PodStatus(running));
        Assert.Equal(0, Printing.PodRestarts(running));
    }

    [Fact]
    public void A_finished_pod_being_deleted_keeps_its_final_status()
    {
        // kubectl shows Terminating only for pods that have not finished (was: Terminating)
        var done = Pod(Completed("a"));
        done.Status.Phase = "Succeeded";
        done.Metadata.DeletionTimestamp = DateTime.UtcNow;
        Assert.Equal("Completed", Printing.PodStatus(done));

        var failed = Pod(new V1ContainerStatus { Name = "a", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, Reason = "Error" } } });
        failed.Status.Phase = "Failed";
        failed.Metadata.DeletionTimestamp = DateTime.UtcNow;
        Assert.Equal("Error", Printing.PodStatus(failed));

        var lost = Pod(Running("a"));
        lost.Status.Reason = "NodeLost";
        lost.Metadata.DeletionTimestamp = DateTime.UtcNow;
        Assert.Equal("Unknown", Printing.PodStatus(lost));
    }

    [Fact]
    public void A_pod_held_by_scheduling_gates_reads_SchedulingGated()
    {
        var pod = Pod();
        pod.Status = new V1PodStatus
        {
            Phase = "Pending",
            Conditions = new List<V1PodCondition> { new() { Type = "PodScheduled", Status = "False", Reason = "SchedulingGated" } },
        };
        pod.Spec.Containers = new List<V1Container> { new() { Name = "a" } };
        Assert.Equal("SchedulingGated", Printing.PodStatus(pod)); // was Pending
        Assert.Equal("0/1", Printing.PodReady(pod));
    }

    [Fact]
    public void Ready_counts_only_running_containers_and_a_completed_container_next_to_a_running_one_reads_NotReady()
    {
        // a container reported ready that is not running is not counted (was counted)
        var pod = Pod(Running("a"), new V1ContainerStatus { Name = "b", Ready = true, State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } } });
        Assert.Equal("1/2", Printing.PodReady(pod));
        Assert.Equal("NotReady", Printing.PodStatus(pod));
        pod.Status.Conditions = new List<V1PodCondition> { new() { Type = "Ready", Status = "True" } };
        Assert.Equal("Running", Printing.PodStatus(pod));
    }

    [Fact]
    public void A_pod_without_a_phase_prints_an_empty_status_like_kubectl()
    {
        var pod = Pod();
        pod.Status = null;
        Assert.Equal("", Printing.PodStatus(pod)); // was Unknown
        Assert.Equal(0, Printing.PodRestarts(pod));
    }
}
