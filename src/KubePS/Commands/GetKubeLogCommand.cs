using System.Management.Automation;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using KubePS.Completion;
using KubePS.Engine.Errors;
using KubePS.Engine.Logs;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Gets (and with -Follow streams) the logs of pods: by name (wildcards or regex), by label selector, by workload, across namespaces.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "KubeLog", DefaultParameterSetName = NameSet)]
[OutputType(typeof(LogLine), typeof(string))]
public sealed class GetKubeLogCommand : KubeClusterCmdlet
{
    private const string NameSet = "Name";
    private const string SelectorSet = "Selector";
    private const string WorkloadSet = "Workload";
    private const string InputSet = "InputObject";

    private readonly List<LogTarget> targets = new();
    private readonly List<(string Kind, string? Namespace, string Name)> workloads = new();

    /// <summary>Pod names: wildcards (web-*), regular expressions with -Match, or kind/name of a workload (deployment/web).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ResourceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Treat -Name as regular expressions (matched anywhere in the pod name).</summary>
    [Parameter(ParameterSetName = NameSet)]
    public SwitchParameter Match { get; set; }

    /// <summary>A label selector (kubectl -l): app=web,tier in (front,back).</summary>
    [Parameter(Mandatory = true, ParameterSetName = SelectorSet)]
    [Alias("l", "LabelSelector")]
    [ArgumentCompleter(typeof(LabelSelectorCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Selector { get; set; }

    /// <summary>The pods of this Deployment (its spec.selector).</summary>
    [Parameter(ParameterSetName = WorkloadSet)]
    [ValidateNotNullOrEmpty]
    public string? Deployment { get; set; }

    /// <summary>The pods of this StatefulSet.</summary>
    [Parameter(ParameterSetName = WorkloadSet)]
    [ValidateNotNullOrEmpty]
    public string? StatefulSet { get; set; }

    /// <summary>The pods of this DaemonSet.</summary>
    [Parameter(ParameterSetName = WorkloadSet)]
    [ValidateNotNullOrEmpty]
    public string? DaemonSet { get; set; }

    /// <summary>The pods of this ReplicaSet.</summary>
    [Parameter(ParameterSetName = WorkloadSet)]
    [ValidateNotNullOrEmpty]
    public string? ReplicaSet { get; set; }

    /// <summary>The pods of this Job.</summary>
    [Parameter(ParameterSetName = WorkloadSet)]
    [ValidateNotNullOrEmpty]
    public string? Job { get; set; }

    /// <summary>Pods, workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Service) or names from the pipeline.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
    public PSObject? InputObject { get; set; }

    /// <summary>Read pods in every namespace (kubectl -A).</summary>
    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = SelectorSet)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>Only these containers (wildcards); default every container (and init containers that have started).</summary>
    [Parameter]
    [SupportsWildcards]
    [Alias("c")]
    [ValidateNotNullOrEmpty]
    public string[]? Container { get; set; }

    /// <summary>Keep following: stream new lines, pick up pods and containers that appear, stop following those that go away.</summary>
    [Parameter]
    [Alias("f")]
    public SwitchParameter Follow { get; set; }

    /// <summary>Lines from the end of each log to start with (default: all for named pods, 10 for selectors, workloads and wildcards, as kubectl does).</summary>
    [Parameter]
    [Alias("TailLines")]
    [ValidateRange(-1, long.MaxValue)]
    public long Tail { get; set; } = -1;

    /// <summary>Only lines newer than this: a TimeSpan or a duration such as 5m, 1h30m, 90s.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Since { get; set; }

    /// <summary>Only lines written at or after this time.</summary>
    [Parameter]
    public DateTime? SinceTime { get; set; }

    /// <summary>Show each line's timestamp (in the default view and in -Raw output; the Timestamp property is always set).</summary>
    [Parameter]
    public SwitchParameter Timestamps { get; set; }

    /// <summary>The log of the previous (terminated) instance of each container.</summary>
    [Parameter]
    [Alias("p")]
    public SwitchParameter Previous { get; set; }

    /// <summary>Stop each container's log after this many bytes.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long LimitBytes { get; set; }

    /// <summary>Keep only lines matching one of these regular expressions.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Include { get; set; }

    /// <summary>Drop lines matching any of these regular expressions.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Exclude { get; set; }

    /// <summary>Streams read at once (default 50); with -Follow, more are reported as an error and wait for a free slot.</summary>
    [Parameter]
    [ValidateRange(1, 10000)]
    public int MaxStreams { get; set; } = 50;

    /// <summary>Merge lines by timestamp (all of them without -Follow; within a half-second window with it) instead of arrival order.</summary>
    [Parameter]
    public SwitchParameter Sort { get; set; }

    /// <summary>Plain strings (the line, with -Timestamps its timestamp first) instead of objects: for files and native tools.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    /// <summary>With -Follow, stop after this long (a TimeSpan or a duration such as 30s); reaching it is not an error.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Timeout { get; set; }

    private static TimeSpan? ToDuration(object? value, string parameter)
    {
        switch (value)
        {
            case null:
                return null;
            case PSObject pso:
                return ToDuration(pso.BaseObject, parameter);
            case TimeSpan ts:
                return ts;
            case sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal:
                return TimeSpan.FromSeconds(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
            default:
                if (Duration.TryParse(value.ToString(), out var d))
                {
                    return d;
                }
                throw new PSArgumentException($"-{parameter} '{value}' is not a duration: use a TimeSpan or text such as 30s, 5m, 1h30m.", parameter);
        }
    }

    private static Func<string, bool> WildcardPredicate(IEnumerable<string> patterns)
    {
        var list = patterns.Select(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase)).ToList();
        return s => list.Any(p => p.IsMatch(s));
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var ns = AllNamespaces ? null : EffectiveNamespace;
        switch (ParameterSetName)
        {
            case NameSet:
                AddNames(Name!, ns, Match);
                break;
            case SelectorSet:
                targets.Add(new LogTarget { Namespace = ns, LabelSelector = Selector, Description = $"selector '{Selector}'" });
                break;
            case WorkloadSet:
                var given = new[] { ("Deployment", Deployment), ("StatefulSet", StatefulSet), ("DaemonSet", DaemonSet), ("ReplicaSet", ReplicaSet), ("Job", Job) }
                    .Where(x => x.Item2 is not null).ToList();
                if (given.Count == 0)
                {
                    throw new PSArgumentException("Give one of -Deployment, -StatefulSet, -DaemonSet, -ReplicaSet or -Job.");
                }
                foreach (var (kind, name) in given)
                {
                    workloads.Add((kind, ns!, name!));
                }
                break;
            case InputSet:
                AddInput(InputObject!, ns!);
                break;
        }
    }

    private void AddNames(IEnumerable<string> names, string? ns, bool regex)
    {
        var exact = new List<string>();
        var patterns = new List<string>();
        foreach (var n in names)
        {
            var slash = n.IndexOf('/');
            if (slash > 0 && !regex)
            {
                var kind = n[..slash];
                var rest = n[(slash + 1)..];
                if (kind is "pod" or "pods" or "po")
                {
                    AddNames(new[] { rest }, ns, false);
                }
                else
                {
                    workloads.Add((kind, ns ?? EffectiveNamespace, rest));
                }
                continue;
            }
            if (regex || WildcardPattern.ContainsWildcardCharacters(n) || ns is null)
            {
                patterns.Add(n);
            }
            else
            {
                exact.Add(n);
            }
        }
        if (exact.Count > 0)
        {
            targets.Add(new LogTarget { Namespace = ns, ExactNames = exact, Description = string.Join(", ", exact) });
        }
        if (patterns.Count > 0)
        {
            Func<string, bool> filter;
            if (regex)
            {
                var rx = patterns.Select(p => new Regex(p, RegexOptions.CultureInvariant)).ToList();
                filter = s => rx.Any(r => r.IsMatch(s));
            }
            else
            {
                filter = WildcardPredicate(patterns);
            }
            targets.Add(new LogTarget { Namespace = ns, NameFilter = filter, Description = $"'{string.Join("', '", patterns)}'" });
        }
    }

    private void AddInput(PSObject input, string ns)
    {
        var baseObject = input.BaseObject;
        switch (baseObject)
        {
            case string s:
                AddNames(new[] { s }, ns, Match);
                return;
            case V1Pod pod:
                targets.Add(new LogTarget { Namespace = pod.Metadata?.NamespaceProperty ?? ns, ExactNames = new[] { pod.Metadata!.Name }, Description = pod.Metadata.Name });
                return;
            case V1Deployment or V1StatefulSet or V1DaemonSet or V1ReplicaSet or V1Job or V1Service:
                var obj = (IKubernetesObject<V1ObjectMeta>)baseObject;
                using (var doc = JsonDocument.Parse(KubernetesJson.Serialize(obj)))
                {
                    var kind = obj.Kind ?? baseObject.GetType().Name[2..];
                    var selector = LogStreamerSelector(doc.RootElement, kind, obj.Metadata.Name);
                    targets.Add(new LogTarget
                    {
                        Namespace = obj.Metadata.NamespaceProperty ?? ns,
                        LabelSelector = selector,
                        Description = $"{kind.ToLowerInvariant()}/{obj.Metadata.Name} (selector '{selector}')",
                    });
                }
                return;
        }
        var k = KubeObjectProperties.GetKind(input);
        var n = KubeObjectProperties.GetName(input);
        var objNs = KubeObjectProperties.GetNamespace(input) ?? ns;
        if (string.IsNullOrEmpty(n))
        {
            throw new PSArgumentException($"Cannot read logs of the pipeline input '{input}': it has no Name.");
        }
        if (string.IsNullOrEmpty(k) || k is "Pod")
        {
            targets.Add(new LogTarget { Namespace = objNs, ExactNames = new[] { n }, Description = n });
        }
        else
        {
            workloads.Add((k, objNs, n));
        }
    }

    private static string LogStreamerSelector(JsonElement workload, string kind, string name) => LogStreamer.SelectorOf(workload, kind, name);

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var streamer = new LogStreamer(connection.Client);
        foreach (var (kind, ns, name) in workloads)
        {
            try
            {
                var selector = await streamer.SelectorOfWorkloadAsync(kind, ns ?? EffectiveNamespace, name, cancellationToken).ConfigureAwait(false);
                targets.Add(new LogTarget { Namespace = ns ?? EffectiveNamespace, LabelSelector = selector, Description = $"{kind.ToLowerInvariant()}/{name} (selector '{selector}')" });
            }
            catch (KubeException e)
            {
                EmitError(e, $"{kind}/{name}");
            }
        }
        if (targets.Count == 0)
        {
            return;
        }

        var since = ToDuration(Since, nameof(Since));
        var timeout = ToDuration(Timeout, nameof(Timeout));
        var tail = MyInvocation.BoundParameters.ContainsKey(nameof(Tail)) ? Tail
            : (targets.Any(t => t.IsSet) && since is null && SinceTime is null ? 10 : -1);
        var request = new LogRequest
        {
            Targets = targets,
            ContainerFilter = Container is null ? null : WildcardPredicate(Container),
            ContainerPattern = Container is null ? null : string.Join(", ", Container),
            Follow = Follow,
            TailLines = tail >= 0 ? tail : null,
            SinceSeconds = since is { } s ? Math.Max(1, (long)Math.Ceiling(s.TotalSeconds)) : null,
            SinceTime = SinceTime is { } st ? new DateTimeOffset(st.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(st, DateTimeKind.Local) : st) : null,
            Previous = Previous,
            LimitBytes = LimitBytes > 0 ? LimitBytes : null,
            MaxStreams = MaxStreams,
            Include = (Include ?? Array.Empty<string>()).Select(p => new Regex(p, RegexOptions.CultureInvariant)).ToList(),
            Exclude = (Exclude ?? Array.Empty<string>()).Select(p => new Regex(p, RegexOptions.CultureInvariant)).ToList(),
            Sort = Sort,
            Timestamps = Timestamps,
            ShowNamespace = targets.Select(t => t.Namespace).Distinct().Count() > 1 || targets.Any(t => t.Namespace is null),
        };

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t && Follow)
        {
            limit.CancelAfter(t);
        }
        try
        {
            await foreach (var item in streamer.ReadAsync(request, limit.Token).ConfigureAwait(false))
            {
                switch (item)
                {
                    case LogLine line:
                        if (Raw)
                        {
                            Emit(Timestamps && line.Timestamp is { } ts ? LogView.FormatTimestamp(ts) + " " + line.Line : line.Line);
                        }
                        else
                        {
                            Emit(line);
                        }
                        break;
                    case LogNotice { Kind: LogNoticeKind.Error } n:
                        EmitError(n.Error ?? new KubeException(KubeErrorKind.KubeLogStreamFailed, n.Message), n.Target);
                        break;
                    case LogNotice { Kind: LogNoticeKind.Warning } n:
                        EmitWarning(n.Message);
                        break;
                    case LogNotice n:
                        EmitVerbose(n.Message);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // -Timeout reached
        }
        EmitVerbose("Get-KubeLog: " + streamer.Stats);
    }
}
