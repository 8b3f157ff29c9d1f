using System.Management.Automation;
using System.Text.Json.Nodes;
using KubePS.Engine.Apply;
using KubePS.Engine.Connection;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Updates container images of a workload or pod (kubectl set image).</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "KubeImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject))]
public sealed class SetKubeImageCommand : KubeObjectChangeCmdlet
{
    private readonly Dictionary<string, string> _images = new(StringComparer.Ordinal);

    /// <summary>container=image pairs; an image alone (or *=image) sets every container.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    [ValidateNotNullOrEmpty]
    public string[] Image { get; set; } = Array.Empty<string>();

    /// <inheritdoc />
    protected override string PolicyVerb => "set-image";

    /// <inheritdoc />
    protected override void DescribeChange(JsonObject subject, ApiResourceInfo resource)
    {
        var containers = new JsonArray();
        foreach (var (container, image) in _images)
        {
            containers.Add(new JsonObject { ["name"] = container, ["image"] = image });
        }
        var podSpec = new JsonObject { ["containers"] = containers };
        subject["spec"] = resource.Kind switch
        {
            "Pod" => podSpec,
            "CronJob" => new JsonObject { ["jobTemplate"] = new JsonObject { ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = podSpec } } } },
            _ => new JsonObject { ["template"] = new JsonObject { ["spec"] = podSpec } },
        };
    }

    /// <inheritdoc />
    protected override string ActionText => "Set image " + string.Join(", ", Image);

    /// <inheritdoc />
    protected override void Validate(ApiResourceInfo resource)
    {
        _images.Clear();
        foreach (var spec in Image)
        {
            var eq = spec.IndexOf('=', StringComparison.Ordinal);
            var (container, image) = eq < 0 ? ("*", spec) : (spec[..eq], spec[(eq + 1)..]);
            if (container.Length == 0 || image.Length == 0 || image.Any(char.IsWhiteSpace))
            {
                throw new KubeException(KubeErrorKind.KubeBadRequest, $"'{spec}' is not container=image.") { Target = spec };
            }
            _images[container] = image;
        }
    }

    /// <inheritdoc />
    protected override Task<KubeChangeResult> ChangeAsync(KubeConnection connection, ApiResourceInfo resource, string? ns, string name, bool dryRun, CancellationToken cancellationToken) =>
        ResourceChanges.SetImageAsync(connection.Client, resource, ns, name, _images, dryRun, cancellationToken);
}
