using System.Globalization;
using System.Text;

namespace KubePS.Engine.Ci;

/// <summary>How serious an annotation is.</summary>
public enum CiSeverity
{
    Error,
    Warning,
}

/// <summary>One error or warning to show on the CI run (and, with a file and line, on that line of the pull request).</summary>
public sealed record CiAnnotation
{
    public CiSeverity Severity { get; init; } = CiSeverity.Error;
    /// <summary>The message; secrets are removed by <see cref="CiRedactor"/> before formatting.</summary>
    public required string Message { get; init; }
    /// <summary>A short title (GitHub shows it as the annotation's heading): the error id.</summary>
    public string? Title { get; init; }
    /// <summary>The manifest file, or null when the failure is not about a file.</summary>
    public string? File { get; init; }
    /// <summary>1-based line in <see cref="File"/>, or null.</summary>
    public int? Line { get; init; }
}

/// <summary>
/// Formats annotations as the platforms' logging commands, which the runner reads from standard output:
/// GitHub Actions <c>::error file=F,line=L,title=T::message</c>, Azure Pipelines
/// <c>##vso[task.logissue type=error;sourcepath=F;linenumber=L;code=T]message</c>.
/// </summary>
public static class CiAnnotationFormatter
{
    /// <summary>The logging command for <paramref name="annotation"/> on <paramref name="environment"/>'s platform, or null when there is none.</summary>
    public static string? Format(CiAnnotation annotation, CiEnvironment environment, CiRedactor? redactor = null)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        ArgumentNullException.ThrowIfNull(environment);
        redactor ??= CiRedactor.FromEnvironment();
        var message = redactor.Redact(annotation.Message);
        var title = annotation.Title is null ? null : redactor.Redact(annotation.Title);
        return environment.Platform switch
        {
            CiPlatform.GitHubActions => GitHub(annotation with { Message = message, Title = title, File = CiPaths.ForGitHub(annotation.File, environment.Workspace) }),
            CiPlatform.AzurePipelines => Azure(annotation with { Message = message, Title = title, File = CiPaths.ForAzure(annotation.File) }),
            _ => null,
        };
    }

    /// <summary>A GitHub Actions workflow command (::error / ::warning).</summary>
    public static string GitHub(CiAnnotation a)
    {
        var props = new List<string>();
        if (!string.IsNullOrEmpty(a.File))
        {
            props.Add("file=" + GitHubProperty(a.File));
            if (a.Line is > 0)
            {
                props.Add("line=" + a.Line.Value.ToString(CultureInfo.InvariantCulture));
            }
        }
        if (!string.IsNullOrEmpty(a.Title))
        {
            props.Add("title=" + GitHubProperty(a.Title));
        }
        var command = a.Severity == CiSeverity.Error ? "error" : "warning";
        return $"::{command}{(props.Count > 0 ? " " + string.Join(",", props) : "")}::{GitHubData(a.Message)}";
    }

    /// <summary>An Azure Pipelines logging command (##vso[task.logissue]).</summary>
    public static string Azure(CiAnnotation a)
    {
        var sb = new StringBuilder("##vso[task.logissue type=").Append(a.Severity == CiSeverity.Error ? "error" : "warning").Append(';');
        if (!string.IsNullOrEmpty(a.File))
        {
            sb.Append("sourcepath=").Append(AzureProperty(a.File)).Append(';');
            if (a.Line is > 0)
            {
                sb.Append("linenumber=").Append(a.Line.Value.ToString(CultureInfo.InvariantCulture)).Append(';');
            }
        }
        if (!string.IsNullOrEmpty(a.Title))
        {
            sb.Append("code=").Append(AzureProperty(a.Title)).Append(';');
        }
        return sb.Append(']').Append(AzureData(a.Message)).ToString();
    }

    /// <summary>GitHub command data: %, CR and LF are percent-encoded.</summary>
    public static string GitHubData(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>GitHub command property: as data, plus : and , (the property separators).</summary>
    public static string GitHubProperty(string value) =>
        GitHubData(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);

    /// <summary>Azure message: % becomes %AZP25 (so the agent does not decode text that merely looks encoded), CR and LF are encoded.</summary>
    public static string AzureData(string value) =>
        value.Replace("%", "%AZP25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>Azure property: as the message, plus ; (the property separator) and ] (the end of the properties).</summary>
    public static string AzureProperty(string value) =>
        AzureData(value).Replace(";", "%3B", StringComparison.Ordinal).Replace("]", "%5D", StringComparison.Ordinal);
}

/// <summary>File names as each platform wants them in annotations.</summary>
public static class CiPaths
{
    /// <summary>GitHub attaches annotations to files by their path relative to the repository root, with forward slashes.</summary>
    public static string? ForGitHub(string? file, string? workspace)
    {
        if (string.IsNullOrEmpty(file) || !IsFile(file))
        {
            return null;
        }
        var full = Path.GetFullPath(file);
        if (!string.IsNullOrEmpty(workspace))
        {
            var relative = Path.GetRelativePath(Path.GetFullPath(workspace), full);
            if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
            {
                return relative.Replace('\\', '/');
            }
        }
        return full.Replace('\\', '/');
    }

    /// <summary>Azure Pipelines wants absolute paths.</summary>
    public static string? ForAzure(string? file) =>
        string.IsNullOrEmpty(file) || !IsFile(file) ? null : Path.GetFullPath(file);

    // "<string>", "<input 2>", "$env:KUBECONFIG_DATA": not files.
    private static bool IsFile(string file) => !file.StartsWith('<') && !file.StartsWith('$');
}
