<#
.SYNOPSIS
Builds, tests, documents, benchmarks and demonstrates KubePS.

.DESCRIPTION
A thin entry point over the scripts in tools/. Every task runs from a fresh clone
on a machine that has only the .NET SDK: tools come from NuGet (pwsh through the
local tool manifest, Pester through tools/Tools.csproj).

Tasks:
  Build  Compiles the solution and lays the module out in out/KubePS
         (psd1, psm1, KubePS.dll, deps/, formats, types, en-US MAML help).
  Test   Build, then runs every xunit project and every Pester suite against the
         built module in fresh pwsh -NoProfile processes. Pester suites talk to the
         cluster named by $env:KUBEPS_TEST_KUBECONFIG, or to a local cluster started
         for the run. Ends with one line 'N passed, N failed'.
  Demo   Build, start the local cluster and deploy the sample application.
  Docs   Builds MAML help from docs/en-US/*.md into out/KubePS/en-US.
  Bench  Build, then runs the benchmarks in tests/bench side by side with kubectl
         and writes docs/benchmarks.md.
  Package Build, then packs out/KubePS as a PowerShell Gallery package into out/package
         (offline, with PSResourceGet); install it with Install-PSResource from that folder.
  Clean  Removes out/ and every bin/ and obj/ folder.

.EXAMPLE
dotnet tool restore; dotnet pwsh -NoProfile -File build.ps1 -Task Test

.EXAMPLE
dotnet pwsh -NoProfile -File build.ps1 -Task Demo
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Docs', 'Bench', 'Package', 'Clean')]
    [string] $Task = 'Build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Pester tag filter for Test (for example Unit); empty runs everything.
    [string[]] $Tag = @(),
    # Skips the xunit projects in Test (Pester only); for quick local runs, never used by CI.
    [switch] $PesterOnly
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
Import-Module (Join-Path $root 'tools/KubePS.Build.psm1') -Force

switch ($Task) {
    'Build' { Invoke-KubePSBuild -Root $root -Configuration $Configuration }
    'Docs'  { Invoke-KubePSDocs -Root $root }
    'Test'  {
        Invoke-KubePSBuild -Root $root -Configuration $Configuration
        $ok = Invoke-KubePSTests -Root $root -Configuration $Configuration -Tag $Tag -PesterOnly:$PesterOnly
        if (-not $ok) { exit 1 }
    }
    'Demo'  {
        Invoke-KubePSBuild -Root $root -Configuration $Configuration
        & (Join-Path $root 'tools/Demo.ps1') -Root $root -Configuration $Configuration
        if (-not $?) { exit 1 }
    }
    'Bench' {
        Invoke-KubePSBuild -Root $root -Configuration $Configuration
        & (Join-Path $root 'tests/bench/Invoke-Benchmarks.ps1') -Root $root -Configuration $Configuration
        if (-not $?) { exit 1 }
    }
    'Package' {
        Invoke-KubePSBuild -Root $root -Configuration $Configuration
        $null = Invoke-KubePSPackage -Root $root
    }
    'Clean' { Invoke-KubePSClean -Root $root }
}
