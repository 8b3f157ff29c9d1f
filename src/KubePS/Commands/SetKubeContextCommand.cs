using System.Management.Automation;
using KubePS.Completion;
using KubePS.Engine.Connection;
using KubePS.Engine.Errors;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Sets the default context and namespace for this session, and optionally in the kubeconfig file.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "KubeContext", SupportsShouldProcess = true, DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(KubeContextInfo))]
public sealed class SetKubeContextCommand : KubeCmdlet
{
    private const string DefaultSet = "Default";

    private string? _kubeconfigPath;

    /// <summary>The context to make the default. Omit it to change only the namespace of the current context.</summary>
    [Parameter(Position = 0, ParameterSetName = DefaultSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>The default namespace for the context.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [Alias("Ns")]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>Also write current-context (and the context's namespace) into the kubeconfig file, as kubectl config use-context does.</summary>
    [Parameter]
    public SwitchParameter Persist { get; set; }

    /// <summary>Output the resulting context.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>A kubeconfig file to use instead of $env:KUBECONFIG / ~/.kube/config.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Kubeconfig { get; set; }

    protected override void PrepareProcessRecord() =>
        _kubeconfigPath = string.IsNullOrEmpty(Kubeconfig) ? null : ResolvePath(Kubeconfig);

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(Name) && string.IsNullOrEmpty(Namespace))
        {
            throw Terminate(new ErrorRecord(
                new ArgumentException("Give -Name, -Namespace, or both."), "KubeContextArgumentMissing", ErrorCategory.InvalidArgument, null));
        }

        var config = KubeConfigLoader.Load(_kubeconfigPath);
        var sessionContext = Session.GetContext(_kubeconfigPath);
        var name = !string.IsNullOrEmpty(Name) ? Name : sessionContext ?? config.CurrentContext;
        name = KubeConnectionFactory.ResolveContextName(config, name); // KubeContextNotFound lists the known ones
        var context = config.Contexts[name];

        if (Persist.IsPresent && !config.IsInCluster)
        {
            if (!string.IsNullOrEmpty(Name))
            {
                var file = config.CurrentContextFile ?? config.Files[0];
                if (await ShouldProcessAsync(file, $"Set current-context to '{name}'").ConfigureAwait(false))
                {
                    KubeConfigEditor.SetCurrentContext(file, name);
                }
            }

            if (!string.IsNullOrEmpty(Namespace))
            {
                var file = context.Source.File;
                if (await ShouldProcessAsync(file, $"Set the namespace of context '{name}' to '{Namespace}'").ConfigureAwait(false))
                {
                    KubeConfigEditor.SetContextNamespace(file, name, Namespace);
                }
            }
        }

        if (!string.IsNullOrEmpty(Name))
        {
            Session.SetContext(_kubeconfigPath, name);
        }

        if (!string.IsNullOrEmpty(Namespace))
        {
            Session.SetNamespace(name, Namespace);
        }

        if (PassThru.IsPresent)
        {
            var reloaded = KubeConfigLoader.Load(_kubeconfigPath);
            var info = KubeContextService.GetContexts(reloaded, name).FirstOrDefault(c => c.Name == name);
            if (info is not null)
            {
                Emit(new KubeContextInfo
                {
                    Name = info.Name,
                    Cluster = info.Cluster,
                    User = info.User,
                    Namespace = Session.GetNamespace(name) ?? info.Namespace,
                    Server = info.Server,
                    IsCurrent = true,
                    Source = info.Source,
                });
            }
        }
    }
}
