using System.Management.Automation;
using KubePS.Completion;
using KubePS.Engine.Connection;

namespace KubePS;

/// <summary>
/// Base of every cmdlet that talks to a cluster. Adds the common parameters -Context, -Kubeconfig,
/// -Namespace (alias -Ns) and -ConnectTimeout, and resolves them (with Set-KubeContext's session defaults)
/// into a cached <see cref="KubeConnection"/>.
/// </summary>
/// <example>
/// <code>
/// // plus the [Cmdlet] attribute with the verb and noun, and [OutputType]
/// public sealed class GetKubeThingCommand : KubeClusterCmdlet
/// {
///     protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
///     {
///         var connection = await ConnectAsync(cancellationToken);
///         var list = await connection.CallAsync((client, ct) => client.CoreV1.ListNamespacedPodAsync(EffectiveNamespace, cancellationToken: ct), cancellationToken);
///         EmitEnumerated(list.Items);
///     }
/// }
/// </code>
/// </example>
public abstract class KubeClusterCmdlet : KubeCmdlet
{
    private KubeConnection? _connection;
    private (string?, string?) _connectedFor;
    private bool _warned;

    /// <summary>The kubeconfig context to use for this call (default: the session's, else current-context).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    /// <summary>A kubeconfig file to use instead of $env:KUBECONFIG / ~/.kube/config.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Kubeconfig { get; set; }

    /// <summary>
    /// The namespace (default: the session's for the context, else the context's namespace, else "default").
    /// Null and empty are allowed so that cluster-scoped objects (whose Namespace is null) pipe in by property name.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Ns")]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [AllowNull]
    [AllowEmptyString]
    public virtual string? Namespace { get; set; }

    /// <summary>Seconds to wait for a connection to the API server before failing with KubeUnreachable (default 10).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int ConnectTimeout { get; set; } = 10;

    /// <summary>The connection of this call, after <see cref="ConnectAsync"/>.</summary>
    protected KubeConnection Connection => _connection ?? throw new InvalidOperationException("Call ConnectAsync first.");

    /// <summary>
    /// The namespace to use: -Namespace, else the session's namespace for the context, else the context's
    /// namespace, else "default". Valid after <see cref="ConnectAsync"/>.
    /// </summary>
    protected string EffectiveNamespace =>
        !string.IsNullOrEmpty(Namespace) ? Namespace : Session.GetNamespace(Connection.ContextName) ?? Connection.DefaultNamespace;

    /// <summary>The full path of -Kubeconfig (resolved against the current location), or null.</summary>
    protected string? KubeconfigPath { get; private set; }

    /// <inheritdoc />
    protected override void PrepareProcessRecord()
    {
        base.PrepareProcessRecord();
        KubeconfigPath = string.IsNullOrEmpty(Kubeconfig) ? null : ResolvePath(Kubeconfig);
        if (_connection is not null && (_connectedFor != (KubeconfigPath, Context)))
        {
            _connection = null; // pipeline input changed -Context or -Kubeconfig
        }
    }

    /// <summary>
    /// Returns the cached connection for -Kubeconfig/-Context (or the session defaults). Connects once per cmdlet
    /// invocation; the client itself is cached per process. Warns when the cluster skips TLS verification.
    /// </summary>
    protected async Task<KubeConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            return _connection;
        }

        var request = new KubeConnectionRequest
        {
            Kubeconfig = KubeconfigPath,
            Context = !string.IsNullOrEmpty(Context) ? Context : Session.GetContext(KubeconfigPath),
            ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeout),
        };
        var connection = await KubeConnectionFactory.ConnectAsync(request, cancellationToken).ConfigureAwait(false);
        if (connection.InsecureSkipTlsVerify && !_warned)
        {
            _warned = true;
            EmitWarning($"Context '{connection.ContextName}' skips TLS verification (insecure-skip-tls-verify): the server {connection.Server} is not authenticated.");
        }

        _connectedFor = (KubeconfigPath, Context);
        _connection = connection;
        return connection;
    }
}
