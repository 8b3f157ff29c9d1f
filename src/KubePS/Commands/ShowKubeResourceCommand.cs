using System.Management.Automation;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubePS.Completion;
using KubePS.Engine.Discovery;
using KubePS.Engine.Resources;
using KubePS.Engine.Yaml;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>What Show-KubeResource writes: the object, its recent events, and the describe-style text.</summary>
public sealed class KubeDescription
{
    public required string Kind { get; init; }
    public required string Name { get; init; }
    public string? Namespace { get; init; }
    public required PSObject Object { get; init; }
    public required IReadOnlyList<Corev1Event> Events { get; init; }
    public required string Text { get; init; }

    public override string ToString() => Text;
}

/// <summary>
/// <para type="synopsis">Shows one object the way kubectl describe does: its identity, spec and status, and its recent events.</para>
/// </summary>
[Cmdlet(VerbsCommon.Show, "KubeResource")]
[OutputType(typeof(KubeDescription))]
public sealed class ShowKubeResourceCommand : KubeClusterCmdlet
{
    /// <summary>The kind (any kind kubectl accepts) when naming the object.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Name", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KindCompleter))]
    public string Kind { get; set; } = "";

    /// <summary>The object's name.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = "Name", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ResourceNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>An object from Get-Kube* (or any kube object) to describe.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    public PSObject? InputObject { get; set; }

    /// <summary>How many of the most recent events to show (default 20).</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int EventCount { get; set; } = 20;

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        string kind = Kind, name = Name;
        string? apiVersion = null;
        var ns = EffectiveNamespace;
        if (InputObject is not null)
        {
            var id = KubeObjects.Identity(InputObject);
            kind = id.Kind ?? throw new ArgumentException("The input object has no kind.");
            name = id.Name ?? throw new ArgumentException("The input object has no name.");
            apiVersion = id.ApiVersion;
            ns = id.Namespace ?? ns;
        }
        var resource = await connection.CallAsync((c, ct) => DiscoveryCache.For(c).ResolveAsync(kind, apiVersion, ct), cancellationToken).ConfigureAwait(false);
        var obj = await connection.CallAsync((c, ct) => ResourceReader.GetAsync(c, resource, ns, name, ct), cancellationToken).ConfigureAwait(false);
        var node = Output.PSJson.ToNode(obj) as JsonObject ?? new JsonObject();
        var uid = (node["metadata"] as JsonObject)?["uid"]?.GetValue<string>();

