using System.Collections;
using System.Management.Automation;
using System.Text;
using k8s.Models;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets secrets; their values are shown only with -Decode.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeSecret")]
[OutputType(typeof(V1Secret))]
public sealed class GetKubeSecretCommand : KubeTypedGetCmdlet
{
    /// <summary>Adds a DecodedData property with the values as text (UTF-8). Without it, the views show only key counts.</summary>
    [Parameter]
    public SwitchParameter Decode { get; set; }

    protected override string ResourceKind => "secrets";

    protected override string ResourceApiVersion => "v1";

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken) =>
        FindAndEmitAsync(ResourceKind, ResourceApiVersion, cancellationToken, builtin: true, project: o =>
        {
            if (!Decode.IsPresent || o is not V1Secret secret)
            {
                return o;
            }
            var pso = PSObject.AsPSObject(secret);
            var decoded = new Hashtable(StringComparer.Ordinal);
            foreach (var kv in secret.Data ?? new Dictionary<string, byte[]>())
            {
                decoded[kv.Key] = Encoding.UTF8.GetString(kv.Value);
            }
            pso.Properties.Add(new PSNoteProperty("DecodedData", decoded));
            return pso;
        });
}
