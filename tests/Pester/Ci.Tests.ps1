# Pipelines: the example scripts of docs/ci.md (docs/examples/ci/*.ps1) run in a child pwsh with the CI variables of
# GitHub Actions or Azure Pipelines set, against the cluster under test, with the kubeconfig given by content
# ($env:KUBECONFIG_DATA). Asserts the annotations (file and line), the step summary table, the exit code of a failed
# deploy under -ErrorAction Stop, non-interactive output (no progress, no ANSI), and the failed pods' logs.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kc = Initialize-KubeTestSuite
    $script:KcText = Get-Content -Raw $script:Kc
    $script:Examples = Join-Path (Get-KubeTestRepoRoot) 'docs/examples/ci'
    $script:ModuleRoot = Split-Path (Split-Path (Get-Module KubePS).Path)   # the folder that holds KubePS/
    $script:CiVars = 'GITHUB_ACTIONS', 'GITHUB_WORKSPACE', 'GITHUB_STEP_SUMMARY', 'RUNNER_TEMP', 'TF_BUILD', 'BUILD_SOURCESDIRECTORY',
        'AGENT_TEMPDIRECTORY', 'CI', 'NO_COLOR', 'KUBECONFIG_DATA', 'KUBECONFIG', 'KUBEPS_CI_ANNOTATIONS'

    function Invoke-WithCiEnvironment {
        # Runs $Script in this process with exactly the CI variables given (the project's own CI sets some: cleared here).
        param([hashtable] $Environment, [scriptblock] $Script)
        $saved = @{}
        foreach ($v in $script:CiVars) { $saved[$v] = [Environment]::GetEnvironmentVariable($v) }
        try {
            foreach ($v in $script:CiVars) { if ($v -ne 'KUBECONFIG') { [Environment]::SetEnvironmentVariable($v, $null) } }
            foreach ($k in $Environment.Keys) { [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
            & $Script
        }
        finally {
            foreach ($v in $saved.Keys) { [Environment]::SetEnvironmentVariable($v, $saved[$v]) }
        }
    }

    function Invoke-CiScript {
        # Runs docs/examples/ci/<Script> in a fresh pwsh with exactly the CI variables given (others cleared).
        param([string] $Script, [string[]] $Arguments, [hashtable] $Environment)
        $saved = @{}
        foreach ($v in $script:CiVars + 'PSModulePath') { $saved[$v] = [Environment]::GetEnvironmentVariable($v) }
        try {
            foreach ($v in $script:CiVars) { [Environment]::SetEnvironmentVariable($v, $null) }
            # No kubeconfig file: only the content in KUBECONFIG_DATA.
            $env:KUBECONFIG = Join-Path $TestDrive 'no-such-kubeconfig'
            $env:PSModulePath = $script:ModuleRoot + [IO.Path]::PathSeparator + $saved['PSModulePath']
            foreach ($k in $Environment.Keys) { [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
            $hostPath = [Environment]::ProcessPath
            $argsList = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $script:Examples $Script)) + $Arguments
            if ($hostPath -match 'dotnet(\.exe)?$') { $argsList = @([Environment]::GetCommandLineArgs()[0]) + $argsList }
            $out = & $hostPath @argsList 2>&1 | ForEach-Object { "$_" }
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Lines = @($out); Text = ($out -join "`n") }
        }
        finally {
            foreach ($v in $saved.Keys) { [Environment]::SetEnvironmentVariable($v, $saved[$v]) }
        }
    }

    function Copy-App([string] $Name) {
        $dir = Join-Path $TestDrive $Name
        Copy-Item -Recurse (Join-Path $script:Examples 'app') $dir
        $dir
    }

    function Get-DocLine([string] $File, [string] $Pattern) {
        # The 1-based line where the document containing $Pattern starts (its apiVersion line).
        $lines = Get-Content $File
        $hit = ($lines | Select-String -Pattern $Pattern | Select-Object -First 1).LineNumber
        for ($i = $hit; $i -ge 1; $i--) { if ($lines[$i - 1] -match '^apiVersion:') { return $i } }
        throw "no document for $Pattern in $File"
    }

    function Set-CrashingWeb([string] $Dir) {
        # The Deployment never becomes ready: its sidecar's image cannot be pulled (a real cluster cannot resolve the
        # registry; the local cluster simulates the same for kubeps/bad-image). Its web container runs and logs.
        $file = Join-Path $Dir '20-web.yaml'
        $text = (Get-Content -Raw $file).Replace("`r`n", "`n")
        $text = $text.Replace('image: registry.example.com/hello:1.4.2', "image: docker.io/library/busybox:1.36`n          command: ['sh', '-c', 'while true; do echo hello is waiting for its sidecar; sleep 1; done']")
        $text = $text.Replace("            limits: {memory: 128Mi}`n", "            limits: {memory: 128Mi}`n        - name: sidecar`n          image: registry.invalid/kubeps/bad-image:1`n")
        [IO.File]::WriteAllText($file, $text)
        $file
    }
}

