using System.Globalization;
using System.Text.RegularExpressions;

namespace KubePS.Engine.Logs;

/// <summary>Durations as kubectl writes them (5m, 1h30m, 90s, 2d, 500ms) or as TimeSpan text (00:05:00).</summary>
public static partial class Duration
{
    [GeneratedRegex(@"^\s*(?:(\d+(?:\.\d+)?)(ms|d|h|m|s))+\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Whole();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|d|h|m|s)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Part();

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        if (Whole().IsMatch(text))
        {
            foreach (Match m in Part().Matches(text))
            {
                var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                value += m.Groups[2].Value.ToLowerInvariant() switch
                {
                    "d" => TimeSpan.FromDays(n),
                    "h" => TimeSpan.FromHours(n),
                    "m" => TimeSpan.FromMinutes(n),
                    "s" => TimeSpan.FromSeconds(n),
                    _ => TimeSpan.FromMilliseconds(n),
                };
            }
            return true;
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }
}
