# The PowerShell Gallery package: built offline with PSResourceGet, installed from a local folder
# repository into a temporary module path, imported by name in a fresh pwsh, and used against the cluster.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Root = Get-KubeTestRepoRoot
    $script:ModuleFolder = Split-Path -Parent (Get-KubeTestModulePath)
    Import-Module (Join-Path $script:Root 'tools/KubePS.Build.psm1') -Force
    Import-Module Microsoft.PowerShell.PSResourceGet
    $script:Repo = Join-Path $TestDrive 'repo'
    $script:Package = Invoke-KubePSPackage -Root $script:Root -OutputFolder $script:Repo -ModuleFolder $script:ModuleFolder 6>$null
}

Describe 'Package' -Tag Integration {
    It 'builds one nupkg named after the module and version' {
        $script:Package.Name | Should -Match '^KubePS\.\d+\.\d+\.\d+\.nupkg$'
    }

    It 'holds the module''s own files only, with its dependencies and help' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($script:Package.FullName)
        try { $entries = $zip.Entries.FullName } finally { $zip.Dispose() }
        $entries | Should -Contain 'KubePS.psd1'
        $entries | Should -Contain 'KubePS.dll'
        $entries | Should -Contain 'deps/KubernetesClient.dll'
        $entries | Should -Contain 'deps/YamlDotNet.dll'
        $entries | Should -Contain 'en-US/KubePS.dll-Help.xml'
        $entries | Where-Object { $_ -like '*.pdb' -or $_ -like '*Tests*' -or $_ -like 'tests/*' } | Should -BeNullOrEmpty
    }

    It 'has a Gallery-ready manifest with explicit exports' {
        $m = Import-PowerShellDataFile (Join-Path $script:ModuleFolder 'KubePS.psd1')
        $m.PowerShellVersion | Should -Be '7.4'
        $m.CompatiblePSEditions | Should -Be @('Core')
        $m.Description | Should -Not -BeNullOrEmpty
        $m.PrivateData.PSData.Tags | Should -Contain 'Kubernetes'
        $m.PrivateData.PSData.ProjectUri | Should -Not -BeNullOrEmpty
        $m.PrivateData.PSData.LicenseUri | Should -Not -BeNullOrEmpty
        $m.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
        foreach ($list in $m.CmdletsToExport, $m.AliasesToExport, $m.FunctionsToExport) { $list | Where-Object { $_ -match '\*' } | Should -BeNullOrEmpty }
        @($m.CmdletsToExport).Count | Should -BeGreaterThan 20
    }

    It 'installs from a local repository into a temporary module path and works by name in a fresh pwsh' {
        $name = 'KubePSTest' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        $modules = Join-Path $TestDrive 'modules'
        $null = New-Item -ItemType Directory -Path $modules
        Register-PSResourceRepository -Name $name -Uri $script:Repo -Trusted
        try { Save-PSResource -Name KubePS -Repository $name -Path $modules -TrustRepository -SkipDependencyCheck }
        finally { Unregister-PSResourceRepository -Name $name }
        Test-Path (Join-Path $modules 'KubePS') | Should -BeTrue
        $kubeconfig = Get-KubeTestKubeconfig
        $script = "`$env:PSModulePath = '$modules'; Import-Module KubePS -ErrorAction Stop; (Get-Module KubePS).ModuleBase; (Get-KubeNamespace -Kubeconfig '$kubeconfig' -Name default).Name"
        $hostPath = [Environment]::ProcessPath
        $argsList = @('-NoProfile', '-NonInteractive', '-Command', $script)
        if ($hostPath -match 'dotnet(\.exe)?$') { $argsList = @([Environment]::GetCommandLineArgs()[0]) + $argsList }
        $out = & $hostPath @argsList 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $out[0] | Should -BeLike "$modules*"
        $out[-1] | Should -Be 'default'
    }
}
