# Invoke-KubeDeploy, Get-KubeDeployPlan and Remove-KubeDeploy against the cluster in $env:KUBEPS_TEST_KUBECONFIG:
# planning (each edge source), validation before any write (cycle, dangling reference, one invalid manifest among
# many), execution order and readiness gates, a workload that never becomes ready or crashes, API faults (local
# cluster only), prune and uninstall, -WhatIf.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:IsLocal = Test-KubeTestIsLocalCluster
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kc = Initialize-KubeTestSuite
    $script:IsLocal = Test-KubeTestIsLocalCluster
    $PSDefaultParameterValues = @{ '*-Kube*:Kubeconfig' = $script:Kc }

    function Write-App {
        # Writes files (name -> YAML text) into a new directory under TestDrive and returns its path.
        param([string] $Name, [hashtable] $Files)
        $dir = Join-Path $TestDrive $Name
        $null = New-Item -ItemType Directory -Path $dir -Force
        foreach ($k in $Files.Keys) { [IO.File]::WriteAllText((Join-Path $dir $k), $Files[$k].Replace("`r`n", "`n")) }
        $dir
    }

    function Get-Cm([string] $Name, [string] $Annotations = '') {
        "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: $Name$Annotations`ndata:`n  k: v`n"
    }

    function Get-Deploy([string] $Name, [string] $Image = 'registry.example.com/app:1', [string] $Extra = '', [string] $Annotations = '', [int] $Replicas = 1) {
        @"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $Name$Annotations
spec:
  replicas: $Replicas
  selector:
    matchLabels: {app: $Name}
  template:
    metadata:
      labels: {app: $Name}
    spec:
      containers:
        - name: main
          image: $Image
$Extra
"@
    }

    function Invoke-Captured([scriptblock] $Script) {
        # Runs a deploy that is expected to fail validation; returns its errors (non-terminating, then the terminating one).
        $errs = [System.Collections.Generic.List[object]]::new()
        try { & $Script 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $errs.Add($_) } } } catch { $errs.Add($_) }
        $errs.ToArray()
    }

    function Get-ShopCopy([string] $Ns) {
        # The documented example, renamed so that this run owns its namespace.
        $src = Join-Path (Get-KubeTestRepoRoot) 'docs/examples/shop'
        $dst = Join-Path $TestDrive $Ns
        Copy-Item -Recurse $src $dst
        Get-ChildItem $dst -Recurse -File | ForEach-Object {
            $text = [IO.File]::ReadAllText($_.FullName) -replace '\bshop\b', $Ns
            [IO.File]::WriteAllText($_.FullName, $text)
        }
        $dst
    }
}

