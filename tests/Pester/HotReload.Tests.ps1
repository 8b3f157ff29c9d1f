# Invoke-KubeDeploy -Watch (hot reload) against the cluster in $env:KUBEPS_TEST_KUBECONFIG: a saved change is
# re-rendered and only the objects whose content changed are applied; a broken template is reported and the cluster
# is left as it was, even when a valid change is saved with it; fixing it applies the pending change; stopping the
# pipeline (Ctrl+C) ends the watch.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kc = Initialize-KubeTestSuite
    $script:Ns = New-KubeTestNamespace -Prefix 'hot'
    $script:App = Join-Path $TestDrive 'guestbook'
    Copy-Item -Recurse (Join-Path (Get-KubeTestRepoRoot) 'docs/examples/guestbook') $script:App

    function Wait-Until([scriptblock] $Condition, [string] $What, [int] $Seconds = 90) {
        Wait-KubeTestCondition $Condition $What $Seconds -PowerShell $script:Ps
    }

    function Get-LogLevel {
        $v = & kubectl --kubeconfig $script:Kc get configmap guestbook-config -n $script:Ns -o 'jsonpath={.data.LOG_LEVEL}' 2>$null
        "$v"
    }

    function Get-Reloaded { @(Get-KubeTestStreamItem $script:Out | Where-Object { $_.PSObject.Properties['Reload'] }) }
    function Get-Errors { @(Get-KubeTestStreamItem $script:Ps.Streams.Error) }
    function Get-Info { @(Get-KubeTestInformation $script:Ps) }

    function Get-Lines([string] $Pattern) { @(Get-Info | Where-Object { $_ -match $Pattern }) }

    function Save([string] $Name, [string] $Text) { [IO.File]::WriteAllText((Join-Path $script:App $Name), $Text.Replace("`r`n", "`n")) }

    $watch = Start-KubeTestDeployWatch @{ Path = $script:App; Environment = 'dev'; Namespace = $script:Ns; Kubeconfig = $script:Kc; DebounceMilliseconds = 250 }
    $script:Ps = $watch.PowerShell
    $script:Out = $watch.Output
}

AfterAll {
    Stop-KubeTestDeployWatch $script:Ps
    if ($script:Ns) { Remove-KubeTestNamespace -Name $script:Ns }
}

Describe 'Invoke-KubeDeploy -Watch' -Tag Integration {
    It 'deploys, then watches' {
        Wait-Until { (Get-Lines '^Watching ').Count -ge 1 } 'the initial deploy and the watch'
        Get-LogLevel | Should -Be 'debug'
        (Get-Errors).Count | Should -Be 0
    }

    It 'applies a saved change, and only the objects whose rendering changed' {
        Save 'values.dev.yaml' "replicas: 1`nfeatures: [guestbook-v2, debug-toolbar]`nlogLevel: warn`nredis:`n  password: dev-only-password`n"
        Wait-Until { (Get-LogLevel) -eq 'warn' } 'LOG_LEVEL=warn in the cluster'
        Wait-Until { (Get-Reloaded).Count -ge 2 } 'the reload results'
        $applied = @(Get-Reloaded | ForEach-Object Kind | Sort-Object -Unique)
        # The ConfigMap changed, and the Deployment through its checksum/config annotation; the rest did not.
        $applied -join ',' | Should -Be 'ConfigMap,Deployment'
        $checksum = & kubectl --kubeconfig $script:Kc get deployment guestbook-web -n $script:Ns -o 'jsonpath={.spec.template.metadata.annotations.checksum/config}'
        "$checksum" | Should -Match '^[0-9a-f]{64}$'
    }

    It 'refuses a broken template and leaves the cluster as it was' {
        $good = Get-Content -Raw (Join-Path $script:App 'templates/service.yaml')
        $errorsBefore = $script:Ps.Streams.Error.Count
        Save 'templates/service.yaml' ($good -replace '\{\{ values\.web\.port \}\}', '{{ values.web.port | }}')
        Wait-Until { $script:Ps.Streams.Error.Count -gt $errorsBefore } 'the template error'
        (Get-Errors)[$errorsBefore].FullyQualifiedErrorId | Should -BeLike 'KubeTemplateSyntaxError*'
        "$((Get-Errors)[$errorsBefore])" | Should -Match 'service\.yaml\(\d+,\d+\)'
        $refusedBefore = (Get-Lines 'nothing applied').Count
        $refusedBefore | Should -BeGreaterThan 0

        # A valid change saved while the template is broken is not applied either.
        Save 'values.dev.yaml' "replicas: 1`nfeatures: [guestbook-v2]`nlogLevel: error`nredis:`n  password: dev-only-password`n"
        Wait-Until { (Get-Lines 'nothing applied').Count -gt $refusedBefore } 'the second refusal'
        Get-LogLevel | Should -Be 'warn'

        # Fixing the template applies what is pending.
        Save 'templates/service.yaml' $good
        Wait-Until { (Get-LogLevel) -eq 'error' } 'LOG_LEVEL=error after the fix'
    }

    It 'never shows the secret values' {
        $text = ((Get-Info) + (Get-Errors | ForEach-Object { "$_" })) -join "`n"
        $text | Should -Not -Match 'dev-only-password'
    }

    It 'ends when the pipeline is stopped (Ctrl+C)' {
        $script:Ps.Stop()
        $script:Ps.InvocationStateInfo.State | Should -BeIn 'Stopped', 'Completed'
    }
}
