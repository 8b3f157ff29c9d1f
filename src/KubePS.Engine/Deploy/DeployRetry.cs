using KubePS.Engine.Errors;

namespace KubePS.Engine.Deploy;

/// <summary>
/// Retries of idempotent requests (server-side apply, GET, DELETE) on 429, 5xx and dropped connections, with
/// exponential backoff and jitter. Server-side apply can be repeated without creating duplicates: the object's
/// name is its identity.
/// </summary>
public static class DeployRetry
{
    public static bool IsRetryable(KubeException ex) =>
        ex.Kind is KubeErrorKind.KubeServerBusy or KubeErrorKind.KubeUnreachable
        || ex.StatusCode is 429 or 500 or 502 or 503 or 504;

    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, int maxRetries, TimeSpan firstDelay, Action? onRetry, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (KubeException ex) when (attempt < maxRetries && IsRetryable(ex) && !cancellationToken.IsCancellationRequested)
            {
                onRetry?.Invoke();
                var ms = Math.Min(5000, firstDelay.TotalMilliseconds * Math.Pow(2, attempt));
                if (ex.StatusCode is 429 or 503)
                {
                    ms = Math.Max(ms, 500); // the server asked for a pause (Retry-After)
                }
                ms *= 0.75 + Random.Shared.NextDouble() * 0.5;
                await Task.Delay(TimeSpan.FromMilliseconds(ms), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static Task RunAsync(Func<CancellationToken, Task> call, int maxRetries, TimeSpan firstDelay, Action? onRetry, CancellationToken cancellationToken) =>
        RunAsync<bool>(async ct =>
        {
            await call(ct).ConfigureAwait(false);
            return true;
        }, maxRetries, firstDelay, onRetry, cancellationToken);
}
