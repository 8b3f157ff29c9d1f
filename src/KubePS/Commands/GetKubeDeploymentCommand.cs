using System.Management.Automation;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets deployments as typed objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeDeployment")]
[OutputType(typeof(V1Deployment))]
public sealed class GetKubeDeploymentCommand : KubeTypedGetCmdlet
{
    protected override string ResourceKind => "deployments.apps";

    protected override string ResourceApiVersion => "apps/v1";
}
