using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using KubePS.Engine.Deploy;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;

namespace KubePS.Engine.Templates;

/// <summary>
/// A deploy's documents rendered from templates: kubeps.yaml <c>sources: [ - templates: templates ]</c>. The
/// environment and value overrides come from the deploy request (<see cref="DeploySourceContext.Environment"/> and a
/// <see cref="TemplateInputs"/> under <see cref="TemplateInputs.DeployValuesKey"/> in its Values). Errors about the
/// values (unknown environment, wrong type, bad -Set) and each template's errors go into the deploy's problems, so
/// nothing is applied.
/// </summary>
public sealed class TemplateDocumentSource(TemplateApplication application) : IDeployDocumentSource
{
    public const string SourceKey = "templates";

    public TemplateApplication Application { get; } = application;

    /// <summary>The last render (for the redaction set, hot reload and verbose output).</summary>
    public TemplateRenderResult? LastResult { get; private set; }

    public string Description => $"templates of {Application.Name} ({Application.TemplatesDirectory})";

    public Task<IReadOnlyList<ManifestDocument>> ReadAsync(DeploySourceContext context, List<KubeException> errors, CancellationToken cancellationToken)
    {
        var inputs = context.Values.TryGetValue(TemplateInputs.DeployValuesKey, out var v) && v is TemplateInputs ti ? ti : new TemplateInputs();
        if (inputs.Environment is null && context.Environment is not null)
        {
            inputs = inputs with { Environment = context.Environment };
        }
        TemplateRenderResult result;
        try
        {
            result = TemplateEngine.Render(Application, inputs, context.DefaultNamespace, cancellationToken: cancellationToken);
        }
        catch (KubeException ex)
        {
            errors.Add(ex);
            return Task.FromResult<IReadOnlyList<ManifestDocument>>(Array.Empty<ManifestDocument>());
        }
        LastResult = result;
        errors.AddRange(result.Errors);
        // The planner labels documents in place: hand it copies so the render stays as rendered.
        return Task.FromResult<IReadOnlyList<ManifestDocument>>(result.Documents.Select(d => d with { Object = (JsonObject)d.Object.DeepClone() }).ToList());
    }

    /// <summary>Registers the templates source with the deploy as soon as the engine loads (kubeps.yaml is checked against the registered keys).</summary>
#pragma warning disable CA2255 // Registration must precede any kubeps.yaml read, in the module and in tests alike.
    [ModuleInitializer]
    internal static void Register() =>
        DeploySourceRegistry.Register(SourceKey, (value, app) => new TemplateDocumentSource(TemplateApplication.FromDeploy(app, app.ResolvePath(value))));
#pragma warning restore CA2255
}
