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
}
