using System.Management.Automation;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets cron jobs as typed objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeCronJob")]
[OutputType(typeof(V1CronJob))]
public sealed class GetKubeCronJobCommand : KubeTypedGetCmdlet
{
    protected override string ResourceKind => "cronjobs.batch";

    protected override string ResourceApiVersion => "batch/v1";
}