Describe 'CI annotations' -Tag Integration {
    BeforeAll {
        $script:Bad = Copy-App 'policy-bad'
        $web = Join-Path $script:Bad '20-web.yaml'
        (Get-Content -Raw $web).Replace('registry.example.com/hello:1.4.2', 'registry.example.com/hello:latest').Replace("          resources:`n            requests: {cpu: 50m, memory: 64Mi}`n            limits: {memory: 128Mi}`n", '') |
            Set-Content -NoNewline $web
        $script:WebLine = Get-DocLine $web 'kind: Deployment'
        $script:Policy = Join-Path $script:Examples 'policy.yaml'
    }

    It 'passes the policy check of the example application' {
        $r = Invoke-CiScript 'Test-Manifests.ps1' @('-Path', (Join-Path $script:Examples 'app'), '-PolicyPath', $script:Policy) @{ GITHUB_ACTIONS = 'true'; GITHUB_WORKSPACE = $script:Examples }
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -Match 'Policy: 0 denied, 0 warnings'
        $r.Text | Should -Not -Match '::error'
    }

    It 'annotates policy denials and warnings on the manifest line in GitHub Actions, and fails the step' {
        $r = Invoke-CiScript 'Test-Manifests.ps1' @('-Path', $script:Bad, '-PolicyPath', $script:Policy) @{ GITHUB_ACTIONS = 'true'; GITHUB_WORKSPACE = "$TestDrive" }
        $r.ExitCode | Should -Be 1
        $r.Lines | Where-Object { $_ -like "::error file=policy-bad/20-web.yaml,line=$($script:WebLine),title=KubePolicyDeny::Deployment/default/hello: rule no-latest (forbidLatestTag):*" } | Should -Not -BeNullOrEmpty -Because $r.Text
        $r.Lines | Where-Object { $_ -like "::warning file=policy-bad/20-web.yaml,line=$($script:WebLine),title=KubePolicyWarn::*rule resources*" } | Should -Not -BeNullOrEmpty
    }

    It 'annotates the same in Azure Pipelines with absolute paths' {
        $r = Invoke-CiScript 'Test-Manifests.ps1' @('-Path', $script:Bad, '-PolicyPath', $script:Policy) @{ TF_BUILD = 'True' }
        $r.ExitCode | Should -Be 1
        $abs = (Resolve-Path (Join-Path $script:Bad '20-web.yaml')).Path
        $r.Lines | Where-Object { $_ -like "##vso``[task.logissue type=error;sourcepath=$abs;linenumber=$($script:WebLine);code=KubePolicyDeny;``]*rule no-latest*" } | Should -Not -BeNullOrEmpty
        $r.Lines | Where-Object { $_ -like "##vso``[task.logissue type=warning;sourcepath=$abs;linenumber=$($script:WebLine);code=KubePolicyWarn;``]*" } | Should -Not -BeNullOrEmpty
        $r.Text | Should -Not -Match '(?m)^::error'
    }

    It 'writes no annotations outside CI, nor with -CiAnnotations:$false' {
        $r = Invoke-CiScript 'Test-Manifests.ps1' @('-Path', $script:Bad, '-PolicyPath', $script:Policy) @{}
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Not -Match '::error|##vso'
        $on = Invoke-WithCiEnvironment @{ GITHUB_ACTIONS = 'true' } { Test-KubePolicy -Path $script:Bad -PolicyPath $script:Policy -Failed 6>&1 | Where-Object { "$_" -like '::*' } }
        $off = Invoke-WithCiEnvironment @{ GITHUB_ACTIONS = 'true' } { Test-KubePolicy -Path $script:Bad -PolicyPath $script:Policy -Failed -CiAnnotations:$false 6>&1 | Where-Object { "$_" -like '::*' } }
        $optedOut = Invoke-WithCiEnvironment @{ GITHUB_ACTIONS = 'true'; KUBEPS_CI_ANNOTATIONS = 'false' } { Test-KubePolicy -Path $script:Bad -PolicyPath $script:Policy -Failed 6>&1 | Where-Object { "$_" -like '::*' } }
        $forced = Invoke-WithCiEnvironment @{ GITHUB_ACTIONS = 'true'; KUBEPS_CI_ANNOTATIONS = 'false' } { Test-KubePolicy -Path $script:Bad -PolicyPath $script:Policy -Failed -CiAnnotations 6>&1 | Where-Object { "$_" -like '::*' } }
        $optedOut | Should -BeNullOrEmpty
        $forced | Should -Not -BeNullOrEmpty
        $on | Should -Not -BeNullOrEmpty
        $off | Should -BeNullOrEmpty
    }

    It 'renders a templates application per environment, and annotates the rendered file in the policy check' {
        $guestbook = Join-Path (Get-KubeTestRepoRoot) 'docs/examples/guestbook'
        $rendered = Join-Path $TestDrive 'rendered'
        $r = Invoke-CiScript 'Render-Environments.ps1' @('-Path', $guestbook, '-Environment', 'dev,prod', '-OutputDirectory', $rendered) @{ GITHUB_ACTIONS = 'true'; GITHUB_WORKSPACE = "$TestDrive" }
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -Match 'Rendered \d+ objects for dev'
        $prod = Join-Path $rendered 'prod.yaml'
        Get-Content -Raw $prod | Should -Match 'namespace: guestbook-prod'
        $line = Get-DocLine $prod 'kind: Deployment'
        $p = Invoke-CiScript 'Test-Manifests.ps1' @('-Path', $rendered, '-PolicyPath', $script:Policy) @{ GITHUB_ACTIONS = 'true'; GITHUB_WORKSPACE = "$TestDrive" }
        $p.ExitCode | Should -Be 1 -Because 'the guestbook Deployment has no owner annotation'
        $p.Lines | Where-Object { $_ -like "::error file=rendered/prod.yaml,line=$line,title=KubePolicyDeny::Deployment/guestbook-prod/guestbook-web: rule owner-annotation*" } | Should -Not -BeNullOrEmpty -Because $p.Text
    }

    It 'annotates an unreadable manifest on its line (Invoke-KubeApply)' {
        $dir = Join-Path $TestDrive 'yaml-bad'
        $null = New-Item -ItemType Directory $dir
        $file = Join-Path $dir 'bad.yaml'
        [IO.File]::WriteAllText($file, "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: fine`n---`napiVersion: v1`nkind: ConfigMap`nmetadata: {name: [broken`n")
        $out = Invoke-WithCiEnvironment @{ GITHUB_ACTIONS = 'true'; GITHUB_WORKSPACE = "$TestDrive" } {
            # The unreadable document is a non-terminating error, then nothing is applied (terminating).
            try { Invoke-KubeApply -Path $file -Kubeconfig $script:Kc -ErrorAction SilentlyContinue 6>&1 | ForEach-Object { "$_" } }
            catch { $_.FullyQualifiedErrorId | Should -BeLike 'KubeValidationFailed*' }
        }
        $out | Where-Object { $_ -match '^::error file=yaml-bad/bad\.yaml,line=\d+,title=KubeYamlInvalid::' } | Should -Not -BeNullOrEmpty
    }
}

