using System.Security.Cryptography;
using System.Text;

namespace KubePS.Engine.Connection;

/// <summary>
/// A kubeconfig given by content rather than by path, the way pipelines hand out secrets: $env:KUBECONFIG_DATA holds
/// the YAML (or its base64). It is parsed in memory and never written to disk; when it is set and no -Kubeconfig is
/// given it replaces $KUBECONFIG and ~/.kube/config. Relative file references in it (certificate-authority: ca.crt)
/// resolve against the current directory; prefer the *-data fields, a token, or an exec plugin.
/// </summary>
public static class KubeConfigContent
{
    /// <summary>The environment variable that holds the kubeconfig content.</summary>
    public const string EnvironmentVariable = "KUBECONFIG_DATA";

    /// <summary>The name the content goes by in messages and in Get-KubeContext's Source.</summary>
    public const string SourceName = "$env:" + EnvironmentVariable;

    /// <summary>The kubeconfig text: <paramref name="data"/> itself when it is YAML or JSON, else its base64 decoding.</summary>
    public static string Decode(string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var trimmed = data.Trim();
        if (LooksLikeKubeconfig(trimmed))
        {
            return trimmed;
        }
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(trimmed));
            return LooksLikeKubeconfig(decoded) ? decoded : trimmed;
        }
        catch (FormatException)
        {
            return trimmed; // let the parser report what is wrong with it
        }
    }

    /// <summary>The merged kubeconfig from $env:KUBECONFIG_DATA, or null when it is not set.</summary>
    public static KubeConfigSet? Load(Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var data = getEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(data) ? null : FromContent(data);
    }

    /// <summary>Parses kubeconfig content (YAML, JSON or base64 of either) in memory.</summary>
    public static KubeConfigSet FromContent(string data, string sourceName = SourceName)
    {
        var text = Decode(data);
        var file = KubeConfigLoader.Parse(text, sourceName);
        var merged = KubeConfigLoader.Merge(new[] { file });
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return new KubeConfigSet
        {
            Files = merged.Files,
            CurrentContext = merged.CurrentContext,
            CurrentContextFile = merged.CurrentContextFile,
            Clusters = merged.Clusters,
            Contexts = merged.Contexts,
            Users = merged.Users,
            ContextNames = merged.ContextNames,
            Stamp = sourceName + "@sha256:" + hash,
        };
    }

    private static bool LooksLikeKubeconfig(string text) =>
        text.StartsWith('{') || text.Contains("clusters", StringComparison.Ordinal) || text.Contains("apiVersion", StringComparison.Ordinal)
        || text.Contains("contexts", StringComparison.Ordinal);
}
