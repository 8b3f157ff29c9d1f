using System.Management.Automation;
using System.Runtime.CompilerServices;

namespace KubePS.Loading;

/// <summary>
/// Registers the dependency resolver as early as possible: the runtime's module initializer runs before
/// any code of KubePS.dll, and PowerShell calls <see cref="OnImport"/> on Import-Module. Both are idempotent.
/// On import it also starts the engine's warm-up on the thread pool (set KUBEPS_WARMUP=0 to skip it), so the
/// first cluster call does not build serializer metadata on its critical path.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport()
    {
        DependencyLoader.Register();
        if (Environment.GetEnvironmentVariable("KUBEPS_WARMUP") != "0")
        {
            // The engine assembly loads on the pool thread too, not on the importing one.
            _ = Task.Run(StartWarmup);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Task StartWarmup() => Engine.EngineWarmup.Start();

#pragma warning disable CA2255 // The module initializer is the point: it must run before any cmdlet type touches the engine.
    [ModuleInitializer]
    internal static void Initialize() => DependencyLoader.Register();
#pragma warning restore CA2255
}
