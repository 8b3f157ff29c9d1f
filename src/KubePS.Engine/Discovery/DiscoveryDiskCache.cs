using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KubePS.Engine.Discovery;

/// <summary>
/// Discovery kept on disk between sessions, as kubectl keeps it in ~/.kube/cache: a new session (a CI script, a
/// fresh pwsh) resolves kinds without the dozens of discovery requests (on HTTP/1.1, one new TLS connection per
/// API group version in parallel). One file per server URL, valid for 6 hours like kubectl's; a kind it does not
/// know still triggers a refresh from the server, which rewrites the file. Holds resource type names only, no
/// credentials. The folder is $env:KUBEPS_CACHE_DIR, else ~/.kube/cache/kubeps; KUBEPS_CACHE_DIR=off turns it off.
/// Unreadable, corrupt or unwritable files are ignored: the server is asked instead.
/// </summary>
public static class DiscoveryDiskCache
{
    private const int FormatVersion = 1;

    /// <summary>How long a file is trusted.</summary>
    public static TimeSpan Ttl { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The cache folder, or null when disk caching is off.</summary>
    public static string? Folder
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("KUBEPS_CACHE_DIR");
            if (string.Equals(configured, "off", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
            if (!string.IsNullOrEmpty(configured))
            {
                return Path.Combine(configured, "discovery");
            }
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".kube", "cache", "kubeps", "discovery");
        }
    }

    /// <summary>The file for a server: its host and port for people, a hash of the whole URL (paths of proxies included) for uniqueness.</summary>
    public static string? PathFor(Uri server)
    {
        var folder = Folder;
        if (folder is null)
        {
            return null;
        }
        var url = server.ToString().TrimEnd('/');
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..16].ToLowerInvariant();
        var host = new string((server.Host + "_" + server.Port).Select(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());
        return Path.Combine(folder, host + "-" + hash + ".json");
    }

    /// <summary>The cached resource types and when they were read from the server, or null (none, expired, unreadable).</summary>
    public static (IReadOnlyList<ApiResourceInfo> Resources, DateTime FetchedAt)? TryRead(Uri server)
    {
        try
        {
            var path = PathFor(server);
            if (path is null || !File.Exists(path))
            {
                return null;
            }
            var file = JsonSerializer.Deserialize<CacheFile>(File.ReadAllBytes(path));
            if (file is null || file.Format != FormatVersion || file.Server != server.ToString().TrimEnd('/') || file.Resources is not { Count: > 0 })
            {
                return null;
            }
            var fetched = DateTime.SpecifyKind(file.FetchedAt, DateTimeKind.Utc);
            if (fetched > DateTime.UtcNow || DateTime.UtcNow - fetched > Ttl)
            {
                return null;
            }
            return (file.Resources, fetched);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Writes the resource types read from the server now (atomically: a reader never sees half a file).</summary>
    public static void TryWrite(Uri server, IReadOnlyList<ApiResourceInfo> resources, DateTime fetchedAt)
    {
        try
        {
            var path = PathFor(server);
            if (path is null || resources.Count == 0)
            {
                return;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + "." + Environment.ProcessId + "." + Guid.NewGuid().ToString("n")[..8] + ".tmp";
            var file = new CacheFile { Format = FormatVersion, Server = server.ToString().TrimEnd('/'), FetchedAt = fetchedAt, Resources = resources.ToList() };
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(file));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // A cache that cannot be written costs the next session its discovery requests, nothing more.
        }
    }

    private sealed class CacheFile
    {
        public int Format { get; set; }
        public string Server { get; set; } = "";
        public DateTime FetchedAt { get; set; }
        public List<ApiResourceInfo>? Resources { get; set; }
    }
}
