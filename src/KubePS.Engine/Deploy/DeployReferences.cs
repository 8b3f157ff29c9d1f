using System.Text.Json.Nodes;
using KubePS.Engine.Apply;

namespace KubePS.Engine.Deploy;

/// <summary>
/// A reference from one object to another. <see cref="MustExist"/> references (a pod's ConfigMap, Secret,
/// ServiceAccount, claim; an Ingress's Service) are dangling when the object is neither in the set nor in the
/// cluster; the others (roleRef, scaleTargetRef, a StatefulSet's serviceName) only order the deploy when the
/// target is in the set.
/// </summary>
public sealed record DeployReference(string Kind, string? Namespace, string Name, string Detail, bool MustExist);

/// <summary>A parsed dependency: "Kind/name", "Kind/namespace/name", optionally "=Ready", "=Applied" or "=&lt;wait condition&gt;".</summary>
public sealed record DeployDependencySpec(string Kind, string? Namespace, string Name, string? Gate, string Text)
{
    public override string ToString() => Text;
}

/// <summary>Finds references in objects and parses dependency lists.</summary>
public static class DeployReferences
{
    /// <summary>Splits "a, b,c" (commas or newlines).</summary>
    public static IEnumerable<string> SplitList(string text) =>
        text.Split(new[] { ',', '\n', ';' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(s => s.Length > 0);

    /// <summary>Parses one dependency; null when it is not Kind/name or Kind/namespace/name.</summary>
    public static DeployDependencySpec? ParseDependency(string text)
    {
        var t = text.Trim();
        string? gate = null;
        var eq = t.IndexOf('=');
        if (eq >= 0)
        {
            gate = t[(eq + 1)..].Trim();
            t = t[..eq].Trim();
        }
        var parts = t.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Trim().Length == 0))
        {
            return null;
        }
        // "apps/Deployment/name" is not supported: kinds are unique enough within one application.
        return parts.Length == 2
            ? new DeployDependencySpec(parts[0].Trim(), null, parts[1].Trim(), string.IsNullOrEmpty(gate) ? null : gate, text.Trim())
            : new DeployDependencySpec(parts[0].Trim(), parts[1].Trim(), parts[2].Trim(), string.IsNullOrEmpty(gate) ? null : gate, text.Trim());
    }

    /// <summary>The references an object makes (namespace filled in from <paramref name="ns"/> for namespaced targets).</summary>
    public static List<DeployReference> Find(JsonObject obj, string? ns)
    {
        var refs = new List<DeployReference>();
        var kind = obj["kind"]?.GetValue<string>();
        var (path, pod) = ResourceChanges.FindPodSpec(obj);
        if (pod is not null && ns is not null)
        {
            PodSpec(pod, ns, path.TrimStart('/').Replace('/', '.'), refs);
        }
        var spec = obj["spec"] as JsonObject;
        switch (kind)
        {
            case "Ingress" when spec is not null && ns is not null:
                if (Str(spec["defaultBackend"]?["service"]?["name"]) is { } def)
                {
                    refs.Add(new("Service", ns, def, "spec.defaultBackend.service", true));
                }
                if (spec["rules"] is JsonArray rules)
                {
                    foreach (var rule in rules)
                    {
                        if (rule?["http"]?["paths"] is JsonArray paths)
                        {
                            foreach (var p in paths)
                            {
                                if (Str(p?["backend"]?["service"]?["name"]) is { } svc)
                                {
                                    refs.Add(new("Service", ns, svc, $"Ingress backend ({Str(rule?["host"]) ?? "*"}{Str(p?["path"]) ?? "/"})", true));
                                }
                            }
                        }
                    }
                }
                if (spec["tls"] is JsonArray tls)
                {
                    foreach (var t in tls)
                    {
                        if (Str(t?["secretName"]) is { } s)
                        {
                            refs.Add(new("Secret", ns, s, "spec.tls.secretName", false));
                        }
                    }
                }
                break;
            case "RoleBinding" or "ClusterRoleBinding":
                if (obj["roleRef"] is JsonObject roleRef && Str(roleRef["name"]) is { } roleName && Str(roleRef["kind"]) is { } roleKind)
                {
                    refs.Add(new(roleKind, roleKind == "Role" ? ns : null, roleName, "roleRef", false));
                }
                if (obj["subjects"] is JsonArray subjects)
                {
                    foreach (var s in subjects)
                    {
                        if (Str(s?["kind"]) == "ServiceAccount" && Str(s?["name"]) is { } sa)
                        {
                            refs.Add(new("ServiceAccount", Str(s?["namespace"]) ?? ns, sa, "subjects", false));
                        }
                    }
                }
                break;
            case "HorizontalPodAutoscaler" when spec is not null && ns is not null:
                if (Str(spec["scaleTargetRef"]?["kind"]) is { } tk && Str(spec["scaleTargetRef"]?["name"]) is { } tn)
                {
                    refs.Add(new(tk, ns, tn, "spec.scaleTargetRef", false));
                }
                break;
            case "StatefulSet" when spec is not null && ns is not null:
                if (Str(spec["serviceName"]) is { Length: > 0 } governing)
                {
                    refs.Add(new("Service", ns, governing, "spec.serviceName", false));
                }
                break;
            case "PodDisruptionBudget":
                break;
        }
        return refs;
    }