Describe 'CI deploy' -Tag Integration {
    BeforeAll {
        $script:Ns = New-KubeTestNamespace 'ci'
        $script:CrashNs = New-KubeTestNamespace 'ci-crash'
        $script:AzureNs = New-KubeTestNamespace 'ci-azure'
    }
    AfterAll {
        Remove-KubeTestNamespace $script:Ns
        Remove-KubeTestNamespace $script:CrashNs
        Remove-KubeTestNamespace $script:AzureNs
    }

    It 'compares on a pull request, writing the diff to the step summary' {
        $summary = Join-Path $TestDrive 'diff-summary.md'
        $data = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($script:KcText))
        $r = Invoke-CiScript 'Compare-Changes.ps1' @('-Path', (Join-Path $script:Examples 'app'), '-Namespace', $script:Ns) @{ GITHUB_ACTIONS = 'true'; GITHUB_STEP_SUMMARY = $summary; KUBECONFIG_DATA = $data }
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $text = Get-Content -Raw $summary
        $text | Should -Match "### Changes to namespace $($script:Ns)"
        $text | Should -Match '```diff'
        $text | Should -Match '\+\s*name: hello-config'
    }

    It 'deploys on main with the kubeconfig by content, one line per step and a summary table' {
        $summary = Join-Path $TestDrive 'deploy-summary.md'
        Set-Content $summary "## earlier step`n"
        $data = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($script:KcText))
        $r = Invoke-CiScript 'Deploy.ps1' @('-Path', (Join-Path $script:Examples 'app'), '-Namespace', $script:Ns, '-TimeoutSeconds', '120') @{ GITHUB_ACTIONS = 'true'; GITHUB_STEP_SUMMARY = $summary; KUBECONFIG_DATA = $data }
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -Not -Match "`e\[" -Because 'no ANSI colour in CI'
        $r.Text | Should -Match '(?m)^Deploy hello: 3 objects'
        $r.Text | Should -Match '(?m)^\[\s*\d+\.\d\ds\]\s+\d+/3 L\d (Applied|Ready)\s+Deployment/'
        $r.Text | Should -Match 'Deploy hello: succeeded'
        $text = Get-Content -Raw $summary
        $text | Should -Match '^## earlier step'
        $text | Should -Match '### KubePS deploy hello: succeeded'
        $text | Should -Match '\| Resource \| Action \| Status \| Time \|'
        $text | Should -Match "\| ConfigMap/$($script:Ns)/hello-config \| Created \| (Applied|Ready) \| \d+\.\d\ds \|"
        $text | Should -Match "\| Deployment/$($script:Ns)/hello \| Created \| Ready \| \d+\.\d\ds \|"
        (Get-KubeDeployment hello -Namespace $script:Ns -Kubeconfig $script:Kc).Status.ReadyReplicas | Should -Be 2
    }

    It 'fails the job when the deploy fails (-ErrorAction Stop: exit code 1), annotates the manifest, and saves the failed pods'' logs' {
        $app = Copy-App 'crash'
        $web = Set-CrashingWeb $app
        $line = Get-DocLine $web 'kind: Deployment'
        $summary = Join-Path $TestDrive 'crash-summary.md'
        $r = Invoke-CiScript 'Deploy.ps1' @('-Path', $app, '-Name', 'hello-crash', '-Namespace', $script:CrashNs, '-TimeoutSeconds', '120') @{ GITHUB_ACTIONS = 'true'; GITHUB_WORKSPACE = "$TestDrive"; GITHUB_STEP_SUMMARY = $summary; KUBECONFIG_DATA = $script:KcText }
        $r.ExitCode | Should -Not -Be 0 -Because 'a failed deploy under -ErrorAction Stop must fail the job'
        $r.Lines | Where-Object { $_ -like "::error file=crash/20-web.yaml,line=$line,title=KubeDeployNodeFailed::Deployment/$($script:CrashNs)/hello failed*" } | Should -Not -BeNullOrEmpty -Because $r.Text
        $text = Get-Content -Raw $summary
        $text | Should -Match '### KubePS deploy hello-crash: FAILED'
        $text | Should -Match "\| Deployment/$($script:CrashNs)/hello \| \w+ \| Failed: "

        $logs = Join-Path $TestDrive 'pod-logs'
        $l = Invoke-CiScript 'Save-FailedPodLogs.ps1' @('-Namespace', $script:CrashNs, '-OutputDirectory', $logs) @{ TF_BUILD = 'True'; KUBECONFIG_DATA = $script:KcText }
        $l.ExitCode | Should -Be 0 -Because $l.Text
        $files = @(Get-ChildItem $logs -Filter 'hello-*.log')
        $files.Count | Should -BeGreaterThan 0 -Because $l.Text
        $l.Lines | Where-Object { $_ -like "##vso``[task.uploadfile``]*$($files[0].Name)" } | Should -Not -BeNullOrEmpty
        $content = Get-Content -Raw $files[0].FullName
        $content | Should -Match "# pod $($script:CrashNs)/hello-"
        ($content -split "`n" | Where-Object { $_ -and $_ -notlike '#*' }).Count | Should -BeGreaterThan 0 -Because 'the crashed container wrote lines'
    }

    It 'uploads the deploy summary in Azure Pipelines and annotates a failed wait on the manifest' {
        $app = Copy-App 'crash-azure'
        $web = Set-CrashingWeb $app
        $line = Get-DocLine $web 'kind: Deployment'
        $agentTemp = Join-Path $TestDrive 'agent-temp'
        $null = New-Item -ItemType Directory $agentTemp
        $r = Invoke-CiScript 'Deploy.ps1' @('-Path', $app, '-Name', 'hello-azure', '-Namespace', $script:AzureNs, '-TimeoutSeconds', '120') @{ TF_BUILD = 'True'; AGENT_TEMPDIRECTORY = $agentTemp; KUBECONFIG_DATA = $script:KcText }
        $r.ExitCode | Should -Not -Be 0
        $upload = $r.Lines | Where-Object { $_ -like '##vso`[task.uploadsummary`]*' } | Select-Object -First 1
        $upload | Should -Not -BeNullOrEmpty -Because $r.Text
        $file = $upload.Substring('##vso[task.uploadsummary]'.Length)
        $file | Should -BeLike "$agentTemp*"
        Get-Content -Raw $file | Should -Match "\| Deployment/$($script:AzureNs)/hello \| \w+ \| Failed"
        $abs = (Resolve-Path $web).Path
        $r.Lines | Where-Object { $_ -like "##vso``[task.logissue type=error;sourcepath=$abs;linenumber=$line;code=KubeDeployNodeFailed;``]*" } | Should -Not -BeNullOrEmpty

        # Wait-KubeResource on the same manifests: one line per finished target, and the failure on the manifest line.
        $out = Invoke-WithCiEnvironment @{ TF_BUILD = 'True' } { Wait-KubeResource -Path $web -Namespace $script:AzureNs -Kubeconfig $script:Kc -Timeout 60 -ErrorAction SilentlyContinue 6>&1 | ForEach-Object { "$_" } }
        $out | Where-Object { $_ -match '^\[\s*\d+\.\d\ds\] Wait-KubeResource \d+/2 done' } | Should -Not -BeNullOrEmpty
        $out | Where-Object { $_ -like "##vso``[task.logissue type=error;sourcepath=$abs;linenumber=$line;code=KubeWait*" } | Should -Not -BeNullOrEmpty -Because ($out -join "`n")
    }
}

