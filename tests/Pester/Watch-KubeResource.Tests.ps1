# Watch-KubeResource and Watch-KubeEvent: change objects (Added/Modified/Deleted, the object, the time), -Name, -Selector,
# -ChangesOnly, -Count and -Timeout, and (on the local cluster, through its fault injection) dropped watches and 410 Gone
# on every resume: every change arrives once, in order, and no change is invented.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    # Fault injection is an admin endpoint of the project's local cluster; a real cluster has none.
    $script:IsLocalCluster = Test-KubeTestIsLocalCluster
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kubeconfig = Initialize-KubeTestSuite
    $PSDefaultParameterValues = @{ '*-Kube*:Kubeconfig' = $script:Kubeconfig }
    $script:Ns = New-KubeTestNamespace -Prefix watch

    function script:Invoke-Later {
        # Runs kubectl commands in the background after the watch has started (the watch must see them as events).
        param([string[][]] $Commands, [int] $DelayMs = 800, [int] $GapMs = 100)
        $kc = $script:Kubeconfig
        Start-ThreadJob -ScriptBlock {
            param($kc, $cmds, $d, $gap)
            Start-Sleep -Milliseconds $d
            foreach ($a in $cmds) { & kubectl --kubeconfig $kc @a 2>&1; Start-Sleep -Milliseconds $gap }
        } -ArgumentList $kc, $Commands, $DelayMs, $GapMs
    }
}

AfterAll {
    Remove-KubeTestNamespace $script:Ns
}

Describe 'Watch-KubeResource' -Tag Integration {
    It 'reports existing objects as Added, then changes, as typed change objects' {
        $ns = $script:Ns
        $null = Invoke-KubeTestKubectl -n $ns create configmap pre --from-literal=a=1
        $job = Invoke-Later @(
            , @('-n', $ns, 'create', 'configmap', 'c1', '--from-literal=a=1')
            , @('-n', $ns, 'patch', 'configmap', 'c1', '--type=merge', '-p', '{"data":{"a":"2"}}')
            , @('-n', $ns, 'delete', 'configmap', 'c1')
        )
        $changes = Watch-KubeResource -Kind ConfigMap -Namespace $ns -Name 'c1', 'pre' -Count 4 -Timeout 60s
        $job | Wait-Job | Remove-Job
        $changes | Should -HaveCount 4
        $changes[0].PSTypeNames | Should -Contain 'KubePS.Output.KubeResourceChange'
        $seen = $changes | ForEach-Object { "$($_.Type) $($_.Name)" }
        # c1 may be created before or after the first list: either way both are Added first, then c1 changes in order
        ($seen[0..1] | Sort-Object) | Should -Be @('Added c1', 'Added pre')
        $seen[2..3] | Should -Be @('Modified c1', 'Deleted c1')
        $changes[0].Object.psobject.BaseObject.GetType().Name | Should -Be 'V1ConfigMap'
        $changes[2].Name | Should -Be 'c1'
        $changes[2].Object.Data['a'] | Should -Be '2'
        $changes | ForEach-Object { $_.Time | Should -BeOfType ([datetimeoffset]) }
        $changes[0].Kind | Should -Be 'ConfigMap'
    }

    It 'with -ChangesOnly leaves out what already exists, and filters by -Selector' {
        $ns = $script:Ns
        $job = Invoke-Later @(
            , @('-n', $ns, 'create', 'configmap', 'sel-a', '--from-literal=a=1')
            , @('-n', $ns, 'label', 'configmap', 'sel-a', 'tier=front')
            , @('-n', $ns, 'create', 'configmap', 'sel-b', '--from-literal=a=1')
            , @('-n', $ns, 'label', 'configmap', 'sel-b', 'tier=back')
        )
        $changes = Watch-KubeResource ConfigMap -Namespace $ns -Selector tier=back -ChangesOnly -Count 1 -Timeout 60s
        $job | Wait-Job | Remove-Job
        $changes | Should -HaveCount 1
        $changes[0].Name | Should -Be 'sel-b'
        $changes[0].Object.Metadata.Labels['tier'] | Should -Be 'back'
    }

    It 'stops at -Timeout without an error' {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $changes = Watch-KubeResource Secret -Namespace $script:Ns -Name nothing-here -Timeout 2s -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $changes | Should -BeNullOrEmpty
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 60
    }

    It 'reports an unknown kind as KubeUnknownKind' {
        { Watch-KubeResource -Kind NoSuchKind -Timeout 5s -ErrorAction Stop } | Should -Throw -ErrorId 'KubeUnknownKind*'
    }

    Context 'dropped watches and 410 Gone (local cluster fault injection)' -Skip:(-not $script:IsLocalCluster) {
        AfterEach { Clear-KubeTestFault }

        It 'emits every real change once and no invented ones through <Case>' -ForEach @(
            @{ Case = 'watches dropped every 2 events and 500/429 answers to watch requests'; Faults = @{ watchDropAfterEvents = 2; errorRate = 0.3; errorCodes = @(500, 429); retryAfterSeconds = 0; verbs = @('WATCH') }; Prefix = 'drop' }
            @{ Case = '410 Gone on every resume'; Faults = @{ watchResumeExpired = $true; watchDropAfterEvents = 1 }; Prefix = 'gone' }
        ) {
            $ns = $script:Ns
            $f = $Faults.Clone(); $f.pathPrefix = "/api/v1/namespaces/$ns/configmaps"
            # objects that exist before the watch and never change: a re-list must not report them again
            foreach ($i in 1..3) { $null = Invoke-KubeTestKubectl -n $ns create configmap "$Prefix-still-$i" --from-literal=a=1 }
            Set-KubeTestFault $f
            $cmds = foreach ($i in 1..6) {
                , @('-n', $ns, 'create', 'configmap', "$Prefix-$i", '--from-literal=v=0')
                , @('-n', $ns, 'patch', 'configmap', "$Prefix-$i", '--type=merge', '-p', '{"data":{"v":"1"}}')
            }
            $cmds += , @('-n', $ns, 'delete', 'configmap', "$Prefix-1")
            $cmds += , @('-n', $ns, 'create', 'configmap', "$Prefix-end", '--from-literal=v=0')
            $job = Invoke-Later $cmds -GapMs 250
            $all = [System.Collections.Generic.List[object]]::new()
            # collect until the final state is complete (a re-list reports its differences in no particular order);
            # Select-Object -First stops the watch
            $state = @{}
            $null = Watch-KubeResource ConfigMap -Namespace $ns -ChangesOnly -Timeout 90s | Where-Object {
                if ($_.Name -like "$Prefix-*") { $all.Add($_); $state[$_.Name] = if ($_.Type -eq 'Deleted') { 'deleted' } else { $_.Object.Data['v'] } }
                $done = $state["$Prefix-1"] -eq 'deleted' -and $state.ContainsKey("$Prefix-end")
                foreach ($i in 2..6) { $done = $done -and $state["$Prefix-$i"] -eq '1' }
                $done
            } | Select-Object -First 1
            $job | Wait-Job | Remove-Job
            $seen = $all | ForEach-Object { "$($_.Type) $($_.Name)" }
            $seen | Where-Object { $_ -like '* *-still-*' } | Should -BeNullOrEmpty -Because 're-lists must not report unchanged objects'
            foreach ($i in 1..6) {
                $mine = @($all | Where-Object Name -eq "$Prefix-$i")
                # a create and a patch close together may be merged into one Added by a re-list (the state is the same), never repeated
                ($mine | Where-Object Type -eq 'Added') | Should -HaveCount 1 -Because "$Prefix-$i was created once"
                @($mine | Where-Object Type -eq 'Modified').Count | Should -BeLessOrEqual 1
                $last = $mine | Where-Object Type -ne 'Deleted' | Select-Object -Last 1
                $last.Object.Data['v'] | Should -Be '1' -Because 'the final state of each object arrives'
            }
            @($all | Where-Object { $_.Type -eq 'Deleted' } | ForEach-Object Name) | Should -Be @("$Prefix-1")
        }
    }
}