Describe 'Get-KubeDeployPlan' -Tag Integration {
    BeforeAll { $script:Ns = New-KubeTestNamespace -Prefix 'plan' }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It 'finds edges from references, annotations, kind order and kubeps.yaml' {
        $envFrom = "          envFrom:`n            - configMapRef: {name: settings}`n      serviceAccountName: runner"
        $dir = Write-App 'edges' @{
            'a.yaml' = (Get-Cm 'settings') + "---`napiVersion: v1`nkind: ServiceAccount`nmetadata:`n  name: runner`n"
            'b.yaml' = Get-Deploy 'api' -Extra $envFrom
            'c.yaml' = Get-Cm 'after-api' "`n  annotations:`n    kubeps.io/depends-on: Deployment/api"
            'd.yaml' = "apiVersion: v1`nkind: Service`nmetadata:`n  name: api`nspec:`n  selector: {app: api}`n  ports: [{port: 80}]`n---`napiVersion: networking.k8s.io/v1`nkind: Ingress`nmetadata:`n  name: front`nspec:`n  defaultBackend:`n    service:`n      name: api`n      port: {number: 80}`n"
            'e.yaml' = Get-Cm 'last'
            'kubeps.yaml' = "apiVersion: kubeps.io/v1alpha1`nkind: Application`nmetadata:`n  name: edges`nspec:`n  resources:`n    - match: ConfigMap/last`n      dependsOn: [ConfigMap/after-api=Applied]`n"
        }
        $plan = Get-KubeDeployPlan -Path $dir -Namespace $script:Ns
        $plan[0].PSObject.TypeNames[0] | Should -Be 'KubePS.DeployPlanNode'
        $byName = @{}; $plan | ForEach-Object { $byName[$_.Resource] = $_ }
        $api = $byName["Deployment/$($script:Ns)/api"]
        $api.DependsOn | Should -Contain "ConfigMap/$($script:Ns)/settings"
        $api.DependsOn | Should -Contain "ServiceAccount/$($script:Ns)/runner"
        $api.Reasons | Should -Be 'Reference'
        $api.WaitFor | Should -Be 'Ready'
        $after = $byName["ConfigMap/$($script:Ns)/after-api"]
        $after.Reasons | Should -Be 'Explicit'
        ($after.Edges | Where-Object Dependency -EQ "Deployment/$($script:Ns)/api").Gate | Should -Be 'Ready'
        $byName["Ingress/$($script:Ns)/front"].DependsOn | Should -Be "Service/$($script:Ns)/api"
        $last = $byName["ConfigMap/$($script:Ns)/last"]
        $last.Reasons | Should -Be 'Explicit'
        ($last.Edges | Where-Object Dependency -EQ "ConfigMap/$($script:Ns)/after-api").Gate | Should -Be 'Applied'
        $last.Level | Should -Be 3
        $plan[0].Level | Should -Be 0
        $plan.Change | Sort-Object -Unique | Should -Be 'Created'
        # planning writes nothing
        Test-KubeTestObject configmap settings $script:Ns | Should -BeFalse
    }

    It 'orders a namespace before what lives in it (kind order), and CRDs before their custom resources' {
        $newNs = "plan-kind-$([guid]::NewGuid().ToString('n').Substring(0, 6))"
        $dir = Write-App 'kinds' @{
            'ns.yaml' = "apiVersion: v1`nkind: Namespace`nmetadata:`n  name: $newNs`n"
            'cm.yaml' = (Get-Cm 'inside').Replace("name: inside", "name: inside`n  namespace: $newNs")
            'crd.yaml' = @"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.deploy.kubeps.test
spec:
  group: deploy.kubeps.test
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
---
apiVersion: deploy.kubeps.test/v1
kind: Gadget
metadata:
  name: g1
  namespace: $newNs
"@
        }
        $plan = Get-KubeDeployPlan -Path $dir -Name kinds
        $cm = $plan | Where-Object Resource -EQ "ConfigMap/$newNs/inside"
        $cm.Reasons | Should -Be 'Kind'
        $cm.DependsOn | Should -Be "Namespace/$newNs"
        $cm.NotValidated | Should -Match 'namespace'
        $g = $plan | Where-Object Kind -EQ 'Gadget'
        $g.DependsOn | Should -Contain 'CustomResourceDefinition/gadgets.deploy.kubeps.test'
        ($g.Edges | Where-Object Dependency -Like 'CustomResourceDefinition/*').Gate | Should -Be 'Ready'
    }
}

