# Invoke-KubeApply against the cluster in $env:KUBEPS_TEST_KUBECONFIG: apply from directories, globs and objects,
# Created/Configured/Unchanged, ordering (namespaces and CRDs first), -WhatIf through the server's dry run, field
# manager conflicts and -Force, and the bad input of issue 6 (nothing applied when any document is invalid).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kc = Initialize-KubeTestSuite

    function Get-ConfigMapText {
        param([string] $Name, [string] $Value = 'v', [string] $Namespace)
        $ns = if ($Namespace) { "`n  namespace: $Namespace" } else { '' }
        "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: $Name$ns`ndata:`n  k: $Value`n"
    }
}

Describe 'Invoke-KubeApply' -Tag Integration {
    BeforeAll {
        $script:Ns = New-KubeTestNamespace -Prefix 'apply'
    }
    AfterAll {
        Remove-KubeTestNamespace -Name $script:Ns
    }

    It 'creates, then reports Unchanged, then Configured' {
        $file = Write-KubeTestFile (Join-Path $TestDrive 'cycle/cm.yaml') (Get-ConfigMapText -Name 'cycle' -Value 'one')
        $first = Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc
        $first.Action | Should -Be 'Created'
        $first.DryRun | Should -BeFalse
        $first.PSObject.TypeNames[0] | Should -Be 'KubePS.ChangeResult'
        $first.Object.Data['k'] | Should -Be 'one'
        (Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc).Action | Should -Be 'Unchanged'
        Write-KubeTestFile $file (Get-ConfigMapText -Name 'cycle' -Value 'two')
        (Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc).Action | Should -Be 'Configured'
        kc get configmap cycle -n $script:Ns -o 'jsonpath={.data.k}' | Should -Be 'two'
        $managers = kc get configmap cycle -n $script:Ns --show-managed-fields -o 'jsonpath={.metadata.managedFields[*].manager}'
        $managers | Should -Match 'kubeps'
    }

    It 'tells Unchanged from Configured for an object applied a while ago (no-op applies are skipped)' {
        $file = Write-KubeTestFile (Join-Path $TestDrive 'aged/cm.yaml') (Get-ConfigMapText -Name 'aged' -Value 'one')
        $null = Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc
        $rv = kc get configmap aged -n $script:Ns -o 'jsonpath={.metadata.resourceVersion}'
        Start-Sleep -Milliseconds 2500
        (Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc).Action | Should -Be 'Unchanged'
        kc get configmap aged -n $script:Ns -o 'jsonpath={.metadata.resourceVersion}' | Should -Be $rv
        Write-KubeTestFile $file (Get-ConfigMapText -Name 'aged' -Value 'two')
        (Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc -WhatIf).Action | Should -Be 'Configured'
        (Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc).Action | Should -Be 'Configured'
        kc get configmap aged -n $script:Ns -o 'jsonpath={.data.k}' | Should -Be 'two'
    }

    It 'reads a directory recursively with -Recurse, and a glob' {
        $dir = Join-Path $TestDrive 'tree'
        Write-KubeTestFile (Join-Path $dir 'a.yaml') (Get-ConfigMapText -Name 'tree-a')
        Write-KubeTestFile (Join-Path $dir 'sub/b.yml') (Get-ConfigMapText -Name 'tree-b')
        Write-KubeTestFile (Join-Path $dir 'c.json') ('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"tree-c"},"data":{"k":"v"}}')
        Write-KubeTestFile (Join-Path $dir 'notes.txt') 'not a manifest'
        $flat = @(Invoke-KubeApply -Path $dir -Namespace $script:Ns -Kubeconfig $script:Kc)
        $flat.Name | Sort-Object | Should -Be @('tree-a', 'tree-c')
        $deep = @(Invoke-KubeApply -Path $dir -Recurse -Namespace $script:Ns -Kubeconfig $script:Kc)
        ($deep | Where-Object Name -eq 'tree-b').Action | Should -Be 'Created'
        @(Invoke-KubeApply -Path (Join-Path $dir '*.yaml') -Namespace $script:Ns -Kubeconfig $script:Kc).Name | Should -Be 'tree-a'
        Test-KubeTestObject configmap -Name 'tree-b' -Namespace $script:Ns | Should -BeTrue
    }

    It 'applies objects from the pipeline: hashtables and live objects' {
        $obj = @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'from-hash' }; data = @{ k = 'h' } }
        ($obj | Invoke-KubeApply -Namespace $script:Ns -Kubeconfig $script:Kc).Action | Should -Be 'Created'
        $live = Get-KubeConfigMap from-hash -Namespace $script:Ns -Kubeconfig $script:Kc
        ($live | Invoke-KubeApply -Kubeconfig $script:Kc).Action | Should -Be 'Unchanged'
    }

    It 'applies a namespace, a CRD and objects that need both, in one call' {
        $ns2 = "apply-new-$([guid]::NewGuid().ToString('n').Substring(0, 6))"
        $group = "g$([guid]::NewGuid().ToString('n').Substring(0, 6)).example.com"
        $dir = Join-Path $TestDrive 'ordered'
        # File names sort the dependents first: the engine orders by kind, not by file.
        Write-KubeTestFile (Join-Path $dir 'a-objects.yaml') @"
apiVersion: $group/v1
kind: Gadget
metadata:
  name: g1
  namespace: $ns2
spec:
  size: 2
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: in-new-ns
  namespace: $ns2
data:
  k: v
"@
        Write-KubeTestFile (Join-Path $dir 'b-crd.yaml') @"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.$group
spec:
  group: $group
  scope: Namespaced
  names: {kind: Gadget, plural: gadgets, singular: gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
"@
        Write-KubeTestFile (Join-Path $dir 'c-ns.yaml') "apiVersion: v1`nkind: Namespace`nmetadata:`n  name: $ns2`n"
        try {
            $results = @(Invoke-KubeApply -Path $dir -Kubeconfig $script:Kc)
            $results.Kind | Should -Be @('CustomResourceDefinition', 'Namespace', 'ConfigMap', 'Gadget')
            $results.Action | Sort-Object -Unique | Should -Be 'Created'
            kc get "gadgets.$group" g1 -n $ns2 -o 'jsonpath={.spec.size}' | Should -Be '2'
        }
        finally {
            Remove-KubeTestNamespace -Name $ns2
            $null = & kubectl --kubeconfig $script:Kc delete crd "gadgets.$group" --ignore-not-found 2>&1
        }
    }

    It '-WhatIf asks the server (dry run) and changes nothing' {
        $file = Write-KubeTestFile (Join-Path $TestDrive 'whatif/cm.yaml') (Get-ConfigMapText -Name 'whatif')
        $r = Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc -WhatIf
        $r.Action | Should -Be 'Created'
        $r.DryRun | Should -BeTrue
        # Only the server can fill these: the dry run reached it.
        $r.Object.Metadata.Uid | Should -Not -BeNullOrEmpty
        $r.Object.Metadata.CreationTimestamp | Should -Not -BeNullOrEmpty
        Test-KubeTestObject configmap -Name 'whatif' -Namespace $script:Ns | Should -BeFalse
    }

    It '-WhatIf shows server-side validation errors (proof that the server was asked)' {
        $file = Write-KubeTestFile (Join-Path $TestDrive 'whatif-bad/d.yaml') @"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: whatif-bad
spec:
  replicas: -3
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      containers: [{name: c, image: nginx}]
"@
        { Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc -WhatIf -ErrorAction Stop } |
            Should -Throw -ErrorId 'KubeInvalid,KubePS.Commands.InvokeKubeApplyCommand'
    }

    It '-ServerDryRun reports Configured for a change without storing it' {
        $file = Write-KubeTestFile (Join-Path $TestDrive 'sdr/cm.yaml') (Get-ConfigMapText -Name 'sdr' -Value 'a')
        $null = Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc
        Write-KubeTestFile $file (Get-ConfigMapText -Name 'sdr' -Value 'b')
        $r = Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc -ServerDryRun
        $r.Action | Should -Be 'Configured'
        $r.DryRun | Should -BeTrue
        $r.Object.Data['k'] | Should -Be 'b'
        kc get configmap sdr -n $script:Ns -o 'jsonpath={.data.k}' | Should -Be 'a'
    }

    It 'names conflicting fields and managers, and takes them over with -Force' {
        $file = Write-KubeTestFile (Join-Path $TestDrive 'conflict/cm.yaml') (Get-ConfigMapText -Name 'conflict' -Value 'mine')
        $null = Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc
        $null = kc patch configmap conflict -n $script:Ns --type merge -p '{"data":{"k":"theirs"}}' --field-manager alice
        $err = $null
        try { Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'KubeApplyConflict,*'
        $err.Exception.Message | Should -Match 'alice'
        $err.Exception.Message | Should -Match '\.data\.k'
        $err.Exception.Message | Should -Match '-Force'
        kc get configmap conflict -n $script:Ns -o 'jsonpath={.data.k}' | Should -Be 'theirs'
        (Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc -Force).Action | Should -Be 'Configured'
        kc get configmap conflict -n $script:Ns -o 'jsonpath={.data.k}' | Should -Be 'mine'
    }

    It 'creates a missing namespace only with -CreateNamespace' {
        $ns2 = "apply-cn-$([guid]::NewGuid().ToString('n').Substring(0, 6))"
        $file = Write-KubeTestFile (Join-Path $TestDrive 'cn/cm.yaml') (Get-ConfigMapText -Name 'cn')
        try {
            { Invoke-KubeApply -Path $file -Namespace $ns2 -Kubeconfig $script:Kc -ErrorAction Stop } | Should -Throw -ErrorId 'KubeNotFound,KubePS.Commands.InvokeKubeApplyCommand'
            & kubectl --kubeconfig $script:Kc get namespace $ns2 2>&1 | Out-Null
            $LASTEXITCODE | Should -Not -Be 0
            $r = @(Invoke-KubeApply -Path $file -Namespace $ns2 -Kubeconfig $script:Kc -CreateNamespace)
            $r.Kind | Should -Be @('Namespace', 'ConfigMap')
            Test-KubeTestObject configmap -Name 'cn' -Namespace $ns2 | Should -BeTrue
        }
        finally { Remove-KubeTestNamespace -Name $ns2 }
    }

    It 'has the alias kapply' {
        (Get-Alias kapply).Definition | Should -Be 'Invoke-KubeApply'
    }
}

Describe 'Invoke-KubeApply bad input' -Tag Integration {
    BeforeAll {
        $script:Ns = New-KubeTestNamespace -Prefix 'applybad'
        $script:Good = Write-KubeTestFile (Join-Path $TestDrive 'good.yaml') (Get-ConfigMapText -Name 'good')
    }
    AfterAll {
        Remove-KubeTestNamespace -Name $script:Ns
    }

    It 'names file, document and line of malformed YAML, and applies nothing' {
        $bad = Write-KubeTestFile (Join-Path $TestDrive 'malformed.yaml') "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: m1`n---`napiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: m2`n   labels: x`n"
        $term = $null
        try { Invoke-KubeApply -Path $script:Good, $bad -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorVariable errors -ErrorAction SilentlyContinue } catch { $term = $_ }
        $term.FullyQualifiedErrorId | Should -BeLike 'KubeValidationFailed,KubePS.Commands.InvokeKubeApplyCommand'
        $yaml = $errors | Where-Object { $_.FullyQualifiedErrorId -like 'KubeYamlInvalid,*' }
        $yaml | Should -Not -BeNullOrEmpty
        $yaml.Exception.Message | Should -Match 'malformed\.yaml'
        $yaml.Exception.Message | Should -Match 'document 2'
        $yaml.Exception.Message | Should -Match 'line \d+'
        Test-KubeTestObject configmap -Name 'good' -Namespace $script:Ns | Should -BeFalse
    }

    It 'rejects a document without apiVersion or kind' {
        $bad = Write-KubeTestFile (Join-Path $TestDrive 'nokind.yaml') "apiVersion: v1`nmetadata:`n  name: nokind`n"
        $term = $null
        try { Invoke-KubeApply -Path $bad -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorVariable errors -ErrorAction SilentlyContinue } catch { $term = $_ }
        $term.FullyQualifiedErrorId | Should -BeLike 'KubeValidationFailed,*'
        $e = $errors | Where-Object { $_.FullyQualifiedErrorId -like 'KubeManifestInvalid,*' }
        $e.Exception.Message | Should -Match 'nokind\.yaml \(document 1, line 1\)'
        $e.Exception.Message | Should -Match 'no kind'
    }

    It 'rejects an unknown kind' {
        $bad = Write-KubeTestFile (Join-Path $TestDrive 'unknown.yaml') "apiVersion: v1`nkind: Gizmo`nmetadata:`n  name: g`n"
        $term = $null
        try { Invoke-KubeApply -Path $bad -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorVariable errors -ErrorAction SilentlyContinue } catch { $term = $_ }
        $term.FullyQualifiedErrorId | Should -BeLike 'KubeValidationFailed,*'
        ($errors | Where-Object { $_.FullyQualifiedErrorId -like 'KubeUnknownKind,*' }).Exception.Message | Should -Match 'Gizmo'
    }

    It 'says when the CRD of a kind is not installed' {
        $bad = Write-KubeTestFile (Join-Path $TestDrive 'nocrd.yaml') "apiVersion: nothere.example.org/v1`nkind: Thing`nmetadata:`n  name: t`n"
        $term = $null
        try { Invoke-KubeApply -Path $bad -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorVariable errors -ErrorAction SilentlyContinue } catch { $term = $_ }
        $term.FullyQualifiedErrorId | Should -BeLike 'KubeValidationFailed,*'
        ($errors | Where-Object { $_.FullyQualifiedErrorId -like 'KubeUnknownKind,*' }).Exception.Message | Should -Match 'CustomResourceDefinition installed'
    }

    It 'shows the field causes of an invalid object (422), and applies none of a valid/invalid mix' {
        $bad = Write-KubeTestFile (Join-Path $TestDrive 'invalid.yaml') @"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: invalid
spec:
  replicas: -1
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      containers: [{name: c, image: nginx}]
"@
        $term = $null
        try { Invoke-KubeApply -Path $script:Good, $bad -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorVariable errors -ErrorAction SilentlyContinue } catch { $term = $_ }
        $term.FullyQualifiedErrorId | Should -BeLike 'KubeValidationFailed,*'
        $invalid = $errors | Where-Object { $_.FullyQualifiedErrorId -like 'KubeInvalid,*' }
        $invalid.Exception.Message | Should -Match 'spec\.replicas'
        $invalid.Exception.Message | Should -Match 'invalid\.yaml \(document 1'
        $invalid.CategoryInfo.Category | Should -Be 'InvalidData'
        Test-KubeTestObject configmap -Name 'good' -Namespace $script:Ns | Should -BeFalse
    }

    It 'applies the valid documents of a mix with -ContinueOnError and reports the others' {
        $bad = Write-KubeTestFile (Join-Path $TestDrive 'unknown2.yaml') "apiVersion: v1`nkind: Gizmo`nmetadata:`n  name: g`n"
        $r = Invoke-KubeApply -Path $script:Good, $bad -Namespace $script:Ns -Kubeconfig $script:Kc -ContinueOnError -ErrorVariable errors -ErrorAction SilentlyContinue
        $r.Name | Should -Be 'good'
        @($errors | Where-Object { $_.FullyQualifiedErrorId -like 'KubeUnknownKind,*' }).Count | Should -Be 1
        Test-KubeTestObject configmap -Name 'good' -Namespace $script:Ns | Should -BeTrue
    }

    It 'reports a path that does not exist as KubeManifestNotFound' {
        { Invoke-KubeApply -Path (Join-Path $TestDrive 'missing.yaml') -Kubeconfig $script:Kc -ErrorAction Stop } | Should -Throw -ErrorId 'KubeManifestNotFound,*'
    }
}
