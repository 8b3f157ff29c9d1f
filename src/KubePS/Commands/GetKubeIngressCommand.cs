using System.Management.Automation;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets ingresses as typed objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeIngress")]
[OutputType(typeof(V1Ingress))]
public sealed class GetKubeIngressCommand : KubeTypedGetCmdlet
{
    protected override string ResourceKind => "ingresses.networking.k8s.io";

    protected override string ResourceApiVersion => "networking.k8s.io/v1";
}
