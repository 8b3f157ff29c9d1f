using System.Management.Automation;
using System.Runtime.CompilerServices;

namespace KubePS.Loading;

/// <summary>
/// Registers the dependency resolver as early as possible: the runtime's module initializer runs before
/// any code of KubePS.dll, and PowerShell calls <see cref="OnImport"/> on Import-Module. Both are idempotent.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport() => DependencyLoader.Register();

#pragma warning disable CA2255 // The module initializer is the point: it must run before any cmdlet type touches the engine.
    [ModuleInitializer]
    internal static void Initialize() => DependencyLoader.Register();
#pragma warning restore CA2255
}
