# Wait-KubeResource: readiness rules per kind, failure reasons, every -For mode, many targets at once over shared
# watches, objects created after the wait started, deletion, timeouts, bad input and Ctrl+C. Status changes that no
# controller makes are driven with status patches (kubectl patch --subresource=status), which is also how the
# tests make readiness happen deterministically; workloads become ready through the cluster's controllers.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    # Fault injection is an admin endpoint of the project's local cluster; a real cluster has none.
    $script:IsLocalCluster = Test-KubeTestIsLocalCluster
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kubeconfig = Initialize-KubeTestSuite
    $PSDefaultParameterValues = @{ '*-Kube*:Kubeconfig' = $script:Kubeconfig }
    $script:Ns = New-KubeTestNamespace -Prefix wait

    function script:Invoke-Later {
        # Runs kubectl in the background after the wait has started (the wait must see the change as an event).
        param([string[]] $Arguments, [int] $DelayMs = 700)
        $kc = $script:Kubeconfig
        Start-ThreadJob -ScriptBlock {
            param($kc, $a, $d)
            Start-Sleep -Milliseconds $d
            & kubectl --kubeconfig $kc @a 2>&1
        } -ArgumentList $kc, $Arguments, $DelayMs
    }

    function script:Set-Status {
        param([string] $Resource, [string] $Name, [string] $Json)
        $null = Invoke-KubeTestKubectl -n $script:Ns patch $Resource $Name --subresource=status --type=merge "--patch=$Json"
    }

    function script:New-Manifest {
        param([string] $Yaml)
        $file = Join-Path $TestDrive ("m-{0}.yaml" -f [guid]::NewGuid().ToString('n'))
        Set-Content -Path $file -Value $Yaml
        $null = Invoke-KubeTestKubectl apply -f $file
        $file
    }

    # A CRD with a status subresource: custom resources whose status nothing but the test writes.
    $script:Crd = @"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: gadgets.wait.kubeps.io }
spec:
  group: wait.kubeps.io
  scope: Namespaced
  names: { plural: gadgets, singular: gadget, kind: Gadget }
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
"@
    $null = New-Manifest $script:Crd
    $null = Wait-KubeResource -Kind CustomResourceDefinition -Name gadgets.wait.kubeps.io -Timeout 60
}

AfterAll {
    Remove-KubeTestNamespace $script:Ns
}

