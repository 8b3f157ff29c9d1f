using System.Globalization;
using System.Text;
using System.Threading.Channels;
using k8s;
using KubePS.Engine.Errors;
using KubePS.Engine.Resources;

namespace KubePS.Engine.Logs;

/// <summary>What the streamer knows about a container from the pod watch.</summary>
internal enum ContainerPhase
{
    /// <summary>The pod is gone (deleted, or no longer matches).</summary>
    Gone,
    Waiting,
    Running,
    /// <summary>Terminated, but it may run again (restartPolicy).</summary>
    Terminated,
    /// <summary>Terminated for good: the pod Succeeded/Failed, or an init container completed.</summary>
    Finished,
}

/// <summary>
/// One container's log, read over pods/log and kept alive: timestamps are always requested so that a dropped stream
/// resumes with sinceTime = the last line's time, and the lines at that boundary that were already delivered are
/// skipped (same time and same count: no loss, no duplicates). With follow, the stream parks while the container is
/// not running and wakes when the pod watch reports a change.
/// </summary>
internal sealed class ContainerLogStream
{
    private readonly IKubernetes client;
    private readonly LogRequest request;
    private readonly ChannelWriter<object> output;
    private readonly LogStats stats;
    private readonly Func<ContainerPhase> phaseOf;
    private readonly SemaphoreSlim changed = new(0, 1);
    private readonly bool follow;
    private LogTime last = LogTime.None;
    private int atLast;
    private long bytesLeft;

    public ContainerLogStream(IKubernetes client, LogRequest request, string @namespace, string pod, string container,
        ChannelWriter<object> output, LogStats stats, Func<ContainerPhase> phaseOf)
    {
        this.client = client;
        this.request = request;
        Namespace = @namespace;
        Pod = pod;
        Container = container;
        this.output = output;
        this.stats = stats;
        this.phaseOf = phaseOf;
        follow = request.Follow && !request.Previous;
        bytesLeft = request.LimitBytes ?? -1;
    }

    public string Namespace { get; }
    public string Pod { get; }
    public string Container { get; }
    public string Key => Namespace + "/" + Pod + "/" + Container;

    /// <summary>Lines delivered by this stream.</summary>
    public long Delivered { get; private set; }

