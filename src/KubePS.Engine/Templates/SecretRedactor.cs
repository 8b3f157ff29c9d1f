using System.Text;

namespace KubePS.Engine.Templates;

/// <summary>
/// The secret strings of a render (values from secrets*.yaml, -Set, and keys the application marks secret) and
/// their base64 forms (what a Secret's data holds). <see cref="Redact"/> replaces each with <c>***</c>; verbose
/// output, plans, diffs, errors and logs pass their text through it.
/// </summary>
public sealed class SecretRedactor
{
    public const string Mask = "***";

    /// <summary>Strings shorter than this are not redacted (replacing "1" everywhere would hide everything).</summary>
    public const int MinimumLength = 3;

    private readonly HashSet<string> _secrets = new(StringComparer.Ordinal);
    private string[] _ordered = Array.Empty<string>();

    public static SecretRedactor Empty { get; } = new();

    public int Count => _secrets.Count;

    /// <summary>The secret strings (longest first).</summary>
    public IReadOnlyList<string> Secrets => _ordered;

    public void Add(string? secret)
    {
        if (secret is null || secret.Length < MinimumLength)
        {
            return;
        }
        var added = _secrets.Add(secret);
        added |= _secrets.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)));
        if (added)
        {
            _ordered = _secrets.OrderByDescending(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).ToArray();
        }
    }

    public void AddRange(IEnumerable<string> secrets)
    {
        foreach (var s in secrets)
        {
            Add(s);
        }
    }

    /// <summary>True when the text holds a secret.</summary>
    public bool Contains(string? text) => text is not null && _ordered.Any(s => text.Contains(s, StringComparison.Ordinal));

    /// <summary>The text with every secret replaced by ***.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text) || _ordered.Length == 0)
        {
            return text ?? "";
        }
        foreach (var s in _ordered)
        {
            if (text.Contains(s, StringComparison.Ordinal))
            {
                text = text.Replace(s, Mask, StringComparison.Ordinal);
            }
        }
        return text;
    }
}
