namespace KubePS.Engine.Discovery;

/// <summary>
/// Resolves what a user types for a kind (po, pods, pod, Pod, deploy, deployments.apps,
/// deployments.v1.apps, Widget.example.com) against the discovered resources, the way kubectl does.
/// Pure logic over a list, so it is tested without a server.
/// </summary>
public static class ResourceNameResolver
{
    /// <summary>
    /// Finds the resource for <paramref name="input"/>; null when nothing matches.
    /// <paramref name="apiVersion"/> (v1, apps/v1) narrows the search when given.
    /// </summary>
    public static ApiResourceInfo? Resolve(IReadOnlyList<ApiResourceInfo> resources, string input, string? apiVersion = null)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return null;
        }
        var text = input.Trim();
        IEnumerable<ApiResourceInfo> pool = resources;
        if (!string.IsNullOrEmpty(apiVersion))
        {
            pool = pool.Where(r => string.Equals(r.ApiVersion, apiVersion, StringComparison.OrdinalIgnoreCase));
        }
        var list = pool.ToList();

        // 1. The whole text names a resource (pods, po, pod, Pod).
        var match = Best(list.Where(r => Names(r, text)));
        if (match is not null)
        {
            return match;
        }

        // 2. name.group or name.version.group (deployments.apps, deployments.v1.apps, Widget.example.com).
        var dot = text.IndexOf('.');
        while (dot > 0)
        {
            var name = text[..dot];
            var rest = text[(dot + 1)..];
            match = Best(list.Where(r => Names(r, name) && string.Equals(r.Group, rest, StringComparison.OrdinalIgnoreCase)));
            if (match is not null)
            {
                return match;
            }
            var versionDot = rest.IndexOf('.');
            if (versionDot > 0)
            {
                var version = rest[..versionDot];
                var group = rest[(versionDot + 1)..];
                match = list.FirstOrDefault(r => Names(r, name)
                    && string.Equals(r.Version, version, StringComparison.OrdinalIgnoreCase)
                    && string.Equals(r.Group, group, StringComparison.OrdinalIgnoreCase));
                if (match is not null)
                {
                    return match;
                }
            }
            dot = text.IndexOf('.', dot + 1);
            // Only the first segment can be the resource name; stop after trying it.
            break;
        }
        return null;
    }

    /// <summary>Close names for an unknown input (edit distance or prefix), for "did you mean".</summary>
    public static IReadOnlyList<string> Suggest(IReadOnlyList<ApiResourceInfo> resources, string input, int max = 3)
    {
        var text = input.Trim().ToLowerInvariant();
        var candidates = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in resources)
        {
            foreach (var n in new[] { r.Plural, r.Singular, r.Kind.ToLowerInvariant() }.Concat(r.ShortNames))
            {
                if (string.IsNullOrEmpty(n))
                {
                    continue;
                }
                var d = Distance(text, n.ToLowerInvariant());
                if (n.StartsWith(text, StringComparison.OrdinalIgnoreCase) || text.StartsWith(n, StringComparison.OrdinalIgnoreCase))
                {
                    d = Math.Min(d, 1);
                }
                var display = r.Plural + (r.Group.Length > 0 ? "." + r.Group : "");
                if (d <= Math.Max(2, text.Length / 4) && (!candidates.TryGetValue(display, out var old) || d < old))
                {
                    candidates[display] = d;
                }
            }
        }
        return candidates.OrderBy(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(max).Select(kv => kv.Key).ToList();
    }

    private static bool Names(ApiResourceInfo r, string name) =>
        string.Equals(r.Plural, name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(r.Singular, name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(r.Kind, name, StringComparison.OrdinalIgnoreCase)
        || r.ShortNames.Any(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase));

    // Among several versions and groups, kubectl prefers the core group, then preferred versions.
    private static ApiResourceInfo? Best(IEnumerable<ApiResourceInfo> matches) =>
        matches
            .OrderBy(r => r.Group.Length == 0 ? 0 : 1)
            .ThenBy(r => r.Preferred ? 0 : 1)
            .ThenBy(r => r.Group.EndsWith(".k8s.io", StringComparison.Ordinal) || !r.Group.Contains('.') ? 0 : 1)
            .FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
