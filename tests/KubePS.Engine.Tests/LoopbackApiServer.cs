using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using k8s;

namespace KubePS.Engine.Tests;

/// <summary>
/// A scripted HTTP API server on a free 127.0.0.1 port for engine tests, with a client pointed at it. Every request
/// path is recorded in <see cref="Requests"/> and handed to <see cref="HandleAsync"/> on its own task; subclasses
/// script the answers. Disposing stops the server and cancels <see cref="Stopping"/>.
/// </summary>
internal abstract class LoopbackApiServer : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    /// <param name="handlers">Delegating handlers for the client (to observe its requests).</param>
    protected LoopbackApiServer(params DelegatingHandler[] handlers)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        Client = new Kubernetes(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{port}" }, handlers);
        loop = Task.Run(RunAsync);
    }

    public Kubernetes Client { get; }

    /// <summary>The path and query of every request, in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Cancelled when the server is disposed (for answers that hold a connection open).</summary>
    protected CancellationToken Stopping => stop.Token;

    /// <summary>Answers one request.</summary>
    protected abstract Task HandleAsync(HttpListenerContext context, string url);

    /// <summary>Writes a complete JSON answer and closes the response.</summary>
    protected static async Task WriteJsonAsync(HttpListenerResponse response, int code, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = code;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    /// <summary>Polls (bounded, 10 s) until a request matching <paramref name="predicate"/> has arrived.</summary>
    public async Task<bool> WaitForRequestAsync(Func<string, bool> predicate)
    {
        for (var i = 0; i < 1000 && !Requests.Any(predicate); i++)
        {
            await Task.Delay(10);
        }
        return Requests.Any(predicate);
    }

    private async Task RunAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch
            {
                return;
            }
            var url = context.Request.RawUrl ?? "";
            Requests.Enqueue(url);
            _ = Task.Run(async () =>
            {
                try
                {
                    await HandleAsync(context, url);
                }
                catch (Exception)
                {
                    try
                    {
                        context.Response.Abort();
                    }
                    catch
                    {
                    }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        listener.Close();
        try
        {
            await loop;
        }
        catch
        {
        }
        Client.Dispose();
    }
}
