using System.Management.Automation;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets replica sets as typed objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeReplicaSet")]
[OutputType(typeof(V1ReplicaSet))]
public sealed class GetKubeReplicaSetCommand : KubeTypedGetCmdlet
{
    protected override string ResourceKind => "replicasets.apps";

    protected override string ResourceApiVersion => "apps/v1";
}
