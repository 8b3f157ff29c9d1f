using System.Management.Automation;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets jobs as typed objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeJob")]
[OutputType(typeof(V1Job))]
public sealed class GetKubeJobCommand : KubeTypedGetCmdlet
{
    protected override string ResourceKind => "jobs.batch";

    protected override string ResourceApiVersion => "batch/v1";
}
