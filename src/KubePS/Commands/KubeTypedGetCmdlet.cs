using System.Management.Automation;

namespace KubePS.Commands;

/// <summary>The kinds behind the typed Get-Kube* shortcuts (for completion and for the shortcuts themselves).</summary>
public static class TypedKinds
{
    private static readonly Dictionary<string, string> ByCommand = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Get-KubePod"] = "pods",
        ["Get-KubeDeployment"] = "deployments.apps",
        ["Get-KubeReplicaSet"] = "replicasets.apps",
        ["Get-KubeStatefulSet"] = "statefulsets.apps",
        ["Get-KubeDaemonSet"] = "daemonsets.apps",
        ["Get-KubeJob"] = "jobs.batch",
        ["Get-KubeCronJob"] = "cronjobs.batch",
        ["Get-KubeService"] = "services",
        ["Get-KubeIngress"] = "ingresses.networking.k8s.io",
        ["Get-KubeConfigMap"] = "configmaps",
        ["Get-KubeSecret"] = "secrets",
        ["Get-KubeNamespace"] = "namespaces",
        ["Get-KubeNode"] = "nodes",
        ["Get-KubePersistentVolumeClaim"] = "persistentvolumeclaims",
        ["Get-KubeEvent"] = "events",
    };

    public static string? ForCommand(string? commandName) =>
        commandName is not null && ByCommand.TryGetValue(commandName, out var kind) ? kind : null;
}

/// <summary>A typed Get-Kube* shortcut: Get-KubeResource for one fixed kind.</summary>
public abstract class KubeTypedGetCmdlet : KubeGetCmdlet
{
    /// <summary>The kind as discovery names it (pods, deployments.apps).</summary>
    protected abstract string ResourceKind { get; }

    /// <summary>The API version of the typed model this shortcut returns.</summary>
    protected abstract string ResourceApiVersion { get; }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken) =>
        FindAndEmitAsync(ResourceKind, ResourceApiVersion, cancellationToken, builtin: true);
}
