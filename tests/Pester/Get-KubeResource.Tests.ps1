# Exploring resources: Get-KubeResource, the typed Get-Kube* shortcuts, pipeline binding, views,
# type extensions, completion and bad input. Data is created with kubectl (the independent client)
# in a namespace of the test's own.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kubeconfig = Initialize-KubeTestSuite
    $PSDefaultParameterValues = @{ '*-Kube*:Kubeconfig' = $script:Kubeconfig }
    $script:Ns = New-KubeTestNamespace -Prefix explore
    $script:Ns2 = New-KubeTestNamespace -Prefix explore2
    $null = Invoke-KubeTestKubectl create configmap second -n $script:Ns2 --from-literal=a=b
    $manifest = @"
apiVersion: v1
kind: ConfigMap
metadata: { name: app-config, namespace: $($script:Ns), labels: { tier: backend } }
data: { port: "8080" }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: app-extra, namespace: $($script:Ns), labels: { tier: frontend } }
data: { a: "1", b: "2" }
---
apiVersion: v1
kind: Secret
metadata: { name: db, namespace: $($script:Ns) }
stringData: { password: s3cret-value }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: $($script:Ns) }
spec:
  replicas: 0
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [ { name: web, image: registry.k8s.io/pause:3.9 } ] }
---
apiVersion: v1
kind: Pod
metadata: { name: web-manual-1, namespace: $($script:Ns), labels: { app: web } }
spec: { containers: [ { name: web, image: registry.k8s.io/pause:3.9 } ] }
---
apiVersion: v1
kind: Pod
metadata: { name: other-1, namespace: $($script:Ns), labels: { app: other } }
spec: { containers: [ { name: c, image: registry.k8s.io/pause:3.9 } ] }
"@
    $file = Join-Path $TestDrive 'explore.yaml'
    Set-Content -Path $file -Value $manifest
    $null = Invoke-KubeTestKubectl apply -f $file
}

AfterAll {
    Remove-KubeTestNamespace $script:Ns
    Remove-KubeTestNamespace $script:Ns2
}

