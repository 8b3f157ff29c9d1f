using System.Diagnostics;
using System.Net.Http;
using KubePS.Engine.Errors;

namespace KubePS.Engine.Connection;

/// <summary>One API call as reported to the listener: never carries headers or bodies.</summary>
/// <param name="Method">HTTP verb.</param>
/// <param name="Url">The request URL with secrets (userinfo, token-like query parameters) redacted.</param>
/// <param name="StatusCode">HTTP status, or null when no response arrived.</param>
/// <param name="Elapsed">Time until the response headers arrived (or the failure).</param>
/// <param name="Context">The kubeconfig context the call was made for.</param>
/// <param name="Failure">A short description of a transport failure, if any.</param>
public sealed record ApiCallInfo(string Method, string Url, int? StatusCode, TimeSpan Elapsed, string Context, string? Failure = null)
{
    /// <summary>The line a cmdlet writes to the Verbose stream: "GET https://.../api/v1/pods 200 OK in 12 ms".</summary>
    public override string ToString()
    {
        var status = StatusCode is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "failed";
        var failure = Failure is null ? "" : $" ({Failure})";
        return $"{Method} {Url} {status} in {(long)Elapsed.TotalMilliseconds} ms{failure}";
    }
}

/// <summary>
/// Where API calls are reported. The listener is ambient (an AsyncLocal), so one cached client
/// reports to whichever cmdlet invocation is making the call.
/// </summary>
public static class ApiCallTrace
{
    private static readonly AsyncLocal<Action<ApiCallInfo>?> CurrentListener = new();

    /// <summary>Reports API calls made by this async flow (and flows it starts) to <paramref name="listener"/> until disposed.</summary>
    public static IDisposable Listen(Action<ApiCallInfo> listener)
    {
        var previous = CurrentListener.Value;
        CurrentListener.Value = listener;
        return new Restore(previous);
    }

    internal static void Report(ApiCallInfo info)
    {
        var listener = CurrentListener.Value;
        if (listener is null)
        {
            return;
        }

        try
        {
            listener(info);
        }
        catch (Exception)
        {
            // Tracing must never break a call.
        }
    }

    private sealed class Restore(Action<ApiCallInfo>? previous) : IDisposable
    {
        public void Dispose() => CurrentListener.Value = previous;
    }
}

/// <summary>
/// The delegating handler put in front of every client: it times each call, reports it through
/// <see cref="ApiCallTrace"/>, and turns transport failures into <see cref="KubeException"/> naming the server and context.
/// </summary>
public sealed class ApiCallTracingHandler : DelegatingHandler
{
    private readonly string _context;
    private readonly string _server;
    private readonly TimeSpan _connectTimeout;

    public ApiCallTracingHandler(string context, string server, TimeSpan connectTimeout)
    {
        _context = context;
        _server = server;
        _connectTimeout = connectTimeout;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.Method.Method;
        var url = ApiCallRedactor.RedactUrl(request.RequestUri);
        var watch = Stopwatch.StartNew();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            ApiCallTrace.Report(new ApiCallInfo(method, url, (int)response.StatusCode, watch.Elapsed, _context));
            return response;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Nobody cancelled the request, so this is SocketsHttpHandler's ConnectTimeout.
            ApiCallTrace.Report(new ApiCallInfo(method, url, null, watch.Elapsed, _context, "connect timeout"));
            throw new KubeException(
                KubeErrorKind.KubeUnreachable,
                $"Cannot reach the Kubernetes API server {_server}{KubeErrorMapper.ContextSuffix(_context)}: no connection within {_connectTimeout.TotalSeconds:0.#} s.",
                ex)
            {
                Target = _server,
                RecommendedAction = "Check that the cluster is running and reachable, or raise -ConnectTimeout.",
            };
        }
        catch (HttpRequestException ex)
        {
            var mapped = KubeErrorMapper.MapRequestException(ex, _server, _context);
            ApiCallTrace.Report(new ApiCallInfo(method, url, null, watch.Elapsed, _context, mapped.Kind.ToString()));
            throw mapped;
        }
        catch (OperationCanceledException)
        {
            ApiCallTrace.Report(new ApiCallInfo(method, url, null, watch.Elapsed, _context, "cancelled"));
            throw;
        }
    }
}

/// <summary>Removes secrets from what is reported about a call.</summary>
public static class ApiCallRedactor
{
    private static readonly string[] SensitiveQueryKeys =
    [
        "token", "access_token", "id_token", "refresh_token", "password", "secret", "client_secret", "key", "signature", "sig", "auth", "authorization",
    ];

    /// <summary>The URL with userinfo and token-like query parameter values replaced by "REDACTED".</summary>
    public static string RedactUrl(Uri? uri)
    {
        if (uri is null)
        {
            return "";
        }

        if (!uri.IsAbsoluteUri)
        {
            return RedactQuery(uri.OriginalString);
        }

        var builder = new UriBuilder(uri);
        if (!string.IsNullOrEmpty(builder.UserName) || !string.IsNullOrEmpty(builder.Password))
        {
            builder.UserName = "REDACTED";
            builder.Password = "";
        }

        var text = builder.Uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.UserInfo | UriComponents.Path, UriFormat.UriEscaped);
        var query = uri.Query;
        return query.Length > 1 ? text + RedactQuery(query) : text;
    }

    private static string RedactQuery(string text)
    {
        var queryStart = text.IndexOf('?', StringComparison.Ordinal);
        if (queryStart < 0)
        {
            return text;
        }

        var parts = text[(queryStart + 1)..].Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            var equals = parts[i].IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? parts[i] : parts[i][..equals]);
            if (equals >= 0 && IsSensitive(key))
            {
                parts[i] = parts[i][..(equals + 1)] + "REDACTED";
            }
        }

        return text[..queryStart] + "?" + string.Join('&', parts);
    }

    private static bool IsSensitive(string key)
    {
        foreach (var candidate in SensitiveQueryKeys)
        {
            if (key.Equals(candidate, StringComparison.OrdinalIgnoreCase) || key.EndsWith("_" + candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
