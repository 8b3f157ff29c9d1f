using System.Reflection;
using System.Runtime.Loader;

namespace KubePS.Loading;

/// <summary>
/// The module's own AssemblyLoadContext over the deps/ folder. KubePS.Engine, KubernetesClient, YamlDotNet,
/// Fractions and any other dependency load here, so a different version of them already loaded into the
/// session by another module cannot clash with ours. Framework assemblies and System.Management.Automation
/// fall back to the default context.
/// </summary>
internal sealed class KubePSLoadContext : AssemblyLoadContext
{
    private readonly string _depsDirectory;

    public KubePSLoadContext(string depsDirectory)
        : base("KubePS", isCollectible: false)
    {
        _depsDirectory = depsDirectory;
    }

    public string DepsDirectory => _depsDirectory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name;
        if (string.IsNullOrEmpty(name) || IsShared(name))
        {
            return null;
        }

        var path = Path.Combine(_depsDirectory, name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    /// <summary>Assemblies that must be the default context's: the framework, PowerShell and the cmdlet assembly itself.</summary>
    internal static bool IsShared(string name) =>
        name.StartsWith("System.", StringComparison.Ordinal) ||
        name.StartsWith("Microsoft.", StringComparison.Ordinal) ||
        name is "System" or "mscorlib" or "netstandard" or "KubePS";
}

/// <summary>
/// Hooks <see cref="AssemblyLoadContext.Default"/>.Resolving so that when KubePS.dll (in the default context)
/// needs KubePS.Engine, KubernetesClient or Fractions, it gets them from <see cref="KubePSLoadContext"/>.
/// YamlDotNet is deliberately not in the list: KubePS.dll never references it, and the engine resolves it
/// inside the module context.
/// </summary>
internal static class DependencyLoader
{
    private static readonly string[] Bridged = ["KubePS.Engine", "KubernetesClient", "Fractions"];
    private static readonly object Gate = new();
    private static KubePSLoadContext? _context;

    /// <summary>The module's load context (created on first use).</summary>
    public static KubePSLoadContext? Context => _context;

    /// <summary>Idempotent: registers the resolving handler once per process.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_context is not null)
            {
                return;
            }

            var moduleDirectory = Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? AppContext.BaseDirectory;
            var deps = Path.Combine(moduleDirectory, "deps");
            // In a development build (bin/Debug) the dependencies sit next to KubePS.dll.
            _context = new KubePSLoadContext(Directory.Exists(deps) ? deps : moduleDirectory);
            AssemblyLoadContext.Default.Resolving += OnResolving;
        }
    }

    private static Assembly? OnResolving(AssemblyLoadContext context, AssemblyName name)
    {
        var loadContext = _context;
        if (loadContext is null || name.Name is null || Array.IndexOf(Bridged, name.Name) < 0)
        {
            return null;
        }

        var path = Path.Combine(loadContext.DepsDirectory, name.Name + ".dll");
        return File.Exists(path) ? loadContext.LoadFromAssemblyName(name) : null;
    }
}