Describe 'Get-KubeResource' -Tag Integration {
    It 'resolves <Kind> like kubectl and returns typed models' -ForEach @(
        @{ Kind = 'cm'; Type = 'k8s.Models.V1ConfigMap' }
        @{ Kind = 'configmaps'; Type = 'k8s.Models.V1ConfigMap' }
        @{ Kind = 'ConfigMap'; Type = 'k8s.Models.V1ConfigMap' }
        @{ Kind = 'deploy'; Type = 'k8s.Models.V1Deployment' }
        @{ Kind = 'deployments.apps'; Type = 'k8s.Models.V1Deployment' }
        @{ Kind = 'po'; Type = 'k8s.Models.V1Pod' }
    ) {
        $items = @(Get-KubeResource -Kind $Kind -Namespace $script:Ns)
        $items.Count | Should -BeGreaterThan 0
        $items | ForEach-Object { $_.GetType().FullName | Should -Be $Type }
    }

    It 'gives every object Name, Namespace, Kind and a TimeSpan Age' {
        $cm = Get-KubeResource cm app-config -Namespace $script:Ns
        $cm.Name | Should -Be 'app-config'
        $cm.Namespace | Should -Be $script:Ns
        $cm.Kind | Should -Be 'ConfigMap'
        $cm.Age | Should -BeOfType [TimeSpan]
        $cm.Age.TotalSeconds | Should -BeGreaterOrEqual 0
    }

    It 'matches wildcards locally and exact names with one GET' {
        @(Get-KubeResource cm 'app-*' -Namespace $script:Ns).Name | Sort-Object | Should -Be @('app-config', 'app-extra')
        (Get-KubeResource cm app-extra -Namespace $script:Ns).Data['b'] | Should -Be '2'
    }

    It 'writes nothing and no error for a wildcard that matches nothing' {
        $out = Get-KubeResource cm 'zz-*' -Namespace $script:Ns -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs | Should -BeNullOrEmpty
    }

    It 'filters by label selector and field selector on the server' {
        @(Get-KubeResource cm -Namespace $script:Ns -Selector tier=backend).Name | Should -Be @('app-config')
        @(Get-KubeResource cm -Namespace $script:Ns -Selector 'tier in (backend,frontend)').Count | Should -Be 2
        @(Get-KubeResource cm -Namespace $script:Ns -FieldSelector metadata.name=app-extra).Name | Should -Be @('app-extra')
    }

    It 'lists across all namespaces' {
        $all = @(Get-KubeResource cm -AllNamespaces)
        ($all | Where-Object Namespace -eq $script:Ns).Count | Should -Be 2
        $all.Namespace | Should -Contain $script:Ns2
    }

    It 'reports an unknown kind with KubeUnknownKind and a close suggestion' {
        { Get-KubeResource -Kind deploymnet -Namespace $script:Ns -ErrorAction Stop } | Should -Throw -ErrorId 'KubeUnknownKind*'
        try { Get-KubeResource -Kind deploymnet -Namespace $script:Ns -ErrorAction Stop } catch { $_.Exception.Message | Should -Match 'deployments' ; $_.CategoryInfo.Category | Should -Be 'ObjectNotFound' }
    }

    It 'reports a missing name as a non-terminating KubeNotFound and still returns the others' {
        $out = @(Get-KubeResource cm app-config, nope, app-extra -Namespace $script:Ns -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Name | Should -Be @('app-config', 'app-extra')
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'KubeNotFound*'
        $errs[0].TargetObject | Should -Be 'nope'
    }

    It 'fails for a namespace that does not exist' {
        { Get-KubeResource cm -Namespace no-such-namespace-kps -ErrorAction Stop } | Should -Throw -ErrorId 'KubeNotFound*'
    }

    It 'reports a selector that does not parse with the server''s message' {
        { Get-KubeResource cm -Namespace $script:Ns -Selector 'tier in (a' -ErrorAction Stop } | Should -Throw -ErrorId 'Kube*'
    }

    It 'refreshes objects piped in by property name' {
        $again = Get-KubeResource cm app-config -Namespace $script:Ns | Get-KubeResource
        $again.Name | Should -Be 'app-config'
        $again.Data['port'] | Should -Be '8080'
    }
}

Describe 'Get-KubeResource with custom resources' -Tag Integration {
    BeforeAll {
        $crd = @"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: explgadgets.explore.kubeps.example.com }
spec:
  group: explore.kubeps.example.com
  scope: Namespaced
  names: { plural: explgadgets, singular: explgadget, kind: ExplGadget, shortNames: [ xgdg ] }
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - { name: Size, type: integer, jsonPath: .spec.size }
    - { name: Color, type: string, jsonPath: .spec.color }
    - { name: Age, type: date, jsonPath: .metadata.creationTimestamp }
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
"@
        $f = Join-Path $TestDrive 'crd.yaml'
        Set-Content $f $crd
        $null = Invoke-KubeTestKubectl apply -f $f
        $null = Invoke-KubeTestKubectl wait --for=condition=Established crd/explgadgets.explore.kubeps.example.com --timeout=30s
        $cr = @"
apiVersion: explore.kubeps.example.com/v1
kind: ExplGadget
metadata: { name: g1, namespace: $($script:Ns) }
spec: { size: 3, color: blue }
"@
        $f2 = Join-Path $TestDrive 'cr.yaml'
        Set-Content $f2 $cr
        # The kind may take a moment to be served after the CRD is established.
        $deadline = (Get-Date).AddSeconds(30)
        do {
            & kubectl --kubeconfig $script:Kubeconfig apply -f $f2 2>$null | Out-Null
            if ($LASTEXITCODE -eq 0) { break }
            Start-Sleep -Milliseconds 300
        } while ((Get-Date) -lt $deadline)
    }

    AfterAll {
        & kubectl --kubeconfig $script:Kubeconfig delete crd explgadgets.explore.kubeps.example.com --wait=false 2>$null | Out-Null
    }

    It 'returns custom resources as PSObjects typed by group and kind, by <Kind>' -ForEach @(
        @{ Kind = 'explgadgets' }, @{ Kind = 'xgdg' }, @{ Kind = 'ExplGadget.explore.kubeps.example.com' }, @{ Kind = 'explgadgets.explore.kubeps.example.com' }
    ) {
        $g = Get-KubeResource -Kind $Kind -Namespace $script:Ns
        $g.PSObject.TypeNames | Should -Contain 'KubePS.Resource#explore.kubeps.example.com/ExplGadget'
        $g.PSObject.TypeNames | Should -Contain 'KubePS.Resource'
        $g.Name | Should -Be 'g1'
        $g.Namespace | Should -Be $script:Ns
        $g.Kind | Should -Be 'ExplGadget'
        $g.spec.size | Should -Be 3
        $g.spec.color | Should -Be 'blue'
    }

    It 'prints custom resources with the CRD''s printer columns' {
        $text = Get-KubeResource explgadgets -Namespace $script:Ns | Out-String -Width 200
        $text | Should -Match 'NAME\s+SIZE\s+COLOR\s+AGE'
        $text | Should -Match 'g1\s+3\s+blue\s+\d+s'
    }

    It 'round-trips a custom resource through YAML without losing fields' {
        $g = Get-KubeResource explgadgets g1 -Namespace $script:Ns
        $back = $g | ConvertTo-KubeYaml | ConvertFrom-KubeYaml
        $back.spec.size | Should -Be 3
        $back.metadata.uid | Should -Be $g.metadata.uid
        $back.PSObject.TypeNames[0] | Should -Be 'KubePS.Resource#explore.kubeps.example.com/ExplGadget'
    }
}

Describe 'Typed shortcuts' -Tag Integration {
    It 'Get-KubeDeployment returns V1Deployment' {
        $d = Get-KubeDeployment web -Namespace $script:Ns
        $d.GetType().FullName | Should -Be 'k8s.Models.V1Deployment'
        $d.Spec.Template.Spec.Containers[0].Image | Should -Be 'registry.k8s.io/pause:3.9'
    }

    It 'Get-KubeDeployment | Get-KubePod gives the deployment''s pods by its selector' {
        $pods = @(Get-KubeDeployment web -Namespace $script:Ns | Get-KubePod)
        $pods.Name | Should -Contain 'web-manual-1'
        $pods.Name | Should -Not -Contain 'other-1'
    }

    It 'Get-KubePod has Ready, State and Restarts, and filters by node and phase' {
        $p = Get-KubePod web-manual-1 -Namespace $script:Ns
        $p.Ready | Should -Match '^\d+/1$'
        $p.State | Should -Not -BeNullOrEmpty
        $p.Restarts | Should -BeOfType [int]
        @(Get-KubePod -Namespace $script:Ns -Node no-such-node) | Should -BeNullOrEmpty
        $phase = $p.Status.Phase
        (Get-KubePod -Namespace $script:Ns -Phase $phase).Name | Should -Contain 'web-manual-1'
    }

    It 'Get-KubeSecret hides values unless -Decode' {
        $s = Get-KubeSecret db -Namespace $script:Ns
        ($s | Out-String) | Should -Not -Match 's3cret-value'
        $s.PSObject.Properties['DecodedData'] | Should -BeNullOrEmpty
        (Get-KubeSecret db -Namespace $script:Ns -Decode).DecodedData['password'] | Should -Be 's3cret-value'
    }

    It 'Get-KubeNamespace and Get-KubeNode list cluster-scoped objects' {
        (Get-KubeNamespace).Name | Should -Contain $script:Ns
        @(Get-KubeNode).Count | Should -BeGreaterThan 0
    }

    It '<Cmd> runs and returns its typed model' -ForEach @(
        @{ Cmd = 'Get-KubeReplicaSet'; Type = 'V1ReplicaSet' }, @{ Cmd = 'Get-KubeStatefulSet'; Type = 'V1StatefulSet' },
        @{ Cmd = 'Get-KubeDaemonSet'; Type = 'V1DaemonSet' }, @{ Cmd = 'Get-KubeJob'; Type = 'V1Job' },
        @{ Cmd = 'Get-KubeCronJob'; Type = 'V1CronJob' }, @{ Cmd = 'Get-KubeService'; Type = 'V1Service' },
        @{ Cmd = 'Get-KubeIngress'; Type = 'V1Ingress' }, @{ Cmd = 'Get-KubeConfigMap'; Type = 'V1ConfigMap' },
        @{ Cmd = 'Get-KubePersistentVolumeClaim'; Type = 'V1PersistentVolumeClaim' }, @{ Cmd = 'Get-KubeEvent'; Type = 'Corev1Event' }
    ) {
        $out = @(& $Cmd -AllNamespaces -ErrorAction Stop)
        $out | ForEach-Object { $_.GetType().Name | Should -Be $Type }
        if ($Cmd -eq 'Get-KubeConfigMap') { $out.Count | Should -BeGreaterOrEqual 2 }
    }

    It 'Get-KubeApiResource lists kinds like kubectl api-resources' {
        $r = Get-KubeApiResource -Name deployments
        $r.Kind | Should -Be 'Deployment'
        $r.ApiVersion | Should -Be 'apps/v1'
        $r.ShortNames | Should -Contain 'deploy'
        $r.Namespaced | Should -BeTrue
        $kubectl = (Invoke-KubeTestKubectl api-resources --no-headers --output=name) | Where-Object { $_ -notmatch '/' }
        $ours = Get-KubeApiResource | ForEach-Object { $_.FullName }
        foreach ($name in $kubectl) { $ours | Should -Contain $name }
    }
}

Describe 'Views' -Tag Integration {
    It 'prints pods with kubectl''s columns' {
        $text = Get-KubePod -Namespace $script:Ns | Out-String -Width 200
        $text | Should -Match 'NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE'
        $text | Should -Match 'web-manual-1'
        $text | Should -Match "Namespace: $($script:Ns)"
    }

    It 'prints the wide view with IP and NODE' {
        (Get-KubePod -Namespace $script:Ns | Format-Table -View Wide | Out-String -Width 200) | Should -Match 'IP\s+NODE'
    }

    It 'prints deployments, config maps and secrets with kubectl''s columns' {
        (Get-KubeDeployment -Namespace $script:Ns | Out-String -Width 200) | Should -Match 'NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE'
        (Get-KubeConfigMap -Namespace $script:Ns | Out-String -Width 200) | Should -Match 'app-extra\s+2\s'
        (Get-KubeSecret -Namespace $script:Ns | Out-String -Width 200) | Should -Match 'NAME\s+TYPE\s+DATA\s+AGE'
    }
}

Describe 'Completion' -Tag Integration {
    It 'completes -Kind from discovery' {
        $r = TabExpansion2 -inputScript "Get-KubeResource -Kubeconfig '$($script:Kubeconfig)' -Kind deploy" -cursorColumn ("Get-KubeResource -Kubeconfig '$($script:Kubeconfig)' -Kind deploy").Length
        $r.CompletionMatches.CompletionText | Should -Contain 'deployments'
    }

    It 'completes -Name for the kind and namespace typed' {
        $line = "Get-KubeResource -Kubeconfig '$($script:Kubeconfig)' -Kind cm -Namespace $($script:Ns) -Name app-"
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $r.CompletionMatches.CompletionText | Sort-Object | Should -Be @('app-config', 'app-extra')
    }

    It 'completes pod names for Get-KubePod and namespaces for -Namespace' {
        $line = "Get-KubePod -Kubeconfig '$($script:Kubeconfig)' -Namespace $($script:Ns) -Name web-"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'web-manual-1'
        $line2 = "Get-KubePod -Kubeconfig '$($script:Kubeconfig)' -Namespace $($script:Ns.Substring(0, 10))"
        (TabExpansion2 -inputScript $line2 -cursorColumn $line2.Length).CompletionMatches.CompletionText | Should -Contain $script:Ns
    }

    It 'completes selector keys' {
        $line = "Get-KubeResource -Kubeconfig '$($script:Kubeconfig)' -Kind cm -Namespace $($script:Ns) -Selector ti"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'tier'
    }

    It 'answers a cold -Name completion with one API request and a warm one from its cache' {
        $ns = New-KubeTestNamespace -Prefix complete
        try {
            $null = Invoke-KubeTestKubectl create configmap probe-a -n $ns --from-literal=a=b
            # Count the API calls the engine makes, through its own call trace (the listener the cmdlets' -Verbose uses).
            $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'KubePS.Engine' } | Select-Object -First 1
            $infoType = $engine.GetType('KubePS.Engine.Connection.ApiCallInfo')
            $calls = [Activator]::CreateInstance([System.Collections.Concurrent.ConcurrentQueue`1].MakeGenericType($infoType))
            $listener = [Delegate]::CreateDelegate([Action`1].MakeGenericType($infoType), $calls, 'Enqueue')
            $line = "Get-KubeConfigMap -Kubeconfig '$($script:Kubeconfig)' -Namespace $ns -Name pro"
            $scope = $engine.GetType('KubePS.Engine.Connection.ApiCallTrace').GetMethod('Listen').Invoke($null, @($listener))
            try {
                $cold = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
                $coldCalls = @($calls.ToArray())
                $warm = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
                $allCalls = @($calls.ToArray())
            }
            finally { $scope.Dispose() }
            $cold | Should -Be @('probe-a')
            $coldCalls.Count | Should -Be 1
            $coldCalls[0].Method | Should -Be 'GET'
            $coldCalls[0].Url | Should -Match "/api/v1/namespaces/$ns/configmaps\?limit=2000$"
            $warm | Should -Be @('probe-a')
            $allCalls.Count | Should -Be 1
        }
        finally { Remove-KubeTestNamespace $ns }
    }

    It 'completes nothing and throws nothing when the cluster is unreachable' {
        $bad = Join-Path $TestDrive 'unreachable.yaml'
        (Get-Content -Raw $script:Kubeconfig) -replace 'server: https://[^\s]+', 'server: https://127.0.0.1:1' | Set-Content $bad
        $line = "Get-KubeResource -Kubeconfig '$bad' -Kind depl"
        { TabExpansion2 -inputScript $line -cursorColumn $line.Length } | Should -Not -Throw
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Where-Object ResultType -eq ParameterValue | Should -BeNullOrEmpty
    }
}

