using System.Text.Json.Nodes;

namespace KubePS.Engine.Apply;

/// <summary>
/// The order of kinds in an apply: what other objects depend on goes first. Objects in one wave are
/// applied in parallel; waves one after the other.
/// </summary>
public static class ApplyOrdering
{
    private static readonly string[][] Waves =
    {
        // 0: definitions of kinds, and namespaces
        new[] { "CustomResourceDefinition", "Namespace" },
        // 1: cluster policy and identities, storage classes, priority classes
        new[] { "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "PriorityClass", "IngressClass", "RuntimeClass", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList" },
        // 2: everything else (workloads, services, custom resources)
        Array.Empty<string>(),
        // 3: admission webhooks last, so they do not reject the objects they are shipped with
        new[] { "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "APIService" },
    };

    /// <summary>The wave of a kind: 0 = CRDs and Namespaces, 1 = config and RBAC, 2 = the rest, 3 = webhooks.</summary>
    public static int WaveOf(string? kind)
    {
        for (var i = 0; i < Waves.Length; i++)
        {
            if (Waves[i].Contains(kind, StringComparer.Ordinal))
            {
                return i;
            }
        }
        return 2;
    }

    /// <summary>Groups items into waves (stable within a wave: the input order is kept).</summary>
    public static IReadOnlyList<IReadOnlyList<T>> InWaves<T>(IEnumerable<T> items, Func<T, string?> kindOf) =>
        items.Select((item, index) => (item, index))
            .GroupBy(x => WaveOf(kindOf(x.item)))
            .OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<T>)g.OrderBy(x => x.index).Select(x => x.item).ToList())
            .ToList();

    /// <summary>The order for deletes: the reverse of apply (workloads before namespaces and CRDs).</summary>
    public static IReadOnlyList<IReadOnlyList<T>> InDeleteWaves<T>(IEnumerable<T> items, Func<T, string?> kindOf) =>
        InWaves(items, kindOf).Reverse().ToList();

    /// <summary>(group, kind) of the custom resources a CRD object defines, or null when it is not a CRD.</summary>
    public static (string Group, string Kind, string Plural)? CrdDefines(JsonObject obj)
    {
        if (obj["kind"]?.GetValue<string>() != "CustomResourceDefinition" || obj["spec"] is not JsonObject spec)
        {
            return null;
        }
        var group = spec["group"]?.GetValue<string>();
        var kind = spec["names"]?["kind"]?.GetValue<string>();
        var plural = spec["names"]?["plural"]?.GetValue<string>() ?? "";
        return group is null || kind is null ? null : (group, kind, plural);
    }
}
