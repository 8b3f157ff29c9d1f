using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using k8s.Autorest;
using k8s.Exceptions;
using KubePS.Engine.Connection;

namespace KubePS.Engine.Errors;

/// <summary>
/// Turns what the Kubernetes client, HttpClient and the kubeconfig loader throw into <see cref="KubeException"/>.
/// </summary>
public static class KubeErrorMapper
{
    /// <summary>
    /// Maps an HTTP status code and (optionally) a Kubernetes Status JSON body to a <see cref="KubeException"/>.
    /// </summary>
    public static KubeException FromStatus(int statusCode, string? body, string? requestDescription = null)
    {
        string? message = null;
        string? reason = null;
        string? kind = null;
        string? name = null;
        var causes = new List<string>();

        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    message = GetString(root, "message");
                    reason = GetString(root, "reason");
                    if (root.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object)
                    {
                        kind = GetString(details, "kind");
                        name = GetString(details, "name");
                        if (details.TryGetProperty("causes", out var causeArray) && causeArray.ValueKind == JsonValueKind.Array)
                        {
                            foreach (var cause in causeArray.EnumerateArray())
                            {
                                var field = GetString(cause, "field");
                                var causeMessage = GetString(cause, "message") ?? GetString(cause, "reason") ?? "";
                                causes.Add(string.IsNullOrEmpty(field) ? causeMessage : $"{field}: {causeMessage}");
                            }
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not a Status object (a proxy's HTML page, plain text): use a short excerpt of it.
                message = Excerpt(body);
            }
        }

        var errorKind = statusCode switch
        {
            401 => KubeErrorKind.KubeUnauthorized,
            403 => KubeErrorKind.KubeForbidden,
            404 => KubeErrorKind.KubeNotFound,
            409 => KubeErrorKind.KubeConflict,
            410 => KubeErrorKind.KubeGone,
            422 => KubeErrorKind.KubeInvalid,
            400 when causes.Count > 0 || reason == "Invalid" => KubeErrorKind.KubeInvalid,
            400 => KubeErrorKind.KubeBadRequest,
            429 or 503 => KubeErrorKind.KubeServerBusy,
            504 => KubeErrorKind.KubeTimeout,
            _ => KubeErrorKind.KubeApiError,
        };

        message ??= statusCode switch
        {
            401 => "Unauthorized: the server rejected the credentials.",
            403 => "Forbidden.",
            404 => "Not found.",
            _ => $"The server returned HTTP {statusCode}.",
        };

        var text = new StringBuilder(message);
        if (errorKind == KubeErrorKind.KubeInvalid && causes.Count > 0)
        {
            // The server's message usually names the causes already; list them anyway, one per line, so they are never lost.
            foreach (var cause in causes)
            {
                if (!message.Contains(cause, StringComparison.Ordinal))
                {
                    text.Append(Environment.NewLine).Append("  ").Append(cause);
                }
            }
        }

        if (!string.IsNullOrEmpty(requestDescription))
        {
            text.Append(" (").Append(requestDescription).Append(')');
        }

        return new KubeException(errorKind, text.ToString())
        {
            StatusCode = statusCode,
            Reason = reason,
            Causes = causes,
            Target = name is null ? null : (kind is null ? name : $"{kind}/{name}"),
            RecommendedAction = errorKind switch
            {
                KubeErrorKind.KubeUnauthorized => "Check the user's token or certificate in the kubeconfig, or refresh the exec credential.",
                KubeErrorKind.KubeForbidden => "Ask for RBAC permission for this verb and resource, or use another context.",
                _ => null,
            },
        };
    }

    /// <summary>
    /// Maps any exception from an engine call to a <see cref="KubeException"/>. Cancellation requested by
    /// <paramref name="userToken"/> is returned unchanged (an <see cref="OperationCanceledException"/>).
    /// </summary>
    /// <param name="exception">What was thrown.</param>
    /// <param name="server">The API server URL, for messages.</param>
    /// <param name="context">The context name, for messages.</param>
    /// <param name="userToken">The caller's token: cancellation through it is not an error.</param>
    public static Exception Map(Exception exception, string? server, string? context, CancellationToken userToken = default)
    {
        switch (exception)
        {
            case KubeException:
                return exception;
            case OperationCanceledException when userToken.IsCancellationRequested:
                return exception;
            case AggregateException aggregate when aggregate.InnerExceptions.Count == 1:
                return Map(aggregate.InnerExceptions[0], server, context, userToken);
            case HttpOperationException http:
            {
                var status = (int)(http.Response?.StatusCode ?? 0);
                var request = http.Request is null ? null : $"{http.Request.Method} {ApiCallRedactor.RedactUrl(http.Request.RequestUri)}";
                return FromStatus(status, http.Response?.Content, request);
            }
            case OperationCanceledException:
                return new KubeException(
                    KubeErrorKind.KubeTimeout,
                    $"The request to {server ?? "the API server"}{ContextSuffix(context)} timed out.",
                    exception)
                { Target = server };
            case HttpRequestException requestException:
                return MapRequestException(requestException, server, context);
            case KubeConfigException configException:
                return new KubeException(KubeErrorKind.KubeConfigInvalid, $"Invalid kubeconfig{ContextSuffix(context)}: {configException.Message}", exception);
            default:
                return exception;
        }
    }

    internal static KubeException MapRequestException(HttpRequestException exception, string? server, string? context)
    {
        var serverText = server ?? exception.Data["RequestUri"]?.ToString() ?? "the API server";
        if (Find<AuthenticationException>(exception) is { } tls)
        {
            return new KubeException(
                KubeErrorKind.KubeTlsFailed,
                $"TLS handshake with {serverText}{ContextSuffix(context)} failed: the server certificate is not trusted by the cluster's certificate-authority, or the client certificate was refused ({tls.Message}).",
                exception)
            {
                Target = server,
                RecommendedAction = "Check certificate-authority / certificate-authority-data for this cluster in the kubeconfig.",
            };
        }

        var socket = Find<SocketException>(exception);
        var detail = socket?.Message ?? exception.Message;
        return new KubeException(
            KubeErrorKind.KubeUnreachable,
            $"Cannot reach the Kubernetes API server {serverText}{ContextSuffix(context)}: {detail}",
            exception)
        {
            Target = server,
            RecommendedAction = "Check that the cluster is running and that the server address, proxy-url and network allow the connection.",
        };
    }

    internal static string ContextSuffix(string? context) => string.IsNullOrEmpty(context) ? "" : $" (context '{context}')";

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static string? GetString(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string Excerpt(string body)
    {
        var trimmed = body.Trim();
        return trimmed.Length <= 300 ? trimmed : trimmed[..300] + "...";
    }
}