    /// <summary>Wakes a parked stream (the pod changed).</summary>
    public void Signal()
    {
        try
        {
            if (changed.CurrentCount == 0)
            {
                changed.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
    }

    private string BuildPath(bool resume)
    {
        var q = new StringBuilder();
        q.Append("/api/v1/namespaces/").Append(Uri.EscapeDataString(Namespace)).Append("/pods/").Append(Uri.EscapeDataString(Pod))
            .Append("/log?container=").Append(Uri.EscapeDataString(Container)).Append("&timestamps=true");
        if (follow)
        {
            q.Append("&follow=true");
        }
        if (request.Previous)
        {
            q.Append("&previous=true");
        }
        if (resume && !last.IsNone)
        {
            q.Append("&sinceTime=").Append(Uri.EscapeDataString(last.ToQueryString()));
        }
        else if (!resume || last.IsNone)
        {
            if (request.TailLines is long tail && tail >= 0)
            {
                q.Append("&tailLines=").Append(tail.ToString(CultureInfo.InvariantCulture));
            }
            if (request.SinceTime is DateTimeOffset since)
            {
                q.Append("&sinceTime=").Append(Uri.EscapeDataString(since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
            }
            else if (request.SinceSeconds is long s && s > 0)
            {
                q.Append("&sinceSeconds=").Append(s.ToString(CultureInfo.InvariantCulture));
            }
        }
        return q.ToString();
    }

    private ValueTask Notice(LogNoticeKind kind, string message, KubeException? error, CancellationToken ct) =>
        output.WriteAsync(new LogNotice(kind, message) { Error = error, Target = Key }, ct);

    /// <summary>Reads until the log ends (no follow), the pod goes away, or the token is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = request.InitialBackoff;
        var failures = 0;
        var resume = false;
        while (!ct.IsCancellationRequested)
        {
            var got = 0L;
            var clean = false;
            try
            {
                stats.CountStream();
                using var response = await KubeRequest.SendAsync(client, HttpMethod.Get, BuildPath(resume), ct, accept: null, streamResponse: true).ConfigureAwait(false);
                await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 16384);
                var skipAtLast = resume ? atLast : 0;
                string? raw;
                while ((raw = await reader.ReadLineAsync(ct).ConfigureAwait(false)) is not null)
                {
                    var deliver = Accept(raw, ref skipAtLast, out var time, out var text);
                    if (!deliver)
                    {
                        continue;
                    }
                    got++;
                    if (!Matches(text))
                    {
                        continue;
                    }
                    if (bytesLeft >= 0)
                    {
                        var size = Encoding.UTF8.GetByteCount(text) + 1;
                        if (size > bytesLeft)
                        {
                            text = Truncate(text, (int)bytesLeft);
                            bytesLeft = 0;
                            if (text.Length > 0)
                            {
                                await Write(time, text, ct).ConfigureAwait(false);
                            }
                            return;
                        }
                        bytesLeft -= size;
                    }
                    await Write(time, text, ct).ConfigureAwait(false);
                }
                clean = true;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (KubeException e)
            {
                switch (e.StatusCode)
                {
                    case 404:
                        if (phaseOf() == ContainerPhase.Gone || !follow)
                        {
                            if (!follow)
                            {
                                await Notice(LogNoticeKind.Error, $"Pod '{Pod}' was not found in namespace '{Namespace}'.",
                                    new KubeException(KubeErrorKind.KubeNotFound, $"Pod '{Pod}' was not found in namespace '{Namespace}'.", e) { StatusCode = 404, Target = Namespace + "/" + Pod }, ct).ConfigureAwait(false);
                            }
                            return;
                        }
                        break;
                    case 400 when e.Message.Contains("previous terminated container", StringComparison.OrdinalIgnoreCase):
                        await Notice(LogNoticeKind.Error, $"Container '{Container}' of pod '{Namespace}/{Pod}' has no previous terminated instance (it has not restarted).",
                            new KubeException(KubeErrorKind.KubeLogNoPreviousContainer, $"Container '{Container}' of pod '{Namespace}/{Pod}' has no previous terminated instance (it has not restarted).", e)
                            {
                                StatusCode = 400,
                                Target = Key,
                                RecommendedAction = "Leave out -Previous, or check the restart count with Get-KubePod.",
                            }, ct).ConfigureAwait(false);
                        return;
                    case 400 when e.Message.Contains("is not valid for pod", StringComparison.OrdinalIgnoreCase):
                        await Notice(LogNoticeKind.Error, e.Message,
                            new KubeException(KubeErrorKind.KubeLogContainerNotFound, e.Message, e) { StatusCode = 400, Target = Key }, ct).ConfigureAwait(false);
                        return;
                    case 400 or 401 or 403 or 422 when !(e.StatusCode == 400 && e.Message.Contains("waiting to start", StringComparison.OrdinalIgnoreCase)):
                        await Notice(LogNoticeKind.Error, e.Message, e, ct).ConfigureAwait(false);
                        return;
                    case 400:
                        // waiting to start (ContainerCreating, image pull, crash back-off)
                        if (!follow)
                        {
                            await Notice(LogNoticeKind.Warning, $"{Key}: {e.Message}", null, ct).ConfigureAwait(false);
                            return;
                        }
                        await ParkAsync(ct).ConfigureAwait(false);
                        continue;
                }
                // 429, 5xx, unreachable, timeouts: retry with backoff
                if (++failures > 8 && !follow)
                {
                    await Notice(LogNoticeKind.Error, $"Reading the log of {Key} failed: {e.Message}",
                        new KubeException(KubeErrorKind.KubeLogStreamFailed, $"Reading the log of {Key} failed: {e.Message}", e) { Target = Key }, ct).ConfigureAwait(false);
                    return;
                }
                await Output(LogNoticeKind.Verbose, $"{Key}: {e.Message}; retrying in {backoff.TotalMilliseconds:0} ms", ct).ConfigureAwait(false);
                await DelayAsync(ref backoff, ct).ConfigureAwait(false);
                resume = true;
                continue;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is IOException or HttpRequestException or ObjectDisposedException or OperationCanceledException)
            {
                // the stream broke mid-read: resume from the last line's time
                await Output(LogNoticeKind.Verbose, $"{Key}: stream dropped ({e.GetType().Name}: {e.Message}); resuming after {last}", ct).ConfigureAwait(false);
            }

            resume = true;
            if (got > 0)
            {
                failures = 0;
                backoff = request.InitialBackoff;
            }
            if (!follow)
            {
                if (clean)
                {
                    return;
                }
                stats.CountReconnect();
                await DelayAsync(ref backoff, ct).ConfigureAwait(false);
                continue;
            }

            var phase = phaseOf();
            if (phase is ContainerPhase.Gone or ContainerPhase.Finished)
            {
                // drain once more after the end was seen, in case the end arrived before the last lines were read
                if (!clean)
                {
                    stats.CountReconnect();
                    continue;
                }
                return;
            }
            stats.CountReconnect();
            if (phase == ContainerPhase.Running || got > 0)
            {
                await DelayAsync(ref backoff, ct).ConfigureAwait(false);
            }
            else
            {
                await ParkAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private ValueTask Output(LogNoticeKind kind, string message, CancellationToken ct) => Notice(kind, message, null, ct);

    private async Task ParkAsync(CancellationToken ct)
    {
        // wait for the pod to change, but look again now and then in case a change was missed
        try
        {
            await changed.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(2000, request.MaxBackoff.TotalMilliseconds)), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private Task DelayAsync(ref TimeSpan backoff, CancellationToken ct)
    {
        var wait = TimeSpan.FromMilliseconds(backoff.TotalMilliseconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
        backoff = TimeSpan.FromMilliseconds(Math.Min(request.MaxBackoff.TotalMilliseconds, backoff.TotalMilliseconds * 2));
        return Task.Delay(wait, ct).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>De-duplicates at the resume boundary and tracks the last time. False = already delivered.</summary>
    private bool Accept(string raw, ref int skipAtLast, out LogTime time, out string text)
    {
        if (!LogTime.TrySplit(raw, out time, out text))
        {
            return true; // no timestamp (should not happen, timestamps are requested): deliver as is
        }
        if (!last.IsNone)
        {
            var c = time.CompareTo(last);
            if (c < 0)
            {
                stats.CountDuplicate();
                return false;
            }
            if (c == 0)
            {
                if (skipAtLast > 0)
                {
                    skipAtLast--;
                    stats.CountDuplicate();
                    return false;
                }
                atLast++;
                return true;
            }
        }
        last = time;
        atLast = 1;
        skipAtLast = 0;
        return true;
    }

    private bool Matches(string text)
    {
        if (request.Include.Count > 0 && !request.Include.Any(r => r.IsMatch(text)))
        {
            return false;
        }
        return request.Exclude.Count == 0 || !request.Exclude.Any(r => r.IsMatch(text));
    }

    private static string Truncate(string text, int bytes)
    {
        if (bytes <= 0)
        {
            return "";
        }
        var data = Encoding.UTF8.GetBytes(text);
        return data.Length <= bytes ? text : Encoding.UTF8.GetString(data, 0, bytes);
    }

    private ValueTask Write(LogTime time, string text, CancellationToken ct)
    {
        Delivered++;
        stats.CountLine();
        var line = new LogLine(Namespace, Pod, Container, time.IsNone ? null : time.ToDateTimeOffset(), text) { Time = time, ShowTimestamp = request.Timestamps, ShowNamespace = request.ShowNamespace };
        return output.WriteAsync(line, ct);
    }
}
