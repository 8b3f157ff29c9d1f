using System.Management.Automation;
using k8s;
using k8s.Models;
using KubePS.Completion;
using KubePS.Engine.Resources;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets pods, by name, selector, node or phase, or the pods of workloads piped in.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubePod", DefaultParameterSetName = NameSet)]
[OutputType(typeof(V1Pod))]
public sealed class GetKubePodCommand : KubeGetCmdlet
{
    private const string NameSet = "Name";
    private const string InputSet = "InputObject";

    /// <summary>Pod names or wildcard patterns.</summary>
    [Parameter(Position = 0, ParameterSetName = NameSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ResourceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public override string[]? Name { get; set; }

    /// <summary>
    /// A pod (refreshed), a workload (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job: its pods, by its selector),
    /// a namespace (its pods), or a pod name.
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
    public PSObject? InputObject { get; set; }

    /// <summary>Only pods scheduled on this node (spec.nodeName).</summary>
    [Parameter]
    public string? Node { get; set; }

    /// <summary>Only pods in this phase (status.phase).</summary>
    [Parameter]
    [ValidateSet("Pending", "Running", "Succeeded", "Failed", "Unknown")]
    public string? Phase { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var fields = Phase is null ? null : "status.phase=" + Phase;
        bool Filter(object o) => Node is null || (o is V1Pod p && string.Equals(p.Spec?.NodeName, Node, StringComparison.Ordinal));

        if (ParameterSetName == InputSet && InputObject is not null)
        {
            var input = InputObject.BaseObject;
            var selector = SelectorOf(input);
            if (selector is not null)
            {
                Namespace = NamespaceOf(input) ?? Namespace;
                var saved = Selector;
                Selector = string.IsNullOrEmpty(saved) ? selector : saved + "," + selector;
                Name = null;
                await FindAndEmitAsync("pods", "v1", cancellationToken, fields, Filter, builtin: true).ConfigureAwait(false);
                Selector = saved;
                return;
            }
            if (input is V1Namespace nsObject)
            {
                // Get-KubeNamespace | Get-KubePod: the pods of each namespace piped in.
                Namespace = nsObject.Metadata?.Name ?? Namespace;
                Name = null;
            }
            else if (input is V1Pod pod)
            {
                Namespace = pod.Metadata?.NamespaceProperty ?? Namespace;
                Name = new[] { pod.Metadata?.Name ?? "" };
            }
            else if (input is string s)
            {
                Name = new[] { s };
            }
            else
            {
                var name = InputObject.Properties["Name"]?.Value as string;
                Namespace = InputObject.Properties["Namespace"]?.Value as string ?? Namespace;
                Name = name is null ? null : new[] { name };
            }
        }
        await FindAndEmitAsync("pods", "v1", cancellationToken, fields, Filter, builtin: true).ConfigureAwait(false);
    }

    private static string? SelectorOf(object input) => input switch
    {
        V1Deployment d => KubeColumns.FormatSelector(d.Spec?.Selector),
        V1ReplicaSet r => KubeColumns.FormatSelector(r.Spec?.Selector),
        V1StatefulSet s => KubeColumns.FormatSelector(s.Spec?.Selector),
        V1DaemonSet ds => KubeColumns.FormatSelector(ds.Spec?.Selector),
        V1Job j => KubeColumns.FormatSelector(j.Spec?.Selector),
        _ => null,
    };

    private static string? NamespaceOf(object input) => input is IKubernetesObject<V1ObjectMeta> ko ? ko.Metadata?.NamespaceProperty : null;
}
