using System.Management.Automation;
using KubePS.Engine.Version;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Shows the KubePS client version and the API server's version.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeVersion", DefaultParameterSetName = ServerSet)]
[OutputType(typeof(KubeVersionInfo))]
public sealed class GetKubeVersionCommand : KubeClusterCmdlet
{
    private const string ServerSet = "Server";
    private const string ClientOnlySet = "ClientOnly";

    /// <summary>Show only the client versions; do not contact the server.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClientOnlySet)]
    public SwitchParameter ClientOnly { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        if (ClientOnly.IsPresent)
        {
            Emit(KubeVersionService.GetClientVersion());
            return;
        }

        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        Emit(await KubeVersionService.GetAsync(connection, cancellationToken).ConfigureAwait(false));
    }
}
