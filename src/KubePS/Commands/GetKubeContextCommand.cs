using System.Management.Automation;
using KubePS.Completion;
using KubePS.Engine.Connection;
using KubePS.Engine.Errors;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Lists the contexts of the kubeconfig in effect.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeContext", DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(KubeContextInfo))]
public sealed class GetKubeContextCommand : KubeCmdlet
{
    private const string DefaultSet = "Default";
    private const string CurrentSet = "Current";

    private string? _kubeconfigPath;

    /// <summary>Context names to return; wildcards allowed.</summary>
    [Parameter(Position = 0, ParameterSetName = DefaultSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Return only the current context (the session's, else current-context).</summary>
    [Parameter(Mandatory = true, ParameterSetName = CurrentSet)]
    public SwitchParameter Current { get; set; }

    /// <summary>A kubeconfig file to read instead of $env:KUBECONFIG / ~/.kube/config.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Kubeconfig { get; set; }

    protected override void PrepareProcessRecord() =>
        _kubeconfigPath = string.IsNullOrEmpty(Kubeconfig) ? null : ResolvePath(Kubeconfig);

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var config = KubeConfigLoader.Load(_kubeconfigPath);
        var sessionContext = Session.GetContext(_kubeconfigPath);
        var current = sessionContext is not null && config.Contexts.ContainsKey(sessionContext) ? sessionContext : config.CurrentContext;
        var contexts = KubeContextService.GetContexts(config, current).Select(ApplySessionNamespace).ToList();

        if (Current.IsPresent)
        {
            var match = contexts.FirstOrDefault(c => c.IsCurrent);
            if (match is null)
            {
                throw new KubeException(KubeErrorKind.KubeContextNotFound,
                    string.IsNullOrEmpty(current)
                        ? $"No current context is set. Known contexts: {string.Join(", ", config.ContextNames)}."
                        : $"The current context '{current}' is not defined. Known contexts: {string.Join(", ", config.ContextNames)}.")
                { Target = current };
            }

            Emit(match);
            return Task.CompletedTask;
        }

        if (Name is null || Name.Length == 0)
        {
            EmitEnumerated(contexts);
            return Task.CompletedTask;
        }

        foreach (var name in Name)
        {
            var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            var matches = contexts.Where(c => pattern.IsMatch(c.Name)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                EmitError(new KubeException(KubeErrorKind.KubeContextNotFound,
                    $"Context '{name}' is not defined in {string.Join(", ", config.Files)}. Known contexts: {string.Join(", ", config.ContextNames)}.")
                { Target = name }, name);
                continue;
            }

            EmitEnumerated(matches);
        }

        return Task.CompletedTask;
    }

    private KubeContextInfo ApplySessionNamespace(KubeContextInfo context) =>
        Session.GetNamespace(context.Name) is { } ns
            ? new KubeContextInfo
            {
                Name = context.Name,
                Cluster = context.Cluster,
                User = context.User,
                Namespace = ns,
                Server = context.Server,
                IsCurrent = context.IsCurrent,
                Source = context.Source,
            }
            : context;
}