        var events = new List<Corev1Event>();
        if (EventCount > 0)
        {
            var evResource = BuiltinResources.Find("events")!;
            var query = new ResourceQuery
            {
                Resource = evResource,
                Namespace = resource.Namespaced ? ns : "default",
                FieldSelector = null,
            };
            await foreach (var e in ResourceReader.ListAsync(connection.Client, query, cancellationToken).ConfigureAwait(false))
            {
                if (e is Corev1Event ev && ev.InvolvedObject?.Name == name && ev.InvolvedObject?.Kind == resource.Kind
                    && (string.IsNullOrEmpty(ev.InvolvedObject?.Uid) || uid is null || ev.InvolvedObject.Uid == uid))
                {
                    events.Add(ev);
                }
            }
            events = events.OrderBy(e => e.LastTimestamp ?? e.EventTime ?? e.Metadata?.CreationTimestamp ?? DateTime.MinValue)
                .TakeLast(EventCount).ToList();
        }
        Emit(new KubeDescription
        {
            Kind = resource.Kind,
            Name = name,
            Namespace = resource.Namespaced ? ns : null,
            Object = KubeObjects.ToPipeline(obj),
            Events = events,
            Text = Describe(node, obj, events),
        });
    }

    /// <summary>kubectl describe's layout: identity first, then the kind's own summary, then spec and status as an indented tree, then events.</summary>
    internal static string Describe(JsonObject node, object typed, IReadOnlyList<Corev1Event> events)
    {
        var sb = new StringBuilder();
        var meta = node["metadata"] as JsonObject ?? new JsonObject();
        Line(sb, "Name", meta["name"]?.ToString());
        if (meta["namespace"] is not null)
        {
            Line(sb, "Namespace", meta["namespace"]?.ToString());
        }
        Line(sb, "Kind", $"{node["kind"]} ({node["apiVersion"]})");
        Map(sb, "Labels", meta["labels"] as JsonObject);
        Map(sb, "Annotations", meta["annotations"] as JsonObject, skip: "kubectl.kubernetes.io/last-applied-configuration");
        Line(sb, "CreationTimestamp", meta["creationTimestamp"]?.ToString());
        if (meta["deletionTimestamp"] is not null)
        {
            Line(sb, "DeletionTimestamp", meta["deletionTimestamp"]?.ToString());
        }
        if (typed is V1Pod pod)
        {
            Line(sb, "Node", pod.Spec?.NodeName ?? "<none>");
            Line(sb, "Status", Printing.PodStatus(pod));
            Line(sb, "Ready", Printing.PodReady(pod));
            Line(sb, "Restarts", Printing.PodRestarts(pod).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Line(sb, "IP", pod.Status?.PodIP ?? "<none>");
            sb.Append("Containers:\n");
            foreach (var c in pod.Spec?.Containers ?? Array.Empty<V1Container>())
            {
                var st = pod.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == c.Name);
                var state = st?.State?.Running is not null ? "Running" : st?.State?.Waiting is { } w ? "Waiting (" + w.Reason + ")" : st?.State?.Terminated is { } t ? $"Terminated ({t.Reason}, exit code {t.ExitCode})" : "<unknown>";
                sb.Append("  ").Append(c.Name).Append(":\n");
                sb.Append("    Image:          ").Append(c.Image).Append('\n');
                sb.Append("    State:          ").Append(state).Append('\n');
                sb.Append("    Ready:          ").Append(st?.Ready ?? false).Append('\n');
                sb.Append("    Restart Count:  ").Append(st?.RestartCount ?? 0).Append('\n');
            }
        }
        foreach (var section in new[] { "spec", "status", "data", "stringData", "type" })
        {
            if (node[section] is null || (section == "data" && typed is V1Secret))
            {
                continue;
            }
            var title = char.ToUpperInvariant(section[0]) + section[1..];
            if (node[section] is JsonObject or JsonArray)
            {
                sb.Append(title).Append(":\n");
                foreach (var l in YamlWriter.Write(node[section]).TrimEnd('\n').Split('\n'))
                {
                    sb.Append("  ").Append(l).Append('\n');
                }
            }
            else
            {
                Line(sb, title, node[section]?.ToString());
            }
        }
        if (typed is V1Secret secret)
        {
            sb.Append("Data:\n");
            foreach (var kv in secret.Data ?? new Dictionary<string, byte[]>())
            {
                sb.Append("  ").Append(kv.Key).Append(":  ").Append(kv.Value.Length).Append(" bytes\n");
            }
        }
        sb.Append("Events:");
        if (events.Count == 0)
        {
            sb.Append("  <none>\n");
        }
        else
        {
            sb.Append('\n');
            sb.Append("  Type     Reason              Age     From                Message\n");
            sb.Append("  ----     ------              ----    ----                -------\n");
            foreach (var e in events)
            {
                var age = Printing.Age(e.LastTimestamp ?? e.EventTime ?? e.Metadata?.CreationTimestamp);
                var from = e.Source?.Component ?? e.ReportingComponent ?? "";
                sb.Append("  ").Append((e.Type ?? "").PadRight(9)).Append((e.Reason ?? "").PadRight(20)).Append(age.PadRight(8))
                  .Append(from.PadRight(20)).Append(e.Message).Append('\n');
            }
        }
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string key, string? value) =>
        sb.Append((key + ":").PadRight(20)).Append(string.IsNullOrEmpty(value) ? "<none>" : value).Append('\n');

    private static void Map(StringBuilder sb, string key, JsonObject? map, string? skip = null)
    {
        var items = map?.Where(kv => kv.Key != skip).ToList() ?? new();
        if (items.Count == 0)
        {
            Line(sb, key, "<none>");
            return;
        }
        var first = true;
        foreach (var kv in items)
        {
            sb.Append(first ? (key + ":").PadRight(20) : new string(' ', 20)).Append(kv.Key).Append('=').Append(kv.Value?.ToString()).Append('\n');
            first = false;
        }
    }
}
