# Every exported cmdlet is documented in docs/en-US (platyPS markdown), the docs name only real
# parameters, and Get-Help shows the built MAML after Import-Module.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-KubeTestModule
    $script:Commands = @(Get-Command -Module KubePS -CommandType Cmdlet, Function | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-KubeTestModule
    Import-Module (Join-Path (Get-KubeTestRepoRoot) 'tools/Maml.psm1') -Force
    $script:Docs = Join-Path (Get-KubeTestRepoRoot) 'docs/en-US'
    $script:Common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'Module help' -Tag Unit {
    It 'exports at least one command' {
        @(Get-Command -Module KubePS -CommandType Cmdlet).Count | Should -BeGreaterThan 20
    }

    It 'has a doc page for <Name>' -ForEach $script:Commands {
        Join-Path $script:Docs "$Name.md" | Should -Exist
    }

    It 'documents only real parameters of <Name>, and all of them' -ForEach $script:Commands {
        $page = Read-KubePSHelpMarkdown -Path (Join-Path $script:Docs "$Name.md")
        $actual = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $script:Common }
        $documented = $page.Parameters.Name | Where-Object { $_ -notin $script:Common }
        $documented | Where-Object { $_ -notin $actual } | Should -BeNullOrEmpty -Because "the page of $Name names parameters the cmdlet lacks"
        $actual | Where-Object { $_ -notin $documented } | Should -BeNullOrEmpty -Because "every parameter of $Name needs a description"
    }

    It 'shows <Name> help with a synopsis and at least two examples through Get-Help' -ForEach $script:Commands {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\S+\s+\[' -Because 'an auto-generated synopsis means the MAML was not found'
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }

    It 'exports every alias the manifest lists, each naming a KubePS cmdlet documented in about_KubePS' {
        $manifest = Import-PowerShellDataFile (Join-Path (Split-Path (Get-Module KubePS).Path) 'KubePS.psd1')
        $about = Get-Content -Raw (Join-Path $script:Docs 'about_KubePS.md')
        @($manifest.AliasesToExport).Count | Should -BeGreaterThan 5
        foreach ($a in $manifest.AliasesToExport) {
            $alias = Get-Alias $a -ErrorAction Stop
            (Get-Command $alias.Definition).Source | Should -Be 'KubePS'
            $about | Should -Match ("\b{0}\s+{1}\b" -f [regex]::Escape($a), [regex]::Escape($alias.Definition))
        }
    }

    It 'has an about_KubePS topic' {
        (Get-Help about_KubePS | Out-String) | Should -Match 'KubePS'
    }
}