Describe 'Invoke-KubeDeploy validation' -Tag Integration {
    BeforeAll { $script:Ns = New-KubeTestNamespace -Prefix 'dval' }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It 'refuses a cycle, naming its path, and applies nothing' {
        $dir = Write-App 'cycle' @{
            'a.yaml' = Get-Cm 'one' "`n  annotations:`n    kubeps.io/depends-on: ConfigMap/two"
            'b.yaml' = Get-Cm 'two' "`n  annotations:`n    kubeps.io/depends-on: ConfigMap/three"
            'c.yaml' = Get-Cm 'three' "`n  annotations:`n    kubeps.io/depends-on: ConfigMap/one"
            'd.yaml' = Get-Cm 'bystander'
        }
        { Invoke-KubeDeploy -Path $dir -Namespace $script:Ns -ErrorAction Stop } | Should -Throw -ErrorId 'KubeDeployCycle,KubePS.Commands.InvokeKubeDeployCommand'
        $err = Invoke-Captured { Invoke-KubeDeploy -Path $dir -Namespace $script:Ns -ErrorAction Continue }
        $cycle = $err | Where-Object { $_.FullyQualifiedErrorId -like 'KubeDeployCycle*' }
        $cycle | Should -HaveCount 1
        $cycle.Exception.Message | Should -Match 'ConfigMap/\S+/one -> ConfigMap/\S+/two -> ConfigMap/\S+/three -> ConfigMap/\S+/one'
        $err.FullyQualifiedErrorId | Should -Contain 'KubeDeployValidationFailed,KubePS.Commands.InvokeKubeDeployCommand'
        Test-KubeTestObject configmap bystander $script:Ns | Should -BeFalse
    }

    It 'refuses a reference to an object neither in the set nor in the cluster' {
        $missing = "          envFrom:`n            - secretRef: {name: not-anywhere}"
        $dir = Write-App 'dangling' @{ 'a.yaml' = Get-Deploy 'needs-secret' -Extra $missing; 'b.yaml' = Get-Cm 'dangling-bystander' }
        $err = $null
        $err = Invoke-Captured { Invoke-KubeDeploy -Path $dir -Namespace $script:Ns -ErrorAction Continue }
        $d = $err | Where-Object { $_.FullyQualifiedErrorId -like 'KubeDeployDanglingReference*' }
        $d | Should -HaveCount 1
        $d.Exception.Message | Should -Match 'Secret/\S+/not-anywhere'
        $d.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Test-KubeTestObject configmap dangling-bystander $script:Ns | Should -BeFalse
        # an explicit dependency on something already in the cluster is fine
        kc -n $script:Ns create secret generic not-anywhere --from-literal=a=b | Out-Null
        $r = Invoke-KubeDeploy -Path $dir -Namespace $script:Ns -Timeout 60
        ($r | Where-Object Name -EQ 'dangling-bystander').State | Should -Be 'Applied'
        Remove-KubeDeploy -Name dangling -Confirm:$false | Out-Null
    }

    It 'applies nothing when one manifest among many is rejected by the server dry run' {
        $files = @{}
        1..40 | ForEach-Object { $files["cm$_.yaml"] = Get-Cm "many-$_" }
        $files['bad.yaml'] = Get-Deploy 'bad-replicas' -Replicas -1
        $dir = Write-App 'many' $files
        $err = $null
        $err = Invoke-Captured { Invoke-KubeDeploy -Path $dir -Namespace $script:Ns -ErrorAction Continue }
        ($err | Where-Object { $_.Exception.Message -match 'bad-replicas' }) | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Contain 'KubeDeployValidationFailed,KubePS.Commands.InvokeKubeDeployCommand'
        $left = kc -n $script:Ns get configmap -l kubeps.io/application=many -o name
        $left | Should -BeNullOrEmpty
    }

    It 'refuses duplicates and unknown kinds' {
        $dir = Write-App 'dupes' @{ 'a.yaml' = Get-Cm 'twice'; 'b.yaml' = Get-Cm 'twice'; 'c.yaml' = "apiVersion: nope.example.com/v1`nkind: Nothing`nmetadata:`n  name: x`n" }
        $err = $null
        $err = Invoke-Captured { Invoke-KubeDeploy -Path $dir -Namespace $script:Ns -ErrorAction Continue }
        $err.FullyQualifiedErrorId | Should -Contain 'KubeUnknownKind,KubePS.Commands.InvokeKubeDeployCommand'
        ($err | Where-Object { $_.Exception.Message -match 'more than once' }) | Should -Not -BeNullOrEmpty
        Test-KubeTestObject configmap twice $script:Ns | Should -BeFalse
    }

    It 'deploys piped objects under -Name, and asks for a name without it' {
        { (Get-Cm 'piped-cm') | Invoke-KubeDeploy -Namespace $script:Ns -ErrorAction Stop } | Should -Throw -ErrorId 'KubeDeployApplicationInvalid,KubePS.Commands.InvokeKubeDeployCommand'
        $r = (Get-Cm 'piped-cm'), (Get-Deploy 'piped-app') | Invoke-KubeDeploy -Name piped -Namespace $script:Ns -Timeout 60
        $r | Should -HaveCount 2
        ($r | Where-Object Name -EQ 'piped-app').State | Should -Be 'Ready'
        kc -n $script:Ns get configmap piped-cm -o 'jsonpath={.metadata.labels.kubeps\.io/application}' | Should -Be 'piped'
        (Remove-KubeDeploy -Name piped -Confirm:$false) | Should -HaveCount 2
        Test-KubeTestObject configmap piped-cm $script:Ns | Should -BeFalse
    }

    It 'refuses a kubeps.yaml that does not make sense, naming the file' {
        $dir = Write-App 'badapp' @{ 'a.yaml' = Get-Cm 'badapp'; 'kubeps.yaml' = "metadata: {name: badapp}`nspec:`n  resources:`n    - match: ConfigMap/badapp`n      waitFor: Eventually`n" }
        { Invoke-KubeDeploy -Path $dir -Namespace $script:Ns -ErrorAction Stop } | Should -Throw -ErrorId 'KubeDeployApplicationInvalid,KubePS.Commands.InvokeKubeDeployCommand'
    }

    It 'does not take over an object of another application without -Force' {
        $a = Write-App 'owner-a' @{ 'a.yaml' = Get-Cm 'shared-cm' }
        $b = Write-App 'owner-b' @{ 'a.yaml' = Get-Cm 'shared-cm'; 'b.yaml' = Get-Cm 'only-b' }
        $null = Invoke-KubeDeploy -Path $a -Namespace $script:Ns
        $err = Invoke-Captured { Invoke-KubeDeploy -Path $b -Namespace $script:Ns -ErrorAction Continue }
        $c = $err | Where-Object FullyQualifiedErrorId -EQ 'KubeConflict,KubePS.Commands.InvokeKubeDeployCommand'
        $c.Exception.Message | Should -Match 'belongs to application "owner-a"'
        Test-KubeTestObject configmap only-b $script:Ns | Should -BeFalse
        $r = Invoke-KubeDeploy -Path $b -Namespace $script:Ns -Force
        $r | Should -HaveCount 2
        kc -n $script:Ns get configmap shared-cm -o 'jsonpath={.metadata.labels.kubeps\.io/application}' | Should -Be 'owner-b'
        # owner-a's uninstall leaves the object it no longer owns alone
        $gone = Remove-KubeDeploy -Name owner-a -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable rmErr
        $rmErr.Exception.Message | Should -Match 'no longer carries'
        Test-KubeTestObject configmap shared-cm $script:Ns | Should -BeTrue
    }

    It 'refuses an inventory namespace that does not exist' {
        $dir = Write-App 'noinv' @{ 'a.yaml' = Get-Cm 'noinv' }
        $err = Invoke-Captured { Invoke-KubeDeploy -Path $dir -Namespace $script:Ns -InventoryNamespace 'no-such-namespace-kps' -ErrorAction Continue }
        $nf = $err | Where-Object FullyQualifiedErrorId -EQ 'KubeNotFound,KubePS.Commands.InvokeKubeDeployCommand'
        $nf.Exception.Message | Should -Match 'inventory namespace "no-such-namespace-kps"'
        $err.FullyQualifiedErrorId | Should -Contain 'KubeDeployValidationFailed,KubePS.Commands.InvokeKubeDeployCommand'
        Test-KubeTestObject configmap noinv $script:Ns | Should -BeFalse
    }

    It '-WhatIf returns the plan with the server dry run''s changes and changes nothing' {
        $dir = Write-App 'whatif' @{ 'a.yaml' = Get-Cm 'wi'; 'b.yaml' = Get-Deploy 'wi-app' }
        $plan = Invoke-KubeDeploy -Path $dir -Namespace $script:Ns -WhatIf
        $plan | Should -HaveCount 2
        $plan[0].PSObject.TypeNames[0] | Should -Be 'KubePS.DeployPlanNode'
        $plan.Change | Sort-Object -Unique | Should -Be 'Created'
        Test-KubeTestObject configmap wi $script:Ns | Should -BeFalse
        Test-KubeTestObject configmap kubeps-app-whatif $script:Ns | Should -BeFalse
    }
}

