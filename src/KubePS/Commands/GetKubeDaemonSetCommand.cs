using System.Management.Automation;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets daemon sets as typed objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeDaemonSet")]
[OutputType(typeof(V1DaemonSet))]
public sealed class GetKubeDaemonSetCommand : KubeTypedGetCmdlet
{
    protected override string ResourceKind => "daemonsets.apps";

    protected override string ResourceApiVersion => "apps/v1";
}
