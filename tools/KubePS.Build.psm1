# The tasks behind build.ps1. Kept out of build.ps1 so that the entry point stays thin.
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Invoke-Native {
    # Runs a native command, streaming its output, and throws when it fails.
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $ArgumentList = @())
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Get-NuGetPackageRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = & dotnet nuget locals global-packages --list 2>$null | Select-Object -First 1
    if ($line -match 'global-packages:\s*(.+)$') { return $Matches[1].Trim() }
    Join-Path $HOME '.nuget/packages'
}

function Get-PesterModulePath {
    param([string] $Root)
    $psd1 = Join-Path (Get-NuGetPackageRoot) 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $psd1)) {
        Invoke-Native dotnet @('restore', (Join-Path $Root 'tools/Tools.csproj'), '--verbosity', 'quiet')
    }
    if (-not (Test-Path $psd1)) { throw "Pester 5.7.1 was not found at $psd1 after restoring tools/Tools.csproj." }
    $psd1
}

function Invoke-KubePSBuild {
    param([string] $Root, [string] $Configuration = 'Release')
    Write-Host "==> Build ($Configuration)"
    Invoke-Native dotnet @('build', (Join-Path $Root 'KubePS.sln'), '-c', $Configuration, '--nologo', '-v', 'minimal', '-clp:ErrorsOnly')
    $publish = Join-Path $Root 'out/publish'
    if (Test-Path $publish) { Remove-Item -Recurse -Force $publish }
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/KubePS/KubePS.csproj'), '-c', $Configuration, '--no-build', '--nologo', '-v', 'quiet', '-o', $publish)

    $module = Join-Path $Root 'out/KubePS'
    if (Test-Path $module) { Remove-Item -Recurse -Force $module }
    $deps = Join-Path $module 'deps'
    $null = New-Item -ItemType Directory -Force -Path $deps
    Copy-Item (Join-Path $Root 'KubePS.psd1'), (Join-Path $Root 'KubePS.psm1') $module
    Copy-Item (Join-Path $publish 'KubePS.dll') $module
    Get-ChildItem $publish -Filter *.dll | Where-Object Name -ne 'KubePS.dll' | Copy-Item -Destination $deps
    foreach ($dir in 'Formats', 'Types') {
        $src = Join-Path $Root "src/KubePS/$dir"
        if (Test-Path $src) { Get-ChildItem $src -Filter *.ps1xml | Copy-Item -Destination $module }
    }
    Invoke-KubePSDocs -Root $Root
    Write-Host "    module laid out in $module"
}

function Invoke-KubePSDocs {
    param([string] $Root)
    Import-Module (Join-Path $Root 'tools/Maml.psm1') -Force
    $out = Join-Path $Root 'out/KubePS/en-US'
    $null = New-Item -ItemType Directory -Force -Path $out
    $docs = Join-Path $Root 'docs/en-US'
    $pages = @(Get-ChildItem $docs -Filter '*.md' -ErrorAction SilentlyContinue | Where-Object Name -notlike 'about_*')
    $xml = ConvertTo-KubePSMaml -Path $pages.FullName
    [IO.File]::WriteAllText((Join-Path $out 'KubePS.dll-Help.xml'), $xml, [Text.UTF8Encoding]::new($false))
    foreach ($about in Get-ChildItem $docs -Filter 'about_*.md' -ErrorAction SilentlyContinue) {
        $text = ConvertTo-KubePSAboutHelp -Path $about.FullName
        [IO.File]::WriteAllText((Join-Path $out ($about.BaseName + '.help.txt')), $text, [Text.UTF8Encoding]::new($false))
    }
    Write-Host "    help: $($pages.Count) cmdlet pages -> $out"
}

function Get-TrxCounts {
    param([string] $Path)
    [xml] $trx = Get-Content -Raw $Path
    $c = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{
        Passed  = [int]$c.passed
        Failed  = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
        Skipped = [int]$c.notExecuted
        Total   = [int]$c.total
    }
}

