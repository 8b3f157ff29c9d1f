using System.Management.Automation;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets services as typed objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeService")]
[OutputType(typeof(V1Service))]
public sealed class GetKubeServiceCommand : KubeTypedGetCmdlet
{
    protected override string ResourceKind => "services";

    protected override string ResourceApiVersion => "v1";
}
