using System.Net.Http.Headers;
using k8s;
using KubePS.Engine.Errors;

namespace KubePS.Engine.Resources;

/// <summary>
/// Raw HTTP requests over a configured <see cref="Kubernetes"/> client: the same HttpClient, TLS
/// settings and credentials, for endpoints the typed client does not cover (discovery of any group,
/// any resource by path, server-side Tables) and for streaming large lists.
/// </summary>
public static class KubeRequest
{
    /// <summary>JSON, the only wire format the engine reads.</summary>
    public const string Json = "application/json";

    /// <summary>
    /// Sends one request and returns the successful response; a non-2xx answer becomes a KubeException
    /// carrying the server's Status.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(
        IKubernetes client,
        HttpMethod method,
        string pathAndQuery,
        CancellationToken cancellationToken,
        HttpContent? content = null,
        string? accept = Json,
        bool streamResponse = false)
    {
        var kube = client as Kubernetes
            ?? throw new ArgumentException("The client must be a k8s.Kubernetes instance.", nameof(client));
        var baseUri = kube.BaseUri.ToString().TrimEnd('/');
        using var request = new HttpRequestMessage(method, baseUri + pathAndQuery) { Content = content };
        if (accept is not null)
        {
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        }
        if (kube.Credentials is not null)
        {
            await kube.Credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }
        HttpResponseMessage response;
        try
        {
            response = await kube.HttpClient.SendAsync(
                request,
                streamResponse ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not KubeException && ex is not OperationCanceledException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw KubeErrorMapper.Map(ex, kube.BaseUri.ToString(), null, cancellationToken);
        }
        if (!response.IsSuccessStatusCode)
        {
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                response.Dispose();
            }
            throw KubeErrorMapper.FromStatus((int)response.StatusCode, body, $"{method} {pathAndQuery}");
        }
        return response;
    }

    /// <summary>GETs a path and returns its JSON body as a document.</summary>
    public static async Task<System.Text.Json.JsonDocument> GetJsonAsync(IKubernetes client, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(client, HttpMethod.Get, pathAndQuery, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await System.Text.Json.JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