Describe 'Credentials by content' -Tag Integration {
    It 'connects with $env:KUBECONFIG_DATA (YAML or base64) and no kubeconfig file, and names it as the source' {
        $saved = $env:KUBECONFIG_DATA, $env:KUBECONFIG
        try {
            $env:KUBECONFIG = Join-Path $TestDrive 'missing-config'
            foreach ($data in $script:KcText, [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($script:KcText))) {
                $env:KUBECONFIG_DATA = $data
                (Get-KubeNamespace -Name default).Metadata.Name | Should -Be 'default'
                (Get-KubeContext | Where-Object IsCurrent).Source | Should -Be '$env:KUBECONFIG_DATA'
            }
        }
        finally { $env:KUBECONFIG_DATA, $env:KUBECONFIG = $saved }
    }

    It 'an explicit -Kubeconfig wins over $env:KUBECONFIG_DATA' {
        $saved = $env:KUBECONFIG_DATA
        try {
            $env:KUBECONFIG_DATA = "apiVersion: v1`nkind: Config`nclusters: []`ncontexts: []`nusers: []`n"
            (Get-KubeNamespace -Name default -Kubeconfig $script:Kc).Metadata.Name | Should -Be 'default'
            { Get-KubeNamespace -Name default -ErrorAction Stop } | Should -Throw -ErrorId 'KubeContextNotFound*'
        }
        finally { $env:KUBECONFIG_DATA = $saved }
    }
}

Describe 'The CI documentation' -Tag Unit {
    It 'calls only scripts that exist, in both example workflows' {
        $doc = (Get-Content -Raw (Join-Path (Get-KubeTestRepoRoot) 'docs/ci.md')).Replace("`r`n", "`n")
        $refs = [regex]::Matches($doc, 'docs/examples/ci/([\w-]+\.ps1)') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique
        $refs.Count | Should -BeGreaterOrEqual 4
        foreach ($s in $refs) { Join-Path $script:Examples $s | Should -Exist }
        foreach ($wf in 'github-workflow.yml', 'azure-pipelines.yml') {
            $text = Get-Content -Raw (Join-Path $script:Examples $wf)
            $doc.Contains($text.Trim().Replace("`r`n", "`n")) | Should -BeTrue -Because "docs/ci.md shows $wf verbatim"
            foreach ($s in 'Render-Environments.ps1', 'Test-Manifests.ps1', 'Compare-Changes.ps1', 'Deploy.ps1', 'Save-FailedPodLogs.ps1') { $text | Should -Match ([regex]::Escape($s)) }
        }
    }
}
