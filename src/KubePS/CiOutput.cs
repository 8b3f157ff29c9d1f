using System.Management.Automation;
using System.Management.Automation.Host;
using KubePS.Engine.Ci;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;

namespace KubePS;

/// <summary>
/// The one rule for how output looks where no person watches: in CI (GITHUB_ACTIONS, TF_BUILD, CI), when standard
/// output is redirected, or when NO_COLOR is set, there are no progress bars and no ANSI colour; cmdlets write one
/// line per step with timings instead.
/// </summary>
public static class CiOutput
{
    /// <summary>True when progress bars make sense: a console host, output not redirected, no CI, no NO_COLOR.</summary>
    public static bool IsInteractive(PSHost host)
    {
        var env = CiEnvironment.Current;
        if (env.IsCi || env.NoColor)
        {
            return false;
        }
        return host is not null && host.Name == "ConsoleHost" && !Console.IsOutputRedirected && Environment.UserInteractive;
    }

    /// <summary>True when colour may be written: the host renders ANSI, NO_COLOR is not set, no CI, output not redirected.</summary>
    public static bool UseColor(bool hostSupportsColor)
    {
        var env = CiEnvironment.Current;
        return hostSupportsColor && !env.NoColor && !env.IsCi && !Console.IsOutputRedirected;
    }

    /// <summary>-CiAnnotations' default: on when a CI platform that reads annotations is detected (unless KUBEPS_CI_ANNOTATIONS=false).</summary>
    public static bool AnnotationsByDefault => CiEnvironment.Current.AnnotationsByDefault;
}

/// <summary>
/// A cmdlet with the -CiAnnotations switch (Invoke-KubeApply, Invoke-KubeDeploy, Wait-KubeResource, Test-KubePolicy):
/// <see cref="KubeCmdlet"/> then writes its failures as CI annotations through <c>KubeCmdlet.Ci</c>. Each cmdlet declares
/// the parameter itself, where it stands in its parameter list (a base class's parameters come after the cmdlet's own).
/// </summary>
internal interface ICiAnnotationsCmdlet
{
    /// <summary>-CiAnnotations: write failures as CI annotations (default: on when a CI platform is detected).</summary>
    SwitchParameter CiAnnotations { get; }
}

/// <summary>
/// Turns a cmdlet's failures into the CI platform's annotations, pointing at the manifest file and line when the
/// failure is about a manifest document (registered with <see cref="Register"/>, or named in the error's text).
/// Used by Invoke-KubeApply, Invoke-KubeDeploy, Wait-KubeResource and Test-KubePolicy.
/// </summary>
public sealed class CiAnnotator
{
    private readonly Dictionary<string, ManifestDocument> _documents = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _gate = new();
    private readonly CiRedactor _redactor = CiRedactor.FromEnvironment();

    public CiAnnotator(CiEnvironment environment, bool enabled)
    {
        Environment = environment;
        Enabled = enabled && environment.SupportsAnnotations;
    }

    /// <summary>The environment annotations are formatted for.</summary>
    public CiEnvironment Environment { get; }

    /// <summary>True when annotations are written (-CiAnnotations and a known platform).</summary>
    public bool Enabled { get; }

    /// <summary>
    /// The annotator for a cmdlet: <paramref name="bound"/> is -CiAnnotations when given (null: the default, on in CI).
    /// </summary>
    public static CiAnnotator For(bool? bound) => new(CiEnvironment.Current, bound ?? CiOutput.AnnotationsByDefault);

    /// <summary>Remembers that failures about <paramref name="key"/> (a resource "Kind/ns/name", a document) come from <paramref name="document"/>.</summary>
    public void Register(string key, ManifestDocument document)
    {
        lock (_gate)
        {
            _documents[key] = document;
            _documents.TryAdd(document.ToString(), document);
        }
    }

    /// <summary>The annotation line for an engine failure, or null when annotations are off.</summary>
    public string? Annotate(KubeException exception, object? target, CiSeverity severity = CiSeverity.Error)
    {
        if (!Enabled || exception is null)
        {
            return null;
        }
        var location = Locate(target, exception);
        var message = exception.Message;
        if (!string.IsNullOrEmpty(exception.RecommendedAction))
        {
            message += System.Environment.NewLine + exception.RecommendedAction;
        }
        return Format(new CiAnnotation { Severity = severity, Message = message, Title = exception.ErrorId, File = location?.File, Line = location?.Line });
    }

    /// <summary>The annotation line for a message about <paramref name="document"/>, or null when annotations are off.</summary>
    public string? Annotate(CiSeverity severity, string message, string? title, ManifestDocument? document)
    {
        if (!Enabled)
        {
            return null;
        }
        var file = document is null || document.Source.StartsWith('<') ? null : document.Source;
        return Format(new CiAnnotation { Severity = severity, Message = message, Title = title, File = file, Line = file is null ? null : document!.Line });
    }

    /// <summary>The summary's lines for standard output (Azure's upload command), after writing it; empty when annotations are off.</summary>
    public IReadOnlyList<string> Publish(CiSummary summary) => Enabled ? summary.Publish(Environment, _redactor) : Array.Empty<string>();

    private string? Format(CiAnnotation annotation) => CiAnnotationFormatter.Format(annotation, Environment, _redactor);

    private CiSourceLocation? Locate(object? target, KubeException exception)
    {
        if (target is ManifestDocument d && !d.Source.StartsWith('<'))
        {
            return new CiSourceLocation(d.Source, d.Line);
        }
        // A file and line the text names is the most precise (a problem names its own document); then what was registered for the target.
        if (CiLocation.Find(true, target as string, exception.Target as string, exception.Message) is { Line: not null } named)
        {
            return named;
        }
        foreach (var key in new[] { target as string, exception.Target as string, exception.Target is ManifestDocument td ? td.ToString() : null })
        {
            if (key is not null)
            {
                lock (_gate)
                {
                    if (_documents.TryGetValue(key, out var doc) && !doc.Source.StartsWith('<'))
                    {
                        return new CiSourceLocation(doc.Source, doc.Line);
                    }
                }
            }
        }
        return CiLocation.Find(true, target as string, exception.Target as string, exception.Message);
    }
}
