namespace KubePS.Engine.Tests;

/// <summary>A temporary directory deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kubeps-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    public string WriteScript(string name, string content)
    {
        var file = Write(name, content.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Configs
{
    public static string Simple(string server = "https://127.0.0.1:6443", string current = "dev", string userBlock = "    token: abc") => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: c1
          cluster:
            server: {server}
            insecure-skip-tls-verify: true
        contexts:
        - name: dev
          context:
            cluster: c1
            user: u1
            namespace: team-a
        - name: prod
          context:
            cluster: c1
            user: u1
        current-context: {current}
        users:
        - name: u1
          user:
        {userBlock}
        """;
}
