# Invoke-KubeDeploy -Watch follows the policy file too: a changed policy judges every object again (a mutate rule's
# label reaches the cluster without any template change), and a policy that does not load is refused with the
# cluster left as it was.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kc = Initialize-KubeTestSuite
    $script:Ns = New-KubeTestNamespace -Prefix 'hotpol'
    $script:App = Join-Path $TestDrive 'guestbook'
    Copy-Item -Recurse (Join-Path (Get-KubeTestRepoRoot) 'docs/examples/guestbook') $script:App
    $script:PolicyDir = Join-Path $TestDrive 'policy'
    $null = New-Item -ItemType Directory -Path $script:PolicyDir
    $script:Policy = Join-Path $script:PolicyDir 'policy.yaml'
    [IO.File]::WriteAllText($script:Policy, "rules:`n  - name: no-privileged`n    type: forbidPrivileged`n    severity: deny`n")

    function Get-Info { @(Get-KubeTestInformation $script:Ps) }
    function Get-Errors { @(Get-KubeTestStreamItem $script:Ps.Streams.Error) }
    function Get-TeamLabel {
        "$(& kubectl --kubeconfig $script:Kc get configmap guestbook-config -n $script:Ns -o 'jsonpath={.metadata.labels.team}' 2>$null)"
    }
    function Wait-Until([scriptblock] $Condition, [string] $What, [int] $Seconds = 90) {
        Wait-KubeTestCondition $Condition $What $Seconds -PowerShell $script:Ps
    }

    $script:Ps = (Start-KubeTestDeployWatch @{ Path = $script:App; Environment = 'dev'; Namespace = $script:Ns; Kubeconfig = $script:Kc; PolicyPath = $script:Policy; DebounceMilliseconds = 250 }).PowerShell
}

AfterAll {
    Stop-KubeTestDeployWatch $script:Ps
    if ($script:Ns) { Remove-KubeTestNamespace -Name $script:Ns }
}

Describe 'Invoke-KubeDeploy -Watch with a policy file' -Tag Integration {
    It 'deploys under the first policy, without the label' {
        Wait-Until { @(Get-Info | Where-Object { $_ -match '^Watching ' }).Count -ge 1 } 'the initial deploy and the watch'
        @(Get-Info | Where-Object { $_ -match '^Watching ' })[0] | Should -Match ([regex]::Escape($script:PolicyDir))
        Get-TeamLabel | Should -Be ''
        (Get-Errors).Count | Should -Be 0
    }

    It 'judges every object again when the policy changes: a mutate rule''s label reaches the cluster' {
        [IO.File]::WriteAllText($script:Policy, "rules:`n  - name: team-label`n    type: requiredLabels`n    severity: mutate`n    labels:`n      team: platform`n")
        Wait-Until { (Get-TeamLabel) -eq 'platform' } 'the injected label on the ConfigMap'
        @(Get-Info | Where-Object { $_ -match 'policy changed, every object judged again' }).Count | Should -BeGreaterOrEqual 1
    }

    It 'refuses a policy that does not load and leaves the cluster as it was' {
        $before = @(Get-Errors).Count
        [IO.File]::WriteAllText($script:Policy, "rules:`n  - name: broken`n    type: [not, a, type`n")
        Wait-Until { @(Get-Info | Where-Object { $_ -match 'the policy does not load' }).Count -ge 1 } 'the refused reload'
        $errors = @(Get-Errors)
        $errors.Count | Should -BeGreaterThan $before
        $errors[-1].FullyQualifiedErrorId | Should -BeLike 'KubePolicy*'
        Get-TeamLabel | Should -Be 'platform'
    }
}
