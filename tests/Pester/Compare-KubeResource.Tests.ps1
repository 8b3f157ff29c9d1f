# Compare-KubeResource and Format-KubeDiff: what applying would change, from a server dry run.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kc = Initialize-KubeTestSuite
    function Get-DeploymentText {
        param([int] $Replicas, [string] $Image = 'nginx:1.25')
        @"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: $Replicas
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: $Image}]
"@
    }
}

Describe 'Compare-KubeResource' -Tag Integration {
    BeforeAll {
        $script:Ns = New-KubeTestNamespace -Prefix 'diff'
        $script:File = Write-KubeTestFile (Join-Path $TestDrive 'web.yaml') (Get-DeploymentText -Replicas 2)
    }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It 'reports an object that does not exist as Created, and -Quiet as $true' {
        $d = Compare-KubeResource -Path $script:File -Namespace $script:Ns -Kubeconfig $script:Kc
        $d.Action | Should -Be 'Created'
        $d.HasChanges | Should -BeTrue
        $d.Diff | Should -Match '\+kind: Deployment'
        Compare-KubeResource -Path $script:File -Namespace $script:Ns -Kubeconfig $script:Kc -Quiet | Should -BeTrue
        & kubectl --kubeconfig $script:Kc get deployment web -n $script:Ns 2>&1 | Out-Null
        $LASTEXITCODE | Should -Not -Be 0 -Because 'a diff never changes the cluster'
    }

    It 'reports Unchanged for the applied manifest (server defaults are not differences)' {
        $null = Invoke-KubeApply -Path $script:File -Namespace $script:Ns -Kubeconfig $script:Kc
        $d = Compare-KubeResource -Path $script:File -Namespace $script:Ns -Kubeconfig $script:Kc
        $d.Action | Should -Be 'Unchanged'
        $d.ChangedPaths | Should -BeNullOrEmpty
        Compare-KubeResource -Path $script:File -Namespace $script:Ns -Kubeconfig $script:Kc -Quiet | Should -BeFalse
    }

    It 'names the changed paths and shows a unified diff' {
        $changed = Write-KubeTestFile (Join-Path $TestDrive 'web2.yaml') (Get-DeploymentText -Replicas 4 -Image 'nginx:1.27')
        $d = Compare-KubeResource -Path $changed -Namespace $script:Ns -Kubeconfig $script:Kc
        $d.Action | Should -Be 'Configured'
        $d.ChangedPaths | Should -Contain '$.spec.replicas'
        $d.ChangedPaths | Should -Contain '$.spec.template.spec.containers[0].image'
        $d.ChangedPaths | Should -Not -Contain '$.metadata.resourceVersion'
        $text = $d | Format-KubeDiff
        $text | Should -Match "(?m)^--- $($script:Ns)/Deployment/web \(live\)"
        $text | Should -Match '(?m)^-  replicas: 2$'
        $text | Should -Match '(?m)^\+  replicas: 4$'
        ($d | Format-KubeDiff -Color) | Should -Match ([regex]::Escape("`e[32m+"))
        Compare-KubeResource -Path $changed -Namespace $script:Ns -Kubeconfig $script:Kc -Quiet | Should -BeTrue
        kc get deployment web -n $script:Ns -o 'jsonpath={.spec.replicas}' | Should -Be '2'
    }

    It 'compares objects from the pipeline' {
        $live = Get-KubeDeployment web -Namespace $script:Ns -Kubeconfig $script:Kc
        ($live | Compare-KubeResource -Kubeconfig $script:Kc).Action | Should -Be 'Unchanged'
    }

    It 'reports invalid documents as errors with the server''s causes' {
        $bad = Write-KubeTestFile (Join-Path $TestDrive 'bad.yaml') (Get-DeploymentText -Replicas -1)
        $errs = @()
        $term = $null
        try { Compare-KubeResource -Path $bad -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorVariable errs -ErrorAction SilentlyContinue } catch { $term = $_ }
        ($errs | Where-Object { $_.FullyQualifiedErrorId -like 'KubeInvalid,*' }).Exception.Message | Should -Match 'spec\.replicas'
        $term.FullyQualifiedErrorId | Should -BeLike 'KubeValidationFailed,*'
    }
}

Describe 'Format-KubeDiff' -Tag Unit {
    It 'writes nothing for unchanged results unless -IncludeUnchanged' {
        $r = [pscustomobject]@{ Kind = 'ConfigMap'; Name = 'x'; Diff = '' }
        $r | Format-KubeDiff | Should -BeNullOrEmpty
        $r | Format-KubeDiff -IncludeUnchanged | Should -Be '= ConfigMap/x unchanged'
    }
}