Describe 'Show-KubeResource' -Tag Integration {
    It 'describes an object with its identity, spec and events' {
        $null = Invoke-KubeTestKubectl create configmap described -n $script:Ns --from-literal=k=v
        $d = Show-KubeResource cm described -Namespace $script:Ns
        $d.Kind | Should -Be 'ConfigMap'
        $d.Name | Should -Be 'described'
        $d.Object.Name | Should -Be 'described'
        $text = $d | Out-String -Width 200
        $text | Should -Match 'Name:\s+described'
        $text | Should -Match "Namespace:\s+$($script:Ns)"
        $text | Should -Match 'Events:'
    }

    It 'describes objects piped in, and never prints secret values' {
        $d = Get-KubeSecret db -Namespace $script:Ns | Show-KubeResource
        $text = $d | Out-String -Width 200
        $text | Should -Match 'password:\s+12 bytes'
        $text | Should -Not -Match 's3cret-value'
    }

    It 'fails with KubeNotFound for an object that does not exist' {
        { Show-KubeResource cm no-such-cm -Namespace $script:Ns -ErrorAction Stop } | Should -Throw -ErrorId 'KubeNotFound*'
    }
}

Describe 'Listing several namespaces' -Tag Integration {
    It 'lists the pods of each namespace piped in, and refreshes cluster-scoped objects' {
        $pods = @(Get-KubeNamespace $script:Ns, $script:Ns2 | Get-KubePod)
        $pods.Name | Should -Contain 'web-manual-1'
        ($pods | Where-Object Namespace -eq $script:Ns).Count | Should -Be 2
        (Get-KubeNamespace $script:Ns | Get-KubeResource).Name | Should -Be $script:Ns
    }

    It 'reports one clear error for a forbidden namespace and still lists the others' {
        if (-not (Test-KubeTestIsLocalCluster)) {
            Set-ItResult -Skipped -Because 'a 403 on one namespace is injected with the local cluster''s fault endpoint'
            return
        }
        Set-KubeTestFault @{ errorRate = 1.0; errorCodes = @(403); pathPrefix = "/api/v1/namespaces/$($script:Ns2)/pods"; verbs = @('LIST') }
        try {
            $pods = @(Get-KubeNamespace $script:Ns, $script:Ns2 | Get-KubePod -ErrorVariable errs -ErrorAction SilentlyContinue)
        }
        finally { Clear-KubeTestFault }
        ($pods | Where-Object Namespace -eq $script:Ns).Count | Should -Be 2
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'KubeForbidden*'
        $errs[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        "$($errs[0])" | Should -Match ([regex]::Escape($script:Ns2))
    }
}