function Invoke-KubePSTests {
    param([string] $Root, [string] $Configuration = 'Release', [string[]] $Tag = @(), [switch] $PesterOnly)
    Import-Module (Join-Path $Root 'tools/LocalCluster.psm1') -Force
    # One folder per run (out/test-results/<time>-<pid>), so two runs in one tree never share result files or the
    # local cluster's kubeconfig; folders of earlier runs older than a day are removed.
    $all = Join-Path $Root 'out/test-results'
    if (Test-Path $all) {
        Get-ChildItem $all | Where-Object { $_.LastWriteTimeUtc -lt [DateTime]::UtcNow.AddDays(-1) } | Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
    }
    $results = Join-Path $all ('{0:yyyyMMdd-HHmmss}-{1}' -f [DateTime]::UtcNow, $PID)
    $null = New-Item -ItemType Directory -Force -Path $results
    # The module's disk cache (discovery) of the test clusters stays with the run, not in the user's ~/.kube/cache.
    $env:KUBEPS_CACHE_DIR = Join-Path $results 'cache'
    Write-Host "    results in $results"
    $suites = [System.Collections.Generic.List[object]]::new()

    if (-not $PesterOnly) {
        foreach ($proj in Get-ChildItem (Join-Path $Root 'tests') -Filter '*.Tests.csproj' -Recurse) {
            $name = $proj.BaseName
            Write-Host "==> xunit: $name"
            $trxName = "$name.trx"
            & dotnet test $proj.FullName -c $Configuration --no-build --nologo --logger "trx;LogFileName=$trxName" --logger 'console;verbosity=normal' --results-directory $results | Out-Host
            $exit = $LASTEXITCODE
            $trx = Join-Path $results $trxName
            if (Test-Path $trx) {
                $c = Get-TrxCounts $trx
                $suites.Add([pscustomobject]@{ Suite = "xunit/$name"; Passed = $c.Passed; Failed = $c.Failed; Skipped = $c.Skipped; Note = '' })
                if ($exit -ne 0 -and $c.Failed -eq 0) { $suites[-1].Failed = 1; $suites[-1].Note = "dotnet test exited $exit" }
            }
            else {
                $suites.Add([pscustomobject]@{ Suite = "xunit/$name"; Passed = 0; Failed = 1; Skipped = 0; Note = "no results (dotnet test exited $exit)" })
            }
        }
    }

    Write-Host '==> Pester'
    $cluster = $null
    $kubeconfig = $env:KUBEPS_TEST_KUBECONFIG
    try {
        if (-not $kubeconfig) {
            $cluster = Start-KubeLocalCluster -Directory (Join-Path $results 'cluster') -Configuration $Configuration
            $kubeconfig = $cluster.Kubeconfig
            Write-Host "    local cluster at $($cluster.Server)"
        }
        else { Write-Host "    cluster from KUBEPS_TEST_KUBECONFIG: $kubeconfig" }
        $summary = Join-Path $results 'pester-summary.json'
        $env:KUBEPS_TEST_KUBECONFIG = $kubeconfig
        $env:KUBEPS_TEST_MODULE = Join-Path $Root 'out/KubePS/KubePS.psd1'
        $env:KUBEPS_TEST_CONFIGURATION = $Configuration
        $env:KUBEPS_PESTER_PATH = Get-PesterModulePath -Root $Root
        $runner = Join-Path $Root 'tools/Invoke-PesterSuites.ps1'
        Push-Location $Root
        # Pester runs in a fresh pwsh: the pinned tool by default, or another pwsh named by KUBEPS_TEST_PWSH
        # (the public CI runs the suites on pwsh 7.4 that way).
        $runnerArgs = @('-NoProfile', '-NonInteractive', '-File', $runner, '-TestPath', (Join-Path $Root 'tests/Pester'), '-SummaryPath', $summary)
        if ($Tag.Count -gt 0) { $runnerArgs += @('-Tag', ($Tag -join ',')) }
        $pwshCommand = if ($env:KUBEPS_TEST_PWSH) { $env:KUBEPS_TEST_PWSH } else { 'dotnet' }
        if (-not $env:KUBEPS_TEST_PWSH) { $runnerArgs = @('pwsh') + $runnerArgs }
        try { & $pwshCommand @runnerArgs | Out-Host }
        finally { Pop-Location }
        if (Test-Path $summary) {
            foreach ($s in (Get-Content -Raw $summary | ConvertFrom-Json)) {
                $suites.Add([pscustomobject]@{ Suite = "pester/$($s.Name)"; Passed = [int]$s.Passed; Failed = [int]$s.Failed; Skipped = [int]$s.Skipped; Note = [string]$s.Note })
            }
        }
        else { $suites.Add([pscustomobject]@{ Suite = 'pester'; Passed = 0; Failed = 1; Skipped = 0; Note = 'the Pester run wrote no summary' }) }
    }
    catch {
        $suites.Add([pscustomobject]@{ Suite = 'pester'; Passed = 0; Failed = 1; Skipped = 0; Note = "$_" })
    }
    finally {
        if ($cluster) { $cluster | Stop-KubeLocalCluster; $env:KUBEPS_TEST_KUBECONFIG = $null }
    }

    Write-Host ''
    Write-Host '==> Summary'
    $empty = $false
    foreach ($s in $suites) {
        if ($s.Passed + $s.Failed -eq 0) { $empty = $true; $s.Note = 'ran no test' }
        $line = '{0,-48} {1,5} passed {2,4} failed {3,4} skipped {4}' -f $s.Suite, $s.Passed, $s.Failed, $s.Skipped, $s.Note
        Write-Host $line
    }
    $passed = ($suites | Measure-Object Passed -Sum).Sum
    $failed = ($suites | Measure-Object Failed -Sum).Sum
    $skipped = ($suites | Measure-Object Skipped -Sum).Sum
    if ($skipped -gt 0) { Write-Host "$passed passed, $failed failed, $skipped skipped" }
    else { Write-Host "$passed passed, $failed failed" }
    if ($empty) { Write-Host 'error: a suite ran no test' }
    ($failed -eq 0) -and -not $empty -and ($suites.Count -gt 0)
}

