using System.Collections;
using System.Management.Automation;
using KubePS.Engine.Errors;
using KubePS.Engine.Templates;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Renders an application's templates with its values for an environment, and writes the objects (without touching the cluster).</para>
/// </summary>
[Cmdlet(VerbsData.Expand, "KubeTemplate")]
[OutputType(typeof(PSObject))]
public sealed class ExpandKubeTemplateCommand : PSCmdlet
{
    /// <summary>The application directory (or its kubeps.yaml).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The environment: values.&lt;env&gt;.yaml, secrets.&lt;env&gt;.yaml and kubeps.yaml environments.&lt;env&gt;.</summary>
    [Parameter(Position = 1)]
    [Alias("Env")]
    public string? Environment { get; set; }

    /// <summary>Values files merged after the environment's, in order.</summary>
    [Parameter]
    [Alias("f")]
    public string[] ValuesFile { get; set; } = Array.Empty<string>();

    /// <summary>key.path=value (typed like helm --set: numbers, true/false, null, {a,b} lists, a\.b for a dot); merged after -ValuesFile, in order.</summary>
    [Parameter]
    public string[] Set { get; set; } = Array.Empty<string>();

    /// <summary>A hashtable of values merged last.</summary>
    [Parameter]
    public IDictionary? Values { get; set; }

    /// <summary>The target namespace the templates see (and that namespaced objects without one get). Default: the environment's, else kubeps.yaml's, else "default".</summary>
    [Parameter]
    [Alias("Ns")]
    public string? Namespace { get; set; }

    /// <summary>Writes generic objects instead of the client's typed models.</summary>
    [Parameter]
    public SwitchParameter NoTypedModels { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        TemplateRenderResult result;
        try
        {
            var app = TemplateApplication.Open(path);
            var inputs = TemplateCommandSupport.Inputs(Environment, ValuesFile.Select(SessionState.Path.GetUnresolvedProviderPathFromPSPath), Set, Values, Namespace);
            result = TemplateEngine.Render(app, inputs, "default");
        }
        catch (KubeException ex)
        {
            ThrowTerminatingError(KubeErrorRecords.Create(ex, path));
            return;
        }
        WriteVerbose($"{result.Application.Name}: {result.Templates.Count + result.Errors.Count} templates, environment {result.Environment ?? "(none)"}, namespace {result.Namespace}, "
            + $"{TemplateValues.CountLeaves(result.Values)} values ({result.Redactor.Count} secret strings redacted), {result.Documents.Count} objects in {result.Elapsed.TotalMilliseconds:0} ms");
        if (!result.Succeeded)
        {
            // Nothing is written when a template fails: half an application is not something to pipe into apply.
            for (var i = 1; i < result.Errors.Count; i++)
            {
                WriteError(KubeErrorRecords.Create(result.Errors[i], result.Errors[i].Target));
            }
            ThrowTerminatingError(KubeErrorRecords.Create(result.Errors[0], result.Errors[0].Target));
        }
        foreach (var doc in result.Documents)
        {
            WriteObject(TemplateCommandSupport.ToObject(doc, !NoTypedModels.IsPresent));
        }
    }
}
