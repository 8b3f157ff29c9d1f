using System.Management.Automation;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets namespaces as typed objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeNamespace")]
[OutputType(typeof(V1Namespace))]
public sealed class GetKubeNamespaceCommand : KubeTypedGetCmdlet
{
    protected override string ResourceKind => "namespaces";

    protected override string ResourceApiVersion => "v1";
}
