using System.Management.Automation;
using KubePS.Completion;
using KubePS.Engine.Errors;
using KubePS.Engine.Resources;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>
/// Shared parameters and behaviour of the Get-Kube* cmdlets: exact names are one GET each, wildcards
/// list and filter, lists stream page by page, a wildcard that matches nothing is not an error.
/// </summary>
public abstract class KubeGetCmdlet : KubeClusterCmdlet
{
    /// <summary>Names or wildcard patterns.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ResourceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public virtual string[]? Name { get; set; }

    /// <summary>List across all namespaces (kubectl -A).</summary>
    [Parameter]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>A label selector (kubectl -l): app=web,tier in (front,back),!legacy.</summary>
    [Parameter]
    [Alias("l", "LabelSelector")]
    [ArgumentCompleter(typeof(LabelSelectorCompleter))]
    public string? Selector { get; set; }

    /// <summary>A field selector: metadata.name=web, status.phase=Running.</summary>
    [Parameter]
    public string? FieldSelector { get; set; }

    /// <summary>
    /// Runs the find for <paramref name="kind"/> and writes every object. With <paramref name="builtin"/> an everyday
    /// built-in kind is used without discovery (the typed shortcuts).
    /// </summary>
    protected async Task FindAndEmitAsync(string kind, string? apiVersion, CancellationToken cancellationToken,
        string? extraFieldSelector = null, Func<object, bool>? filter = null, Func<object, object>? project = null, bool builtin = false)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var exact = new List<string>();
        var patterns = new List<WildcardPattern>();
        foreach (var n in Name ?? Array.Empty<string>())
        {
            if (WildcardPattern.ContainsWildcardCharacters(n))
            {
                patterns.Add(WildcardPattern.Get(n, WildcardOptions.IgnoreCase));
            }
            else
            {
                exact.Add(n);
            }
        }
        var fieldSelector = string.IsNullOrEmpty(extraFieldSelector) ? FieldSelector
            : string.IsNullOrEmpty(FieldSelector) ? extraFieldSelector : FieldSelector + "," + extraFieldSelector;
        var baseRequest = new FindRequest
        {
            Kind = kind,
            ApiVersion = apiVersion,
            Namespace = EffectiveNamespace,
            AllNamespaces = AllNamespaces.IsPresent,
            LabelSelector = Selector,
            FieldSelector = fieldSelector,
        };
        var client = connection.Client;
        var resource = (builtin ? Engine.Discovery.BuiltinResources.Find(kind) : null)
            ?? await connection.CallAsync((c, ct) => Engine.Discovery.DiscoveryCache.For(c).ResolveAsync(kind, apiVersion, ct), cancellationToken).ConfigureAwait(false);
        void OnError(KubeException ex) => EmitError(ex, ex.Target);

        async Task Run(FindRequest request)
        {
            await foreach (var o in ResourceFinder.FindAsync(client, resource, request, OnError, cancellationToken).ConfigureAwait(false))
            {
                if (filter is null || filter(o))
                {
                    Emit(KubeObjects.ToPipeline(project is null ? o : project(o)));
                }
            }
        }

        if (exact.Count > 0)
        {
            await Run(baseRequest with { ExactNames = exact }).ConfigureAwait(false);
        }
        if (patterns.Count > 0 || exact.Count == 0)
        {
            Func<string, bool>? nameFilter = patterns.Count == 0 ? null : n => patterns.Any(p => p.IsMatch(n));
            await Run(baseRequest with { NameFilter = nameFilter }).ConfigureAwait(false);
        }
    }
}