Describe 'Watch-KubeEvent' -Tag Integration {
    It 'streams new events with the Get-KubeEvent filters' {
        $ns = $script:Ns
        $job = Invoke-Later @(, @('-n', $ns, 'run', 'ev-pod', '--image=busybox', '--restart=Never', '--', 'sleep', '3600')) -DelayMs 1000
        $events = Watch-KubeEvent -Namespace $ns -ChangesOnly -Count 2 -Timeout 90s
        $job | Wait-Job | Remove-Job
        $events | Should -HaveCount 2
        $events[0].psobject.BaseObject.GetType().Name | Should -Be 'Corev1Event'
        $events.InvolvedObject.Name | Should -Contain 'ev-pod'
    }

    It 'filters by -For an object, -Type and -Reason, and includes existing events unless -ChangesOnly' {
        $ns = $script:Ns
        $null = Invoke-KubeTestKubectl -n $ns wait --for=condition=Ready pod/ev-pod --timeout=120s
        $pod = Get-KubePod ev-pod -Namespace $ns
        $events = Watch-KubeEvent -For $pod -Type Normal -Timeout 3s
        $events | Should -Not -BeNullOrEmpty
        $events | ForEach-Object { $_.InvolvedObject.Name | Should -Be 'ev-pod'; $_.Type | Should -Be 'Normal' }
        $none = Watch-KubeEvent -Namespace $ns -Reason 'NoSuchReason*' -Timeout 2s
        $none | Should -BeNullOrEmpty
        $recent = Get-KubeEvent -Namespace $ns -Since 10m
        $recent | Should -Not -BeNullOrEmpty
    }
}
