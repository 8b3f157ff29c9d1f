using System.Management.Automation;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets stateful sets as typed objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeStatefulSet")]
[OutputType(typeof(V1StatefulSet))]
public sealed class GetKubeStatefulSetCommand : KubeTypedGetCmdlet
{
    protected override string ResourceKind => "statefulsets.apps";

    protected override string ResourceApiVersion => "apps/v1";
}
