using System.Management.Automation;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets persistent volume claims as typed objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubePersistentVolumeClaim")]
[OutputType(typeof(V1PersistentVolumeClaim))]
public sealed class GetKubePersistentVolumeClaimCommand : KubeTypedGetCmdlet
{
    protected override string ResourceKind => "persistentvolumeclaims";

    protected override string ResourceApiVersion => "v1";
}