function Invoke-KubePSPackage {
    <#
    .SYNOPSIS
    Packs out/KubePS as a PowerShell Gallery package (nupkg) into out/package with PSResourceGet, offline.
    #>
    param([string] $Root, [string] $OutputFolder = (Join-Path $Root 'out/package'), [string] $ModuleFolder = (Join-Path $Root 'out/KubePS'))
    $module = $ModuleFolder
    if (Test-Path $OutputFolder) { Remove-Item -Recurse -Force $OutputFolder }
    $null = New-Item -ItemType Directory -Force -Path $OutputFolder
    Import-Module Microsoft.PowerShell.PSResourceGet
    # Only the module's own files: no symbols, no test assets.
    $extra = Get-ChildItem $module -Recurse -File | Where-Object { $_.Extension -in '.pdb', '.xml' -and $_.Directory.Name -ne 'en-US' }
    if ($extra) { throw "out/KubePS holds files that do not belong in the package: $($extra.FullName -join ', ')" }
    $name = 'KubePSBuild' + [guid]::NewGuid().ToString('n').Substring(0, 8)
    Register-PSResourceRepository -Name $name -Uri $OutputFolder -Trusted
    try { Publish-PSResource -Path $module -Repository $name -SkipDependenciesCheck }
    finally { Unregister-PSResourceRepository -Name $name }
    $pkg = Get-ChildItem $OutputFolder -Filter '*.nupkg' | Select-Object -First 1
    if (-not $pkg) { throw 'Publish-PSResource wrote no package.' }
    Write-Host "    package: $($pkg.FullName)"
    $pkg
}

function Invoke-KubePSClean {
    param([string] $Root)
    foreach ($d in @(Join-Path $Root 'out') + @(Get-ChildItem (Join-Path $Root 'src'), (Join-Path $Root 'tests'), (Join-Path $Root 'tools') -Recurse -Directory -Include bin, obj | ForEach-Object FullName)) {
        if (Test-Path $d) { Remove-Item -Recurse -Force $d }
    }
}

Export-ModuleMember -Function Invoke-KubePSBuild, Invoke-KubePSDocs, Invoke-KubePSTests, Invoke-KubePSClean, Invoke-KubePSPackage, Get-PesterModulePath, Get-NuGetPackageRoot