Describe 'Wait-KubeResource' -Tag Integration {
    Context 'readiness rules' {
        It 'waits for a Deployment rollout (updated, ready, available) and returns the final object' {
            $null = New-Manifest @"
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: $($script:Ns) }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [ { name: web, image: registry.k8s.io/pause:3.9 } ] }
"@
            $r = Wait-KubeResource -Kind Deployment -Name web -Namespace $script:Ns -Timeout 120
            $r.Status | Should -Be 'Current'
            $r.Outcome | Should -Be 'Satisfied'
            $r.Object.GetType().Name | Should -Be 'V1Deployment'
            $r.Object.Status.AvailableReplicas | Should -Be 2
            $r.Object.Status.ObservedGeneration | Should -BeGreaterOrEqual $r.Object.Metadata.Generation
        }

        It 'waits for a <Kind> to be ready' -ForEach @(
            @{ Kind = 'StatefulSet'; Yaml = "apiVersion: apps/v1`nkind: StatefulSet`nmetadata: { name: db, namespace: NS }`nspec:`n  replicas: 2`n  serviceName: db`n  selector: { matchLabels: { app: db } }`n  template:`n    metadata: { labels: { app: db } }`n    spec: { containers: [ { name: db, image: registry.k8s.io/pause:3.9 } ] }"; Name = 'db'; Check = { param($o) $o.Status.ReadyReplicas | Should -Be 2 } }
            @{ Kind = 'DaemonSet'; Yaml = "apiVersion: apps/v1`nkind: DaemonSet`nmetadata: { name: agent, namespace: NS }`nspec:`n  selector: { matchLabels: { app: agent } }`n  template:`n    metadata: { labels: { app: agent } }`n    spec: { containers: [ { name: a, image: registry.k8s.io/pause:3.9 } ] }"; Name = 'agent'; Check = { param($o) $o.Status.NumberReady | Should -Be $o.Status.DesiredNumberScheduled } }
            @{ Kind = 'ReplicaSet'; Yaml = "apiVersion: apps/v1`nkind: ReplicaSet`nmetadata: { name: rs, namespace: NS }`nspec:`n  replicas: 2`n  selector: { matchLabels: { app: rs } }`n  template:`n    metadata: { labels: { app: rs } }`n    spec: { containers: [ { name: a, image: registry.k8s.io/pause:3.9 } ] }"; Name = 'rs'; Check = { param($o) $o.Status.ReadyReplicas | Should -Be 2 } }
            @{ Kind = 'Job'; Yaml = "apiVersion: batch/v1`nkind: Job`nmetadata: { name: once, namespace: NS }`nspec:`n  template:`n    spec:`n      restartPolicy: Never`n      containers: [ { name: a, image: busybox:1.36, command: [ 'true' ] } ]"; Name = 'once'; Check = { param($o) ($o.Status.Conditions | Where-Object Type -eq Complete).Status | Should -Be 'True' } }
            @{ Kind = 'Pod'; Yaml = "apiVersion: v1`nkind: Pod`nmetadata: { name: single, namespace: NS }`nspec: { containers: [ { name: a, image: registry.k8s.io/pause:3.9 } ] }"; Name = 'single'; Check = { param($o) ($o.Status.Conditions | Where-Object Type -eq Ready).Status | Should -Be 'True' } }
            @{ Kind = 'Pod'; Yaml = "apiVersion: v1`nkind: Pod`nmetadata: { name: batch-pod, namespace: NS }`nspec:`n  restartPolicy: Never`n  containers: [ { name: a, image: busybox:1.36, command: [ 'true' ] } ]"; Name = 'batch-pod'; Check = { param($o) $o.Status.Phase | Should -Be 'Succeeded' } }
            @{ Kind = 'PersistentVolumeClaim'; Yaml = "apiVersion: v1`nkind: PersistentVolumeClaim`nmetadata: { name: data, namespace: NS }`nspec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }"; Name = 'data'; Check = { param($o) $o.Status.Phase | Should -Be 'Bound' } }
            @{ Kind = 'Service'; Yaml = "apiVersion: v1`nkind: Service`nmetadata: { name: svc, namespace: NS }`nspec: { selector: { app: web }, ports: [ { port: 80 } ] }"; Name = 'svc'; Check = { param($o) $o.Spec.Type | Should -Be 'ClusterIP' } }
        ) {
            $null = New-Manifest ($Yaml -replace 'namespace: NS', "namespace: $($script:Ns)")
            $r = Wait-KubeResource -Kind $Kind -Name $Name -Namespace $script:Ns -Timeout 120
            $r.Outcome | Should -Be 'Satisfied'
            $r.Status | Should -Be 'Current'
            & $Check $r.Object
        }

        It 'waits for a LoadBalancer Service until it has an ingress' {
            $null = New-Manifest "apiVersion: v1`nkind: Service`nmetadata: { name: lb, namespace: $($script:Ns) }`nspec: { type: LoadBalancer, selector: { app: web }, ports: [ { port: 80 } ] }"
            $r0 = Wait-KubeResource -Kind Service -Name lb -Namespace $script:Ns -Timeout 0 -ErrorAction SilentlyContinue
            if ($r0.Outcome -ne 'Satisfied') {
                $r0.Reason | Should -Be 'LoadBalancerPending'
                $job = Invoke-Later @('-n', $script:Ns, 'patch', 'service', 'lb', '--subresource=status', '--type=merge', '-p', '{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}')
                $r = Wait-KubeResource -Kind Service -Name lb -Namespace $script:Ns -Timeout 60
                $job | Wait-Job | Remove-Job
            }
            else { $r = $r0 }
            $r.Outcome | Should -Be 'Satisfied'
            $r.Object.Status.LoadBalancer.Ingress | Should -Not -BeNullOrEmpty
        }

        It 'waits for a Namespace and a CRD (Established)' {
            $rs = @(
                [pscustomobject]@{ Kind = 'Namespace'; Name = $script:Ns }
                [pscustomobject]@{ Kind = 'CustomResourceDefinition'; Name = 'gadgets.wait.kubeps.io' }
            ) | Wait-KubeResource -Timeout 30
            $rs.Status | Should -Be @('Current', 'Current')
            $rs[1].Reason | Should -Be 'Established'
        }

        It 'waits for a custom resource''s Ready condition and honours observedGeneration' {
            $null = New-Manifest "apiVersion: wait.kubeps.io/v1`nkind: Gadget`nmetadata: { name: g1, namespace: $($script:Ns) }`nspec: { size: 1 }"
            $gen = [int](Invoke-KubeTestKubectl -n $script:Ns get gadget g1 '--output=jsonpath={.metadata.generation}')
            # Ready=True but for an older generation: still in progress
            Set-Status gadget g1 ('{"status":{"observedGeneration":' + ($gen - 1) + ',"conditions":[{"type":"Ready","status":"True"}]}}')
            $r0 = Wait-KubeResource -Kind Gadget -Name g1 -Namespace $script:Ns -Timeout 0 -ErrorAction SilentlyContinue
            $r0.Outcome | Should -Be 'TimedOut'
            $r0.Reason | Should -Be 'ObservedGenerationBehind'
            $job = Invoke-Later @('-n', $script:Ns, 'patch', 'gadget', 'g1', '--subresource=status', '--type=merge', '-p', ('{"status":{"observedGeneration":' + $gen + '}}'))
            $r = Wait-KubeResource -Kind Gadget -Name g1 -Namespace $script:Ns -Timeout 60
            $job | Wait-Job | Remove-Job
            $r.Outcome | Should -Be 'Satisfied'
            $r.Object.PSTypeNames | Should -Contain 'KubePS.Resource#wait.kubeps.io/Gadget'
        }
    }

    Context 'failure reasons' {
        It 'fails fast on a pod in CrashLoopBackOff, naming the pod, reason and message' {
            # Unschedulable (no node matches), so no kubelet writes its container statuses: the test does.
            $null = New-Manifest "apiVersion: v1`nkind: Pod`nmetadata: { name: crashy, namespace: $($script:Ns) }`nspec:`n  nodeSelector: { kubeps.io/no-such-node: 'true' }`n  containers: [ { name: app, image: registry.k8s.io/pause:3.9 } ]"
            $job = Invoke-Later @('-n', $script:Ns, 'patch', 'pod', 'crashy', '--subresource=status', '--type=merge', '-p', '{"status":{"containerStatuses":[{"name":"app","image":"registry.k8s.io/pause:3.9","imageID":"","ready":false,"restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 40s restarting failed container=app"}}}]}}')
            $r = Wait-KubeResource -Kind Pod -Name crashy -Namespace $script:Ns -Timeout 60 -ErrorVariable err -ErrorAction SilentlyContinue
            $job | Wait-Job | Remove-Job
            $r.Outcome | Should -Be 'Failed'
            $r.Reason | Should -Be 'CrashLoopBackOff'
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'KubeWaitFailed,*'
            $err[0].ToString() | Should -BeLike "*Pod $($script:Ns)/crashy*CrashLoopBackOff*app*back-off 40s*"
            $err[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        }

        It 'fails fast on a workload whose pods are in <Reason>, pointing at the pods' -ForEach @(
            @{ Reason = 'CrashLoopBackOff'; Name = 'crashloop'; Container = "{ name: app, image: busybox:1.36, command: [ sh, -c, 'exit 1' ] }"; Ann = '{ kubeps.io/behavior: crash }' ; Reasons = @('CrashLoopBackOff') }
            @{ Reason = 'ImagePullBackOff'; Name = 'badimage'; Container = '{ name: app, image: registry.invalid/kubeps/doesnotexist:nonexistent }'; Ann = '{}'; Reasons = @('ImagePullBackOff', 'ErrImagePull') }
            @{ Reason = 'CreateContainerConfigError'; Name = 'noconfig'; Container = '{ name: app, image: registry.k8s.io/pause:3.9, envFrom: [ { configMapRef: { name: missing-config } } ] }'; Ann = '{}'; Reasons = @('CreateContainerConfigError') }
        ) {
            $null = New-Manifest @"
apiVersion: apps/v1
kind: Deployment
metadata: { name: $Name, namespace: $($script:Ns) }
spec:
  replicas: 1
  minReadySeconds: 600
  selector: { matchLabels: { app: $Name } }
  template:
    metadata: { labels: { app: $Name }, annotations: $Ann }
    spec: { containers: [ $Container ] }
"@
            $r = Wait-KubeResource -Kind Deployment -Name $Name -Namespace $script:Ns -Timeout 120 -ErrorVariable err -ErrorAction SilentlyContinue
            $r.Outcome | Should -Be 'Failed'
            $r.Reason | Should -BeIn $Reasons
            $r.Pods | Should -HaveCount 1
            $r.Pods[0] | Should -BeLike "$Name-*"
            $err[0].FullyQualifiedErrorId | Should -BeLike 'KubeWaitFailed,*'
            $err[0].ToString() | Should -BeLike "*Deployment $($script:Ns)/$Name*Pods at fault: $Name-*"
        }

        It 'fails with ProgressDeadlineExceeded when a rollout stops progressing' {
            $null = New-Manifest @"
apiVersion: apps/v1
kind: Deployment
metadata: { name: stuck, namespace: $($script:Ns) }
spec:
  replicas: 1
  progressDeadlineSeconds: 2
  selector: { matchLabels: { app: stuck } }
  template:
    metadata: { labels: { app: stuck }, annotations: { kubeps.io/behavior: never-ready } }
    spec:
      containers:
        - name: app
          image: registry.k8s.io/pause:3.9
          readinessProbe: { exec: { command: [ 'false' ] }, periodSeconds: 1 }
"@
            $r = Wait-KubeResource -Kind Deployment -Name stuck -Namespace $script:Ns -Timeout 120 -ErrorVariable err -ErrorAction SilentlyContinue
            $r.Outcome | Should -Be 'Failed'
            $r.Reason | Should -Be 'ProgressDeadlineExceeded'
            $err[0].ToString() | Should -BeLike '*stuck*ProgressDeadlineExceeded*'
        }

        It 'fails on a Job''s Failed condition' {
            $null = New-Manifest @"
apiVersion: batch/v1
kind: Job
metadata: { name: doomed, namespace: $($script:Ns) }
spec:
  backoffLimit: 0
  template:
    metadata: { annotations: { kubeps.io/behavior: fail } }
    spec:
      restartPolicy: Never
      containers: [ { name: a, image: busybox:1.36, command: [ sh, -c, 'exit 1' ] } ]
"@
            $r = Wait-KubeResource -Kind Job -Name doomed -Namespace $script:Ns -Timeout 120 -ErrorVariable err -ErrorAction SilentlyContinue
            $r.Outcome | Should -Be 'Failed'
            $r.Status | Should -Be 'Failed'
            $err[0].FullyQualifiedErrorId | Should -BeLike 'KubeWaitFailed,*'
        }

        It 'keeps waiting through failures with -FailFast:$false (and then times out)' {
            $r = Wait-KubeResource -Kind Pod -Name crashy -Namespace $script:Ns -Timeout 2 -FailFast:$false -ErrorVariable err -ErrorAction SilentlyContinue
            $r.Outcome | Should -Be 'TimedOut'
            $r.Status | Should -Be 'Failed'
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'KubeWaitTimeout,*'
        }
    }

    Context '-For modes' {
        It 'Create: waits for an object that does not exist yet' {
            $job = Invoke-Later @('-n', $script:Ns, 'create', 'configmap', 'late', '--from-literal=a=1')
            $r = Wait-KubeResource -Kind ConfigMap -Name late -Namespace $script:Ns -For Create -Timeout 60
            $job | Wait-Job | Remove-Job
            $r.Outcome | Should -Be 'Satisfied'
            $r.Object.Data['a'] | Should -Be '1'
        }

        It 'Exists: is met at once for an existing object' {
            (Wait-KubeResource -Kind ConfigMap -Name late -Namespace $script:Ns -For Exists -Timeout 10).Outcome | Should -Be 'Satisfied'
        }

        It 'Delete: waits until the object is gone' {
            $null = Invoke-KubeTestKubectl -n $script:Ns create configmap doomed-cm --from-literal=a=1
            $job = Invoke-Later @('-n', $script:Ns, 'delete', 'configmap', 'doomed-cm')
            $r = Wait-KubeResource -Kind ConfigMap -Name doomed-cm -Namespace $script:Ns -For Delete -Timeout 60
            $job | Wait-Job | Remove-Job
            $r.Outcome | Should -Be 'Satisfied'
            $r.Status | Should -Be 'NotFound'
            $r.Object | Should -BeNullOrEmpty
        }

        It 'Condition=Type[=Status] on a custom resource' {
            $null = New-Manifest "apiVersion: wait.kubeps.io/v1`nkind: Gadget`nmetadata: { name: g2, namespace: $($script:Ns) }`nspec: { size: 2 }"
            $job = Invoke-Later @('-n', $script:Ns, 'patch', 'gadget', 'g2', '--subresource=status', '--type=merge', '-p', '{"status":{"conditions":[{"type":"Synced","status":"False","reason":"Waiting"}]}}')
            $r = Wait-KubeResource -Kind gadgets -Name g2 -Namespace $script:Ns -For 'Condition=Synced=False' -Timeout 60
            $job | Wait-Job | Remove-Job
            $r.Outcome | Should -Be 'Satisfied'
            $r.Condition | Should -Be 'Condition=Synced=False'
        }

        It 'Condition=Available on a Deployment piped from Get-KubeDeployment' {
            $r = Get-KubeDeployment web -Namespace $script:Ns | Wait-KubeResource -For Condition=Available -Timeout 60
            $r.Outcome | Should -Be 'Satisfied'
            $r.Kind | Should -Be 'Deployment'
        }

        It 'JsonPath=expr=value with a filter' {
            $job = Invoke-Later @('-n', $script:Ns, 'patch', 'gadget', 'g2', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Done","conditions":[{"type":"Synced","status":"True"}]}}')
            $r = Wait-KubeResource -Kind Gadget -Name g2 -Namespace $script:Ns -For 'JsonPath={.status.conditions[?(@.type=="Synced")].status}=True' -Timeout 60
            $job | Wait-Job | Remove-Job
            $r.Outcome | Should -Be 'Satisfied'
            $r.Object.status.phase | Should -Be 'Done'
        }

        It '-Until: a scriptblock over the live object' {
            $null = Invoke-KubeTestKubectl -n $script:Ns create configmap counter --from-literal=n=1
            $job = Invoke-Later @('-n', $script:Ns, 'patch', 'configmap', 'counter', '--type=merge', '-p', '{"data":{"n":"3"}}')
            $r = Wait-KubeResource -Kind ConfigMap -Name counter -Namespace $script:Ns -Until { [int]$_.Data['n'] -ge 3 } -Timeout 60
            $job | Wait-Job | Remove-Job
            $r.Outcome | Should -Be 'Satisfied'
            $r.Object.Data['n'] | Should -Be '3'
        }

        It '-PassThru writes the final objects' {
            $o = Wait-KubeResource -Kind ConfigMap -Name counter, late -Namespace $script:Ns -PassThru -Timeout 10
            $o | Should -HaveCount 2
            $o[0].GetType().Name | Should -Be 'V1ConfigMap'
        }
    }

    Context 'many at once' {
        It 'waits on 20 config maps created after the wait started, over one shared watch' {
            $names = 1..20 | ForEach-Object { "many-$_" }
            $kc = $script:Kubeconfig; $ns = $script:Ns
            $job = Start-ThreadJob { param($kc, $ns, $names) Start-Sleep -Milliseconds 500; foreach ($n in $names) { & kubectl --kubeconfig $kc -n $ns create configmap $n --from-literal=a=1 2>&1 } } -ArgumentList $kc, $ns, $names
            $rs = Wait-KubeResource -Kind ConfigMap -Name $names -Namespace $ns -For Create -Timeout 120
            $job | Wait-Job | Remove-Job
            $rs | Should -HaveCount 20
            $rs.Outcome | Sort-Object -Unique | Should -Be 'Satisfied'
            $rs[0].WatchesOpened | Should -Be 1
            $rs[0].Requests | Should -BeLessOrEqual 3
        }

        It 'waits on 20 pods by selector until all are Ready' {
            $yaml = (1..20 | ForEach-Object { "apiVersion: v1`nkind: Pod`nmetadata: { name: sel-$_, namespace: $($script:Ns), labels: { group: sel } }`nspec: { containers: [ { name: a, image: registry.k8s.io/pause:3.9 } ] }" }) -join "`n---`n"
            $null = New-Manifest $yaml
            $rs = Wait-KubeResource -Kind Pod -Selector group=sel -Namespace $script:Ns -Timeout 120
            $rs | Should -HaveCount 20
            $rs.Status | Sort-Object -Unique | Should -Be 'Current'
        }

        It 'waits on every object of a manifest (-Path) and on results piped in' {
            $file = New-Manifest "apiVersion: v1`nkind: ConfigMap`nmetadata: { name: p1, namespace: $($script:Ns) }`n---`napiVersion: v1`nkind: Secret`nmetadata: { name: p2, namespace: $($script:Ns) }`nstringData: { a: b }"
            $rs = Wait-KubeResource -Path $file -Timeout 30
            ($rs | ForEach-Object { "$($_.Kind)/$($_.Name)" }) | Should -Be @('ConfigMap/p1', 'Secret/p2')
            $again = $rs | Wait-KubeResource -Timeout 30
            $again.Outcome | Should -Be @('Satisfied', 'Satisfied')
            ('configmap/p1', 'secret/p2' | Wait-KubeResource -Namespace $script:Ns -Timeout 30).Outcome | Should -Be @('Satisfied', 'Satisfied')
        }
    }

    Context 'timeouts, bad input and cancellation' {
        It 'times out with KubeWaitTimeout naming what did not finish' {
            $r = Wait-KubeResource -Kind ConfigMap -Name never-there -Namespace $script:Ns -Timeout 1 -ErrorVariable err -ErrorAction SilentlyContinue
            $r.Outcome | Should -Be 'TimedOut'
            $r.Status | Should -Be 'NotFound'
            $err[0].FullyQualifiedErrorId | Should -BeLike 'KubeWaitTimeout,*'
            $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $err[0].ToString() | Should -BeLike "*ConfigMap $($script:Ns)/never-there*NotFound*"
        }

        It 'rejects <Case> before any wait with <ErrorId>' -ForEach @(
            @{ Case = 'a JsonPath that does not parse'; Params = @{ Kind = 'ConfigMap'; Name = 'x'; For = 'JsonPath={.status.conditions[?(@.type=="Ready"' }; ErrorId = 'KubeJsonPathInvalid' }
            @{ Case = 'an unknown -For'; Params = @{ Kind = 'ConfigMap'; Name = 'x'; For = 'Happy' }; ErrorId = 'KubeWaitInvalidArgument' }
            @{ Case = 'a negative timeout'; Params = @{ Kind = 'ConfigMap'; Name = 'x'; Timeout = -5 }; ErrorId = 'KubeWaitInvalidArgument' }
            @{ Case = 'an unknown kind'; Params = @{ Kind = 'Gizmo'; Name = 'x' }; ErrorId = 'KubeUnknownKind' }
        ) {
            $p = $Params
            { Wait-KubeResource @p -Namespace $script:Ns } | Should -Throw -ErrorId "$ErrorId,KubePS.Commands.WaitKubeResourceCommand"
        }

        It 'stops at once on Ctrl+C (PowerShell.Stop)' {
            $ps = [powershell]::Create([System.Management.Automation.RunspaceMode]::NewRunspace)
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Join-Path (Get-Module KubePS).ModuleBase 'KubePS.psd1')).AddStatement()
            $null = $ps.AddCommand('Wait-KubeResource').AddParameter('Kind', 'ConfigMap').AddParameter('Name', 'never-there').AddParameter('Namespace', $script:Ns).AddParameter('Kubeconfig', $script:Kubeconfig).AddParameter('Timeout', 600)
            $handle = $ps.BeginInvoke()
            $deadline = 0
            while ($ps.InvocationStateInfo.State -ne 'Running' -and $deadline++ -lt 100) { Start-Sleep -Milliseconds 50 }
            Start-Sleep -Milliseconds 1500
            $handle.IsCompleted | Should -BeFalse -Because 'the wait is still waiting'
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            # PowerShell sets the state a moment before it completes the async result: wait for it, bounded.
            $handle.AsyncWaitHandle.WaitOne(10000) | Should -BeTrue
            $handle.IsCompleted | Should -BeTrue
            $ps.Dispose()
        }
    }

    Context 'faults (local cluster fault injection)' -Skip:(-not $script:IsLocalCluster) {
        AfterEach { Clear-KubeTestFault }

        It 'completes with the right answer through <Case>' -ForEach @(
            @{ Case = 'dropped watches and 429/500 answers'; Faults = @{ watchDropAfterEvents = 2; errorRate = 0.3; errorCodes = @(429, 500); verbs = @('WATCH', 'LIST') }; Prefix = 'drop' }
            @{ Case = '410 Gone on every resume'; Faults = @{ watchResumeExpired = $true; watchDropAfterEvents = 1 }; Prefix = 'gone' }
        ) {
            $f = $Faults.Clone(); $f.pathPrefix = "/api/v1/namespaces/$($script:Ns)/configmaps"
            Set-KubeTestFault $f
            $names = 1..8 | ForEach-Object { "$Prefix-$_" }
            $kc = $script:Kubeconfig; $ns = $script:Ns
            $job = Start-ThreadJob { param($kc, $ns, $names) Start-Sleep -Milliseconds 300; foreach ($n in $names) { & kubectl --kubeconfig $kc -n $ns create configmap $n --from-literal=a=1 2>&1; Start-Sleep -Milliseconds 100 } } -ArgumentList $kc, $ns, $names
            $rs = Wait-KubeResource -Kind ConfigMap -Name $names -Namespace $ns -For Create -Timeout 120
            $job | Wait-Job | Remove-Job
            $rs | Should -HaveCount 8
            $rs.Outcome | Sort-Object -Unique | Should -Be 'Satisfied'
            # and deletion through the same faults
            $job = Start-ThreadJob { param($kc, $ns, $names) Start-Sleep -Milliseconds 300; foreach ($n in $names) { & kubectl --kubeconfig $kc -n $ns delete configmap $n 2>&1 } } -ArgumentList $kc, $ns, $names
            $rs = Wait-KubeResource -Kind ConfigMap -Name $names -Namespace $ns -For Delete -Timeout 120
            $job | Wait-Job | Remove-Job
            $rs.Outcome | Sort-Object -Unique | Should -Be 'Satisfied'
        }
    }
}
