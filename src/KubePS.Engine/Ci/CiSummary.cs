using System.Globalization;
using System.Text;

namespace KubePS.Engine.Ci;

/// <summary>One row of a step summary.</summary>
public sealed record CiSummaryRow(string Resource, string Action, string Status, TimeSpan? Time, string? Detail = null);

/// <summary>
/// A Markdown summary of a deploy: a heading and a table (resource, action, status, time). On GitHub Actions it is
/// appended to $GITHUB_STEP_SUMMARY; on Azure Pipelines it is written to a file the agent uploads
/// (##vso[task.uploadsummary]).
/// </summary>
public sealed class CiSummary
{
    public required string Title { get; init; }
    public IReadOnlyList<CiSummaryRow> Rows { get; init; } = Array.Empty<CiSummaryRow>();
    /// <summary>A line under the table (totals, the critical path).</summary>
    public string? Footer { get; init; }

    /// <summary>The Markdown text (secrets redacted).</summary>
    public string ToMarkdown(CiRedactor? redactor = null)
    {
        redactor ??= CiRedactor.FromEnvironment();
        var sb = new StringBuilder();
        sb.Append("### ").Append(redactor.Redact(Title)).Append("\n\n");
        sb.Append("| Resource | Action | Status | Time |\n|---|---|---|---:|\n");
        foreach (var r in Rows)
        {
            var status = r.Detail is null ? r.Status : $"{r.Status}: {r.Detail}";
            sb.Append("| ").Append(Cell(r.Resource, redactor))
              .Append(" | ").Append(Cell(r.Action, redactor))
              .Append(" | ").Append(Cell(status, redactor))
              .Append(" | ").Append(r.Time is { } t ? t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + "s" : "")
              .Append(" |\n");
        }
        if (!string.IsNullOrEmpty(Footer))
        {
            sb.Append('\n').Append(redactor.Redact(Footer)).Append('\n');
        }
        return sb.Append('\n').ToString();
    }

    /// <summary>
    /// Publishes the summary for <paramref name="environment"/>'s platform. Returns the lines to write to standard
    /// output (the Azure upload command), empty on GitHub (the file is enough) and when there is no platform.
    /// </summary>
    public IReadOnlyList<string> Publish(CiEnvironment environment, CiRedactor? redactor = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var markdown = ToMarkdown(redactor);
        switch (environment.Platform)
        {
            case CiPlatform.GitHubActions when environment.StepSummaryPath is { } path:
                File.AppendAllText(path, markdown, new UTF8Encoding(false));
                return Array.Empty<string>();
            case CiPlatform.AzurePipelines:
                var dir = environment.TempDirectory ?? Path.GetTempPath();
                var file = Path.Combine(dir, $"kubeps-summary-{Guid.NewGuid():N}.md");
                File.WriteAllText(file, markdown, new UTF8Encoding(false));
                return new[] { "##vso[task.uploadsummary]" + CiAnnotationFormatter.AzureData(Path.GetFullPath(file)) };
            default:
                return Array.Empty<string>();
        }
    }

    private static string Cell(string text, CiRedactor redactor) =>
        redactor.Redact(text).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal)
            .Replace("\r", "", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);
}
