using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using KubePS.Engine.Errors;
using KubePS.Engine.Yaml;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Reads Kubernetes YAML or JSON (one or many documents) into objects: typed models where the kind is known, PSObjects otherwise.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "KubeYaml", DefaultParameterSetName = TextSet)]
[OutputType(typeof(PSObject))]
public sealed class ConvertFromKubeYamlCommand : PSCmdlet
{
    private const string TextSet = "Text";
    private const string PathSet = "Path";
    private readonly StringBuilder _text = new();

    /// <summary>YAML text; lines piped one by one (Get-Content) are joined first.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TextSet)]
    [AllowEmptyString]
    public string? Yaml { get; set; }

    /// <summary>Files to read (wildcards allowed).</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    /// <summary>Return PSObjects for every document, even kinds with a typed model.</summary>
    [Parameter]
    public SwitchParameter NoTypedModels { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == TextSet)
        {
            _text.Append(Yaml).Append('\n');
            return;
        }
        foreach (var pattern in Path ?? Array.Empty<string>())
        {
            Collection<string> files;
            try
            {
                files = GetResolvedProviderPathFromPSPath(pattern, out _);
            }
            catch (ItemNotFoundException ex)
            {
                WriteError(new ErrorRecord(ex, "KubeManifestNotFound", ErrorCategory.ObjectNotFound, pattern));
                continue;
            }
            foreach (var file in files)
            {
                Emit(() => YamlReader.ReadFile(file), file);
            }
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == TextSet && _text.Length > 0)
        {
            var text = _text.ToString();
            Emit(() => YamlReader.Read(text), "<input>");
        }
    }

    private void Emit(Func<IReadOnlyList<ManifestDocument>> read, string source)
    {
        IReadOnlyList<ManifestDocument> docs;
        try
        {
            docs = read();
        }
        catch (KubeException ex)
        {
            WriteError(KubeErrorRecords.Create(ex, source));
            return;
        }
        foreach (var doc in docs)
        {
            PSObject pso;
            try
            {
                pso = PipelineObjects.FromManifest(doc, typed: !NoTypedModels.IsPresent);
            }
            catch (JsonException ex)
            {
                WriteError(new ErrorRecord(new InvalidDataException($"{doc}: {ex.Message}", ex), "KubeYamlInvalid", ErrorCategory.InvalidData, source));
                continue;
            }
            WriteObject(pso);
        }
    }
}
