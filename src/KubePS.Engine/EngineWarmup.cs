using System.Text;
using KubePS.Engine.Connection;
using KubePS.Engine.Resources;

namespace KubePS.Engine;

/// <summary>
/// Prepares, off the caller's thread, what the first cluster call of a session would otherwise pay for on its
/// critical path: the apiVersion/kind model map, System.Text.Json's metadata for the pod model graph (~150 ms to build; most
/// other workload kinds share its types) and the kubeconfig reader. It reads no user file, talks to no server
/// and runs no credential plugin: it only feeds built-in samples through the same code the first call will use.
/// </summary>
public static class EngineWarmup
{
    private static int _started;

    /// <summary>Starts the warm-up once per process on the thread pool and returns at once; failures are ignored.</summary>
    public static Task Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return Task.CompletedTask;
        }
        return Task.Run(Run);
    }

    private static async Task Run()
    {
        try
        {
            // The map every get consults, built by reflection over the client's models.
            _ = ModelTypeMap.Find("v1", "Pod");
            // A page of pods (the typed list path) and one pod as a single object (the GET path): the first
            // configures the metadata of the whole V1Pod graph, and with 40 items it calls the hot reading code
            // often enough for the runtime to queue its optimized versions before a large list needs them.
            const string pod = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"warmup","namespace":"default","creationTimestamp":"2026-01-01T00:00:00Z","labels":{"app":"warmup"}},"spec":{"containers":[{"name":"app","image":"warmup","ports":[{"containerPort":80}],"resources":{"limits":{"cpu":"100m"}}}]},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z"}],"containerStatuses":[{"name":"app","ready":true,"restartCount":0,"image":"warmup","imageID":"","state":{"running":{"startedAt":"2026-01-01T00:00:00Z"}}}]}}""";
            using (var page = new MemoryStream(Encoding.UTF8.GetBytes("""{"apiVersion":"v1","kind":"PodList","metadata":{"resourceVersion":"1"},"items":[""" + string.Join(",", Enumerable.Repeat(pod, 40)) + "]}")))
            {
                _ = await ModelTypeMap.ReadTypedListAsync(page, "v1", "Pod", static _ => { }).ConfigureAwait(false);
            }
            using (var doc = System.Text.Json.JsonDocument.Parse(pod))
            {
                _ = ResourceReader.Materialize(doc.RootElement, "v1", "Pod");
            }
            // The kubeconfig reader (YAML parser and model), on an in-memory sample.
            _ = KubeConfigLoader.Parse(SampleKubeconfig, "warmup.yaml");
        }
        catch (Exception)
        {
            // A warm-up that fails costs nothing but its time: the real call does the same work and reports errors.
        }
    }

    private const string SampleKubeconfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: warmup
          cluster:
            server: https://127.0.0.1:6443
        users:
        - name: warmup
          user:
            token: warmup
        contexts:
        - name: warmup
          context:
            cluster: warmup
            user: warmup
            namespace: default
        current-context: warmup
        """;
}
