using System.Globalization;
using System.Text;
using KubePS.Engine.Logs;

namespace KubePS.Output;

/// <summary>The default view of log lines: "pod/container line", the prefix in a stable colour per pod.</summary>
public static class LogView
{
    // bright, readable on dark and light backgrounds; red is left for errors
    private static readonly string[] Palette =
    {
        "\u001b[36m", "\u001b[32m", "\u001b[33m", "\u001b[35m", "\u001b[34m", "\u001b[96m",
        "\u001b[92m", "\u001b[93m", "\u001b[95m", "\u001b[94m", "\u001b[37m", "\u001b[90m",
    };

    private const string Reset = "\u001b[0m";

    /// <summary>A colour index that depends only on the pod's name (FNV-1a), so a pod keeps its colour across runs.</summary>
    public static int ColorIndex(string key)
    {
        var hash = 2166136261u;
        foreach (var ch in key)
        {
            hash = (hash ^ ch) * 16777619u;
        }
        return (int)(hash % (uint)Palette.Length);
    }

    /// <summary>True when colour should be written: the host renders ANSI, NO_COLOR is not set, output is not redirected.</summary>
    public static bool UseColor(bool hostSupportsColor) => CiOutput.UseColor(hostSupportsColor); // also off in CI

    public static string FormatTimestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>One line as the default view shows it.</summary>
    public static string Format(LogLine line, bool hostSupportsColor)
    {
        var sb = new StringBuilder(line.Line.Length + 64);
        var color = UseColor(hostSupportsColor);
        if (line.ShowTimestamp && line.Timestamp is { } ts)
        {
            sb.Append(FormatTimestamp(ts)).Append(' ');
        }
        if (color)
        {
            sb.Append(Palette[ColorIndex(line.Namespace + "/" + line.Pod)]);
        }
        if (line.ShowNamespace)
        {
            sb.Append(line.Namespace).Append('/');
        }
        sb.Append(line.Pod).Append('/').Append(line.Container);
        if (color)
        {
            sb.Append(Reset);
        }
        return sb.Append(' ').Append(line.Line).ToString();
    }
}
