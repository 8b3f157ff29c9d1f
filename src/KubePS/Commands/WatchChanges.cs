using System.Management.Automation;
using KubePS.Engine.Discovery;
using KubePS.Engine.Errors;
using KubePS.Engine.Watch;
using KubePS.Output;

namespace KubePS.Commands;

/// <summary>The watch loop shared by Watch-KubeResource and Watch-KubeEvent.</summary>
internal static class WatchChanges
{
    public static TimeSpan? ToDuration(object? value, string parameter = "Timeout") => value switch
    {
        null => null,
        PSObject pso => ToDuration(pso.BaseObject, parameter),
        TimeSpan ts => ts,
        sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal => TimeSpan.FromSeconds(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)),
        _ => Engine.Logs.Duration.TryParse(value.ToString(), out var d) ? d
            : throw new PSArgumentException($"-{parameter} '{value}' is not a duration: use a TimeSpan or text such as 30s, 5m, 1h30m.", parameter),
    };

    public static async Task RunAsync(k8s.IKubernetes client, ApiResourceInfo resource, string? ns, string? selector, string? fieldSelector,
        string[]? names, bool changesOnly, TimeSpan? timeout, int count, Func<object, bool>? keep, Action<KubeResourceChange> emit, CancellationToken cancellationToken)
    {
        var exact = names is { Length: 1 } && !WildcardPattern.ContainsWildcardCharacters(names[0]) ? names[0] : null;
        if (exact is not null && string.IsNullOrEmpty(fieldSelector))
        {
            fieldSelector = "metadata.name=" + exact;
        }
        var patterns = names?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t)
        {
            limit.CancelAfter(t);
        }
        await using var hub = new WatchHub(client);
        using var lease = hub.Acquire(resource, ns, selector, fieldSelector);
        using var sub = lease.Watcher.Subscribe();
        var synced = false;
        var emitted = 0;
        try
        {
            await foreach (var e in sub.ReadAllAsync(limit.Token).ConfigureAwait(false))
            {
                switch (e.Type)
                {
                    case WatchEventType.Synced:
                        synced = true;
                        continue;
                    case WatchEventType.Error:
                        var inner = e.Error;
                        if (inner is KubeException ke && ke.Kind is KubeErrorKind.KubeUnauthorized or KubeErrorKind.KubeForbidden or KubeErrorKind.KubeNotFound)
                        {
                            throw ke;
                        }
                        throw new KubeException(KubeErrorKind.KubeWatchFailed, $"Watching {resource.FullName} stopped: {inner?.Message}", inner) { Target = resource.FullName };
                    case WatchEventType.Added when changesOnly && !synced:
                        continue;
                }
                if (patterns is not null && !patterns.Any(p => p.IsMatch(e.Name ?? "")))
                {
                    continue;
                }
                var model = e.ToModel(resource);
                if (keep is not null && !keep(model))
                {
                    continue;
                }
                var type = e.Type switch
                {
                    WatchEventType.Added => KubeChangeType.Added,
                    WatchEventType.Modified => KubeChangeType.Modified,
                    _ => KubeChangeType.Deleted,
                };
                emit(new KubeResourceChange(type, KubeObjects.ToPipeline(model), resource.Kind, e.Namespace, e.Name, e.ResourceVersion, DateTimeOffset.Now));
                if (count > 0 && ++emitted >= count)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // -Timeout reached
        }
    }
}
