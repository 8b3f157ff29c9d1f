using System.Management.Automation;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets nodes as typed objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeNode")]
[OutputType(typeof(V1Node))]
public sealed class GetKubeNodeCommand : KubeTypedGetCmdlet
{
    protected override string ResourceKind => "nodes";

    protected override string ResourceApiVersion => "v1";
}
