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

    /// <summary>Registers the CRD's printer columns as this kind's table view, once per session.</summary>
    private async Task RegisterPrinterColumnsAsync(k8s.IKubernetes client, Engine.Discovery.ApiResourceInfo resource, CancellationToken cancellationToken)
    {
        var group = resource.Group.Length == 0 ? "core" : resource.Group;
        var typeName = KubeObjects.ResourceTypeName + "#" + group + "/" + resource.Kind;
        if (!PrinterColumnViews.NeedsView(typeName))
        {
            return;
        }
        var columns = await PrinterColumnViews.GetColumnsAsync(client, resource, cancellationToken).ConfigureAwait(false);
        if (columns is null)
        {
            return;
        }
        var xml = PrinterColumnViews.BuildFormatXml(typeName, columns, resource.Namespaced);
        // PowerShell re-reads every registered format file on each Update-FormatData, so the file stays for the session.
        var dir = Path.Combine(Path.GetTempPath(), "kubeps-views-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, Guid.NewGuid().ToString("n") + ".format.ps1xml");
        await File.WriteAllTextAsync(file, xml, cancellationToken).ConfigureAwait(false);
        try
        {
            await InvokeOnPipelineThreadAsync(() =>
            {
                InvokeCommand.InvokeScript("param($p) Update-FormatData -PrependPath $p", false, System.Management.Automation.Runspaces.PipelineResultTypes.None, null, file);
                return true;
            }).ConfigureAwait(false);
            PrinterColumnViews.MarkRegistered(typeName);
        }
        catch (Exception ex) when (ex is RuntimeException or InvalidOperationException)
        {
            EmitVerbose($"No table view for {typeName}: {ex.Message}");
        }
    }

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
        if (ModelTypeMap.Find(resource.ApiVersion, resource.Kind) is null)
        {
            await RegisterPrinterColumnsAsync(connection.Client, resource, cancellationToken).ConfigureAwait(false);
        }

        async Task Run(FindRequest request)
        {
            // A page at a time: wrapped here on the worker thread, written in small chunks on the pipeline thread.
            await foreach (var batch in ResourceFinder.FindBatchesAsync(client, resource, request, OnError, cancellationToken).ConfigureAwait(false))
            {
                var objects = new List<object>(batch.Count);
                foreach (var o in batch)
                {
                    if (filter is null || filter(o))
                    {
                        objects.Add(KubeObjects.ToPipeline(project is null ? o : project(o)));
                    }
                }
                EmitAll(objects);
            }
        }

        if (exact.Count > 0)
        {
            await Run(baseRequest with { ExactNames = exact }).ConfigureAwait(false);
        }
        if (patterns.Count > 0 || exact.Count == 0)
        {
            Func<string, bool>? nameFilter = patterns.Count == 0 ? null : n => patterns.Any(p => p.IsMatch(n));
            try
            {
                await Run(baseRequest with { NameFilter = nameFilter }).ConfigureAwait(false);
            }
            catch (KubeException ex) when (ex.Kind == KubeErrorKind.KubeForbidden)
            {
                // Listing one namespace of several (namespaces piped in): say which one is forbidden and go on with the others.
                var where = resource.Namespaced && !AllNamespaces.IsPresent ? $" in namespace \"{EffectiveNamespace}\"" : " across all namespaces";
                EmitError(new KubeException(KubeErrorKind.KubeForbidden, $"Listing {resource.FullName}{where} is forbidden: {ex.Message}", ex)
                {
                    Target = resource.Namespaced && !AllNamespaces.IsPresent ? EffectiveNamespace : resource.FullName,
                    StatusCode = 403,
                    Reason = ex.Reason,
                    RecommendedAction = "Ask for list rights on this namespace (kubectl auth can-i list " + resource.FullName + "), or leave it out.",
                }, EffectiveNamespace);
            }
        }
    }
}