Describe 'Invoke-KubeDeploy execution' -Tag Integration {
    BeforeAll {
        $script:ShopNs = "shop-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
        $script:Shop = Get-ShopCopy $script:ShopNs
    }
    AfterAll { Remove-KubeTestNamespace -Name $script:ShopNs }

    It 'deploys the shop example in dependency order, gated on readiness, labelled and recorded' {
        $info = $null
        $r = Invoke-KubeDeploy -Path $script:Shop -InformationVariable info
        $r | Should -HaveCount 13
        $r[0].PSObject.TypeNames[0] | Should -Be 'KubePS.DeployNodeResult'
        $r.State | Sort-Object -Unique | Should -Be @('Applied', 'Ready')
        $n = @{}; $r | ForEach-Object { $n[$_.Kind + '/' + $_.Name] = $_ }
        $ns = $script:ShopNs
        $n['StatefulSet/db'].Ready | Should -BeLessOrEqual $n['Job/migrate'].Started
        $n['Job/migrate'].Ready | Should -BeLessOrEqual $n['Deployment/api'].Started
        $n["ConfigMap/$ns-config"].Applied | Should -BeLessOrEqual $n['Deployment/web'].Started
        $n["Namespace/$ns"].Applied | Should -BeLessOrEqual $n['Service/web'].Started
        $n['Service/web'].Applied | Should -BeLessOrEqual $n["Ingress/$ns"].Started
        $n['Deployment/api'].Critical | Should -BeTrue
        $summary = ($info | Where-Object { $_.Tags -contains 'KubePS.DeploySummary' }).MessageData
        $summary.Succeeded | Should -BeTrue
        $summary.CriticalPath[-1] | Should -Be "Deployment/$ns/api"
        $summary.Levels | Should -Be 5
        kc -n $ns get deployment api -o 'jsonpath={.metadata.labels.kubeps\.io/application}' | Should -Be $ns
        kc -n $ns get deployment api -o 'jsonpath={.status.readyReplicas}' | Should -Be '2'
        kc -n $ns get job migrate -o 'jsonpath={.status.succeeded}' | Should -Be '1'
        $objects = kc -n $ns get configmap "kubeps-app-$ns" -o 'jsonpath={.data.objects}' | ConvertFrom-Json
        $objects | Should -HaveCount 13
    }

    It 'reports Unchanged on a second deploy' {
        $r = Invoke-KubeDeploy -Path $script:Shop
        $r.Action | Sort-Object -Unique | Should -Be 'Unchanged'
    }

    It 'prunes objects no longer in the set, in reverse order' {
        Remove-Item (Join-Path $script:Shop 'manifests/50-web.yaml')
        $info = $null
        $r = Invoke-KubeDeploy -Path $script:Shop -Prune -InformationVariable info
        $r | Should -HaveCount 10
        $summary = ($info | Where-Object { $_.Tags -contains 'KubePS.DeploySummary' }).MessageData
        $ns = $script:ShopNs
        $summary.Pruned | Should -Contain "Deployment/$ns/web"
        $summary.Pruned | Should -Contain "Ingress/$ns/$ns"
        $summary.Pruned | Should -HaveCount 3
        Test-KubeTestObject deployment web $ns | Should -BeFalse
        Test-KubeTestObject ingress $ns $ns | Should -BeFalse
        Test-KubeTestObject deployment api $ns | Should -BeTrue
        (kc -n $ns get configmap "kubeps-app-$ns" -o 'jsonpath={.data.objects}' | ConvertFrom-Json) | Should -HaveCount 10
    }

    It 'uninstalls with Remove-KubeDeploy in reverse order and waits' {
        Remove-KubeDeploy -Name $script:ShopNs -WhatIf | Should -HaveCount 10
        Test-KubeTestObject deployment api $script:ShopNs | Should -BeTrue
        $gone = Remove-KubeDeploy -Name $script:ShopNs -Confirm:$false
        $gone | Should -HaveCount 10
        $gone[-1].Kind | Should -Be 'Namespace'
        $gone[0].Kind | Should -Be 'Deployment'
        $null = & kubectl --kubeconfig $script:Kc get namespace $script:ShopNs -o name 2>&1
        $LASTEXITCODE | Should -Not -Be 0
        { Remove-KubeDeploy -Name $script:ShopNs -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'KubeDeployInventoryNotFound,KubePS.Commands.RemoveKubeDeployCommand'
    }
}

Describe 'Invoke-KubeDeploy failures' -Tag Integration {
    BeforeAll { $script:Ns = New-KubeTestNamespace -Prefix 'dfail' }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It 'skips the dependents of a workload that never becomes ready, finishes the rest, and says why' {
        $dir = Write-App 'stuck' @{
            'a.yaml' = Get-Deploy 'stuck' -Image 'kubeps/never-ready:1'
            'b.yaml' = Get-Cm 'after-stuck' "`n  annotations:`n    kubeps.io/depends-on: Deployment/stuck"
            'c.yaml' = Get-Deploy 'free'
        }
        $err = $null
        $r = Invoke-KubeDeploy -Path $dir -Namespace $script:Ns -Timeout 10 -ErrorAction SilentlyContinue -ErrorVariable err
        $n = @{}; $r | ForEach-Object { $n[$_.Name] = $_ }
        $n['stuck'].State | Should -Be 'TimedOut'
        $n['stuck'].Reason | Should -Not -BeNullOrEmpty
        $n['after-stuck'].State | Should -Be 'Skipped'
        $n['after-stuck'].Reason | Should -Match 'stuck'
        $n['free'].State | Should -Be 'Ready'
        $err.FullyQualifiedErrorId | Should -Contain 'KubeDeployTimeout,KubePS.Commands.InvokeKubeDeployCommand'
        Test-KubeTestObject configmap after-stuck $script:Ns | Should -BeFalse
    }

    It 'fails a workload whose image cannot be pulled fast, skips its dependents, and -ErrorAction Stop gives a non-zero exit code' {
        $dir = Write-App 'crash' @{
            'a.yaml' = Get-Deploy 'crasher' -Image 'kubeps/bad-image:1'
            'b.yaml' = Get-Cm 'after-crash' "`n  annotations:`n    kubeps.io/depends-on: Deployment/crasher"
        }
        $err = $null
        $r = Invoke-KubeDeploy -Path $dir -Namespace $script:Ns -Timeout 120 -ErrorAction SilentlyContinue -ErrorVariable err
        ($r | Where-Object Name -EQ 'crasher').State | Should -Be 'Failed'
        ($r | Where-Object Name -EQ 'crasher').Reason | Should -Match 'ErrImagePull|ImagePullBackOff'
        ($r | Where-Object Name -EQ 'after-crash').State | Should -Be 'Skipped'
        $failed = $err | Where-Object { $_.FullyQualifiedErrorId -like 'KubeDeployNodeFailed*' }
        $failed.Exception.Message | Should -Match 'after-crash'
        $pwsh = (Get-Process -Id $PID).Path
        $module = Join-Path (Get-Module KubePS).ModuleBase 'KubePS.psd1'
        & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$module'; Invoke-KubeDeploy -Path '$dir' -Namespace '$($script:Ns)' -Kubeconfig '$($script:Kc)' -Timeout 120 -ErrorAction Stop" *> $null
        $LASTEXITCODE | Should -Not -Be 0
    }

    It 'stops everything at the first failure with -FailFast' {
        $dir = Write-App 'failfast' @{
            'a.yaml' = Get-Deploy 'ff-crasher' -Image 'kubeps/bad-image:1'
            'b.yaml' = Get-Deploy 'ff-slow' -Image 'kubeps/never-ready:1'
            'c.yaml' = Get-Cm 'ff-after-slow' "`n  annotations:`n    kubeps.io/depends-on: Deployment/ff-slow"
        }
        $r = Invoke-KubeDeploy -Path $dir -Namespace $script:Ns -Timeout 120 -FailFast -ErrorAction SilentlyContinue
        ($r | Where-Object Name -EQ 'ff-crasher').State | Should -Be 'Failed'
        ($r | Where-Object Name -EQ 'ff-slow').State | Should -Be 'TimedOut'
        ($r | Where-Object Name -EQ 'ff-slow').Reason | Should -Match 'FailFast'
        ($r | Where-Object Name -EQ 'ff-after-slow').State | Should -Be 'Skipped'
    }

    It 'stops promptly on Ctrl+C (PowerShell.Stop)' {
        $dir = Write-App 'ctrlc' @{ 'a.yaml' = Get-Deploy 'ctrlc-stuck' -Image 'kubeps/never-ready:1'; 'b.yaml' = Get-Cm 'ctrlc-cm' }
        $ps = [powershell]::Create([System.Management.Automation.RunspaceMode]::NewRunspace)
        $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Join-Path (Get-Module KubePS).ModuleBase 'KubePS.psd1')).AddStatement()
        $null = $ps.AddCommand('Invoke-KubeDeploy').AddParameter('Path', $dir).AddParameter('Namespace', $script:Ns).AddParameter('Kubeconfig', $script:Kc).AddParameter('Timeout', 600)
        $handle = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Test-KubeTestObject deployment ctrlc-stuck $script:Ns) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        $handle.IsCompleted | Should -BeFalse -Because 'the deploy waits for a workload that is never ready'
        $ps.Stop()
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        # PowerShell sets the state a moment before its batch thread ends: disposing then closed the runspace under it
        # (InvalidRunspaceStateException on the thread pool, which ended the test process). Wait for it, bounded.
        $handle.AsyncWaitHandle.WaitOne(10000) | Should -BeTrue
        $ps.Dispose()
        Test-KubeTestObject configmap ctrlc-cm $script:Ns | Should -BeTrue
    }

    Context 'API faults (local cluster fault injection)' -Skip:(-not $script:IsLocal) {
        BeforeAll {
            (Test-KubeTestIsLocalCluster) | Should -BeTrue
        }
        AfterEach { Clear-KubeTestFault }

        It 'retries 429 and 500 answers with backoff and completes without duplicates' {
            $files = @{}
            1..10 | ForEach-Object { $files["cm$_.yaml"] = Get-Cm "flaky-$_" }
            $files['app.yaml'] = Get-Deploy 'flaky-app' -Extra "          envFrom:`n            - configMapRef: {name: flaky-1}"
            $dir = Write-App 'flaky' $files
            Set-KubeTestFault @{ failNext = 14; errorCodes = @(429, 500); retryAfterSeconds = 0; verbs = @('PATCH', 'GET'); pathPrefix = "/api/v1/namespaces/$($script:Ns)/configmaps" }
            $info = $null
            $r = Invoke-KubeDeploy -Path $dir -Namespace $script:Ns -Timeout 120 -InformationVariable info
            $r.State | Sort-Object -Unique | Should -Be @('Applied', 'Ready')
            $summary = ($info | Where-Object { $_.Tags -contains 'KubePS.DeploySummary' }).MessageData
            $summary.Succeeded | Should -BeTrue
            $left = (Get-KubeTestFault).failNext
            $left | Should -Be 0 -Because 'every injected failure was met and retried'
            $cms = kc -n $script:Ns get configmap -l kubeps.io/application=flaky -o name
            $cms | Should -HaveCount 10
        }
    }
}
