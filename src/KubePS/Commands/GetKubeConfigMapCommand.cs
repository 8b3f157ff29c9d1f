using System.Management.Automation;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets config maps as typed objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeConfigMap")]
[OutputType(typeof(V1ConfigMap))]
public sealed class GetKubeConfigMapCommand : KubeTypedGetCmdlet
{
    protected override string ResourceKind => "configmaps";

    protected override string ResourceApiVersion => "v1";
}
