# README.md stays true: its two set-up commands are the ones CI runs, every cmdlet it names exists,
# and every example in its "Coming from kubectl" table runs against the cluster under test.

BeforeDiscovery {
    $readme = Get-Content -Raw (Join-Path $PSScriptRoot '../../README.md')
    $section = ($readme -split '## Coming from kubectl')[1]
    $section = ($section -split "`n## ")[0]
    $script:Rows = foreach ($line in $section -split "`n") {
        if ($line -match '^\|\s*`(?<kubectl>[^`]+)`\s*\|\s*`(?<kubeps>.+)`\s*\|\s*$') {
            @{ Kubectl = $Matches.kubectl; Example = ($Matches.kubeps -replace '\\\|', '|') }
        }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-KubeTestModule
    $script:Root = Get-KubeTestRepoRoot
    $script:Readme = Get-Content -Raw (Join-Path $script:Root 'README.md')
    $script:SavedKubeconfig = $env:KUBECONFIG
    $env:KUBECONFIG = Get-KubeTestKubeconfig
    $script:Ns = New-KubeTestNamespace -Prefix readme
    $script:Scratch = 'readme-scratch-' + [guid]::NewGuid().ToString('n').Substring(0, 6)
    # A copy of the sample application in the test's own namespace.
    $script:App = Join-Path $TestDrive 'sample-app'
    $null = New-Item -ItemType Directory -Path $script:App
    foreach ($f in Get-ChildItem (Join-Path $script:Root 'docs/examples/sample-app') -Filter *.yaml) {
        if ($f.Name -like '00-namespace*') { continue }
        (Get-Content -Raw $f.FullName) -replace 'namespace: demo', "namespace: $($script:Ns)" | Set-Content (Join-Path $script:App $f.Name)
    }
    $null = Invoke-KubeTestKubectl apply -f $script:App
    $script:ContextName = (Get-KubeContext | Where-Object IsCurrent).Name
    function ConvertTo-TestExample([string] $Example) {
        $Example -replace '-Namespace demo\b', "-Namespace $($script:Ns)" `
            -replace '\./docs/examples/sample-app', $script:App `
            -replace '-Name kubeps-local', "-Name $($script:ContextName)" `
            -replace '-Name scratch', "-Name $($script:Scratch)"
    }
}

AfterAll {
    $env:KUBECONFIG = $script:SavedKubeconfig
    Remove-KubeTestNamespace $script:Ns
    Remove-KubeTestNamespace $script:Scratch
}

Describe 'README' -Tag Integration {
    It 'shows the test command that .ci/run runs, and a demo command' {
        $ci = Get-Content -Raw (Join-Path $script:Root '.ci/run')
        $script:Readme | Should -Match ([regex]::Escape('dotnet tool restore && dotnet pwsh -NoProfile -File build.ps1 -Task Test'))
        $ci | Should -Match ([regex]::Escape('dotnet tool restore && dotnet pwsh -NoProfile -File build.ps1 -Task Test'))
        $script:Readme | Should -Match ([regex]::Escape('dotnet tool restore && dotnet pwsh -NoProfile -File build.ps1 -Task Demo'))
        (Get-Command (Join-Path $script:Root 'build.ps1')).Parameters['Task'].Attributes.ValidValues | Should -Contain 'Demo'
    }

    It 'names only cmdlets that exist in its command table' {
        $names = [regex]::Matches($script:Readme, '`((?:Get|Set|New|Remove|Invoke|Show|Wait|Watch|Compare|Format|Restart|ConvertTo|ConvertFrom|Test|Expand)-Kube\w+)') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique
        $names.Count | Should -BeGreaterThan 20
        foreach ($n in $names) { Get-Command $n -Module KubePS -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty -Because "README names $n" }
    }

    It 'maps at least 25 kubectl commands' {
        $section = (($script:Readme -split '## Coming from kubectl')[1] -split "`n## ")[0]
        @($section -split "`n" | Where-Object { $_ -match '^\|\s*`kubectl' }).Count | Should -BeGreaterOrEqual 25
    }
}

Describe 'Coming from kubectl' -Tag Integration {
    It '<Kubectl> -> <Example> runs' -ForEach $script:Rows {
        $cmdlet = ($Example -split '\s+')[0]
        Get-Command $cmdlet -Module KubePS | Should -Not -BeNullOrEmpty
        $code = ConvertTo-TestExample $Example
        $output = & ([scriptblock]::Create($code)) 2>&1
        $errors = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors | Should -BeNullOrEmpty -Because "$code should run without errors"
    }
}