    private static void PodSpec(JsonObject pod, string ns, string at, List<DeployReference> refs)
    {
        if (Str(pod["serviceAccountName"]) is { } sa && sa != "default")
        {
            refs.Add(new("ServiceAccount", ns, sa, at + ".serviceAccountName", true));
        }
        if (pod["imagePullSecrets"] is JsonArray pulls)
        {
            foreach (var p in pulls)
            {
                if (Str(p?["name"]) is { } n)
                {
                    refs.Add(new("Secret", ns, n, at + ".imagePullSecrets", true));
                }
            }
        }
        if (pod["volumes"] is JsonArray volumes)
        {
            foreach (var v in volumes)
            {
                var vname = Str(v?["name"]) ?? "?";
                if (Str(v?["configMap"]?["name"]) is { } cm)
                {
                    refs.Add(new("ConfigMap", ns, cm, $"{at}.volumes[{vname}].configMap", !Optional(v?["configMap"])));
                }
                if (Str(v?["secret"]?["secretName"]) is { } sec)
                {
                    refs.Add(new("Secret", ns, sec, $"{at}.volumes[{vname}].secret", !Optional(v?["secret"])));
                }
                if (Str(v?["persistentVolumeClaim"]?["claimName"]) is { } claim)
                {
                    refs.Add(new("PersistentVolumeClaim", ns, claim, $"{at}.volumes[{vname}].persistentVolumeClaim", true));
                }
                if (v?["projected"]?["sources"] is JsonArray sources)
                {
                    foreach (var s in sources)
                    {
                        if (Str(s?["configMap"]?["name"]) is { } pcm)
                        {
                            refs.Add(new("ConfigMap", ns, pcm, $"{at}.volumes[{vname}].projected.configMap", !Optional(s?["configMap"])));
                        }
                        if (Str(s?["secret"]?["name"]) is { } psec)
                        {
                            refs.Add(new("Secret", ns, psec, $"{at}.volumes[{vname}].projected.secret", !Optional(s?["secret"])));
                        }
                    }
                }
            }
        }
        foreach (var list in new[] { "initContainers", "containers" })
        {
            if (pod[list] is not JsonArray containers)
            {
                continue;
            }
            foreach (var c in containers)
            {
                var cname = Str(c?["name"]) ?? "?";
                if (c?["envFrom"] is JsonArray envFrom)
                {
                    foreach (var e in envFrom)
                    {
                        if (Str(e?["configMapRef"]?["name"]) is { } cm)
                        {
                            refs.Add(new("ConfigMap", ns, cm, $"{at}.{list}[{cname}].envFrom.configMapRef", !Optional(e?["configMapRef"])));
                        }
                        if (Str(e?["secretRef"]?["name"]) is { } s)
                        {
                            refs.Add(new("Secret", ns, s, $"{at}.{list}[{cname}].envFrom.secretRef", !Optional(e?["secretRef"])));
                        }
                    }
                }
                if (c?["env"] is JsonArray env)
                {
                    foreach (var e in env)
                    {
                        var from = e?["valueFrom"];
                        if (Str(from?["configMapKeyRef"]?["name"]) is { } cm)
                        {
                            refs.Add(new("ConfigMap", ns, cm, $"{at}.{list}[{cname}].env[{Str(e?["name"])}].configMapKeyRef", !Optional(from?["configMapKeyRef"])));
                        }
                        if (Str(from?["secretKeyRef"]?["name"]) is { } s)
                        {
                            refs.Add(new("Secret", ns, s, $"{at}.{list}[{cname}].env[{Str(e?["name"])}].secretKeyRef", !Optional(from?["secretKeyRef"])));
                        }
                    }
                }
            }
        }
    }

    private static bool Optional(JsonNode? node) => node?["optional"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}
