using System.Text;
using System.Text.RegularExpressions;

namespace KubePS.Engine.Ci;

/// <summary>
/// Keeps secrets out of annotations and summaries: bearer tokens, JWTs, kubeconfig credential fields, the content of
/// $env:KUBECONFIG_DATA and every credential value in it, and any string registered with <see cref="Add"/>.
/// Annotations are shown to everyone who can read the run (and on pull requests), so this is deliberately eager.
/// </summary>
public sealed partial class CiRedactor
{
    public const string Mask = "***";
    private readonly List<string> _secrets = new();

    /// <summary>A redactor that knows the secrets in the current environment (KUBECONFIG_DATA).</summary>
    public static CiRedactor FromEnvironment(Func<string, string?>? get = null)
    {
        get ??= Environment.GetEnvironmentVariable;
        var redactor = new CiRedactor();
        if (get(Connection.KubeConfigContent.EnvironmentVariable) is { Length: > 0 } data)
        {
            redactor.Add(data.Trim());
            var text = Connection.KubeConfigContent.Decode(data);
            foreach (Match m in CredentialField().Matches(text))
            {
                redactor.Add(m.Groups["value"].Value.Trim().Trim('"', '\''));
            }
        }
        return redactor;
    }

    /// <summary>Registers a secret (and its base64 form); strings shorter than 4 characters are ignored.</summary>
    public void Add(string? secret)
    {
        if (secret is null || secret.Length < 4)
        {
            return;
        }
        _secrets.Add(secret);
        _secrets.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)));
        _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    /// <summary>The text with every known secret and every credential-looking value replaced by ***.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var s in _secrets)
        {
            text = text.Replace(s, Mask, StringComparison.Ordinal);
        }
        text = Bearer().Replace(text, m => m.Groups["scheme"].Value + Mask);
        text = Jwt().Replace(text, Mask);
        text = CredentialField().Replace(text, m => m.Groups["key"].Value + Mask);
        return text;
    }

    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|Basic)\s+)[A-Za-z0-9\-._~+/=]{8,}", RegexOptions.IgnoreCase)]
    private static partial Regex Bearer();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?<key>\b(?:token|password|client-key-data|client-certificate-data|id-token|refresh-token|access-token)\s*[:=]\s*)(?<value>""[^""\r\n]+""|'[^'\r\n]+'|[^\s,;}\]]{4,})", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialField();
}
