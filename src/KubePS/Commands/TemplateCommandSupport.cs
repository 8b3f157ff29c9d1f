using System.Collections;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubePS.Engine.Errors;
using KubePS.Engine.Templates;
using KubePS.Engine.Yaml;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>Shared by Expand-KubeTemplate and Invoke-KubeDeploy: value parameters to <see cref="TemplateInputs"/>, documents to objects.</summary>
internal static class TemplateCommandSupport
{
    /// <summary>The inputs of a render from the cmdlet's parameters (-ValuesFile paths already resolved).</summary>
    public static TemplateInputs Inputs(string? environment, IEnumerable<string> valuesFiles, IEnumerable<string>? set, IDictionary? values, string? ns)
    {
        JsonObject? tree = null;
        if (values is not null)
        {
            tree = PSJson.ToNode(values) as JsonObject
                ?? throw new KubeException(KubeErrorKind.KubeTemplateValuesInvalid, "-Values must be a hashtable of values.") { Target = values };
        }
        return new TemplateInputs
        {
            Environment = string.IsNullOrEmpty(environment) ? null : environment,
            ValuesFiles = valuesFiles.ToList(),
            Set = set?.ToList() ?? new List<string>(),
            Values = tree,
            Namespace = string.IsNullOrEmpty(ns) ? null : ns,
        };
    }

    /// <summary>Template parameters without a templates source would be ignored silently: refuse them.</summary>
    public static void CheckSources(IEnumerable<KubePS.Engine.Deploy.IDeployDocumentSource> sources, TemplateInputs inputs)
    {
        var given = inputs.Environment is not null || inputs.ValuesFiles.Count > 0 || inputs.Set.Count > 0 || inputs.Values is not null;
        if (given && !sources.OfType<TemplateDocumentSource>().Any())
        {
            throw new KubeException(KubeErrorKind.KubeTemplateValuesInvalid,
                "-Environment, -ValuesFile, -Set and -Values are for an application with templates, and this one has none.")
            {
                RecommendedAction = "List the templates in kubeps.yaml: spec.sources: [ { templates: templates } ] (see docs/examples/guestbook).",
            };
        }
    }

    /// <summary>The secrets of the templates sources' last renders.</summary>
    public static SecretRedactor Redactor(IEnumerable<KubePS.Engine.Deploy.IDeployDocumentSource> sources)
    {
        var r = new SecretRedactor();
        foreach (var s in sources.OfType<TemplateDocumentSource>())
        {
            if (s.LastResult is { } result)
            {
                r.AddRange(result.Redactor.Secrets);
            }
        }
        return r;
    }

    /// <summary>The exception with its message (and causes) redacted.</summary>
    public static KubeException Redact(KubeException ex, SecretRedactor redactor)
    {
        if (redactor.Count == 0 || (!redactor.Contains(ex.Message) && !ex.Causes.Any(redactor.Contains)))
        {
            return ex;
        }
        return new KubeException(ex.Kind, redactor.Redact(ex.Message))
        {
            Target = ex.Target is string t ? redactor.Redact(t) : ex.Target,
            StatusCode = ex.StatusCode,
            Reason = ex.Reason,
            Causes = ex.Causes.Select(redactor.Redact).ToList(),
            RecommendedAction = ex.RecommendedAction,
        };
    }

    /// <summary>Redacts the problems of a plan in place (server messages can echo a value).</summary>
    public static void RedactProblems(KubePS.Engine.Deploy.DeployPlan plan, SecretRedactor redactor)
    {
        for (var i = 0; i < plan.Problems.Count; i++)
        {
            plan.Problems[i] = plan.Problems[i] with { Error = Redact(plan.Problems[i].Error, redactor) };
        }
    }

    /// <summary>A rendered document as a pipeline object: the typed model where the kind is known (as ConvertFrom-KubeYaml).</summary>
    public static PSObject ToObject(ManifestDocument doc, bool typed)
    {
        PSObject pso;
        try
        {
            pso = PipelineObjects.FromManifest(doc, typed);
        }
        catch (JsonException)
        {
            pso = PipelineObjects.FromManifest(doc, typed: false); // Not the shape of its kind: keep it as a generic object (the server will tell).
        }
        pso.Properties.Add(new PSNoteProperty("KubeTemplateSource", doc.Source));
        return pso;
    }
}
