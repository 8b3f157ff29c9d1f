# Remove-KubeResource: by name, by selector, from files, from the pipeline; -WhatIf through the server's dry run;
# -Wait until gone; propagation; errors.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kc = Initialize-KubeTestSuite
}

Describe 'Remove-KubeResource' -Tag Integration {
    BeforeAll { $script:Ns = New-KubeTestNamespace -Prefix 'rm' }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It 'deletes by kind and name, and -WhatIf only asks the server' {
        $null = kc create configmap rm-one -n $script:Ns --from-literal=k=v
        $w = Remove-KubeResource cm rm-one -Namespace $script:Ns -Kubeconfig $script:Kc -WhatIf
        $w.Action | Should -Be 'Deleted'
        $w.DryRun | Should -BeTrue
        Test-KubeTestObject configmap rm-one $script:Ns | Should -BeTrue
        $r = Remove-KubeResource cm rm-one -Namespace $script:Ns -Kubeconfig $script:Kc
        $r.DryRun | Should -BeFalse
        Test-KubeTestObject configmap rm-one $script:Ns | Should -BeFalse
    }

    It '-WhatIf of a missing object is the server''s KubeNotFound' {
        { Remove-KubeResource cm not-there -Namespace $script:Ns -Kubeconfig $script:Kc -WhatIf -ErrorAction Stop } |
            Should -Throw -ErrorId 'KubeNotFound,KubePS.Commands.RemoveKubeResourceCommand'
        Remove-KubeResource cm not-there -Namespace $script:Ns -Kubeconfig $script:Kc -IgnoreNotFound | Should -BeNullOrEmpty
    }

    It 'deletes what Get-Kube* pipes in (Kind, Name, Namespace by property name)' {
        $null = kc create configmap rm-p1 -n $script:Ns --from-literal=k=v
        $null = kc create configmap rm-p2 -n $script:Ns --from-literal=k=v
        $r = @(Get-KubeConfigMap 'rm-p*' -Namespace $script:Ns -Kubeconfig $script:Kc | Remove-KubeResource -Kubeconfig $script:Kc)
        $r.Name | Sort-Object | Should -Be @('rm-p1', 'rm-p2')
        Test-KubeTestObject configmap rm-p1 $script:Ns | Should -BeFalse
        Test-KubeTestObject configmap rm-p2 $script:Ns | Should -BeFalse
    }

    It 'deletes by selector (confirmed with -Confirm:$false) and leaves the rest' {
        $null = kc create configmap rm-s1 -n $script:Ns --from-literal=k=v
        $null = kc create configmap rm-s2 -n $script:Ns --from-literal=k=v
        $null = kc create configmap rm-keep -n $script:Ns --from-literal=k=v
        $null = kc label configmap rm-s1 rm-s2 -n $script:Ns group=doomed
        $r = @(Remove-KubeResource cm -Selector group=doomed -Namespace $script:Ns -Kubeconfig $script:Kc -Confirm:$false)
        $r.Name | Sort-Object | Should -Be @('rm-s1', 'rm-s2')
        Test-KubeTestObject configmap rm-keep $script:Ns | Should -BeTrue
        Test-KubeTestObject configmap rm-s1 $script:Ns | Should -BeFalse
    }

    It 'asks for confirmation of a selector delete (ConfirmImpact High), so a non-interactive session deletes nothing' {
        $null = kc create configmap rm-ask -n $script:Ns --from-literal=k=v
        $null = kc label configmap rm-ask -n $script:Ns group=ask
        { Remove-KubeResource cm -Selector group=ask -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorAction Stop } | Should -Throw
        Test-KubeTestObject configmap rm-ask $script:Ns | Should -BeTrue
    }

    It 'deletes the objects of manifest files' {
        $file = Join-Path $TestDrive 'objs.yaml'
        [IO.File]::WriteAllText($file, "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: rm-f1`n---`napiVersion: v1`nkind: Secret`nmetadata:`n  name: rm-f2`nstringData:`n  a: b`n")
        $null = Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc
        $r = @(Remove-KubeResource -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc)
        $r.Kind | Sort-Object | Should -Be @('ConfigMap', 'Secret')
        Test-KubeTestObject configmap rm-f1 $script:Ns | Should -BeFalse
        Test-KubeTestObject secret rm-f2 $script:Ns | Should -BeFalse
    }

    It 'waits until an object with a finalizer is gone (-Wait), and times out with KubeTimeout' {
        $null = kc create configmap rm-fin -n $script:Ns --from-literal=k=v
        $null = kc patch configmap rm-fin -n $script:Ns --type merge -p '{"metadata":{"finalizers":["example.com/hold"]}}'
        { Remove-KubeResource cm rm-fin -Namespace $script:Ns -Kubeconfig $script:Kc -Wait -Timeout 2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'KubeTimeout,KubePS.Commands.RemoveKubeResourceCommand'
        Test-KubeTestObject configmap rm-fin $script:Ns | Should -BeTrue
        # Release the finalizer a moment after the delete starts waiting.
        $job = Start-ThreadJob -ScriptBlock {
            param($kc, $ns)
            Start-Sleep -Milliseconds 800
            & kubectl --kubeconfig $kc patch configmap rm-fin -n $ns --type merge -p '{"metadata":{"finalizers":null}}' 2>&1
        } -ArgumentList $script:Kc, $script:Ns
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = Remove-KubeResource cm rm-fin -Namespace $script:Ns -Kubeconfig $script:Kc -Wait -Timeout 30
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 20
        $r.Action | Should -Be 'Deleted'
        $null = $job | Wait-Job | Receive-Job
        Test-KubeTestObject configmap rm-fin $script:Ns | Should -BeFalse
    }

    It 'passes the propagation policy (Orphan keeps dependents, Background deletes them)' {
        foreach ($case in @(@{ Policy = 'Orphan'; Kept = $true }, @{ Policy = 'Background'; Kept = $false })) {
            $owner = "rm-owner-$($case.Policy.ToLower())"
            $dep = "rm-dep-$($case.Policy.ToLower())"
            $null = kc create configmap $owner -n $script:Ns --from-literal=k=v
            $uid = kc get configmap $owner -n $script:Ns -o 'jsonpath={.metadata.uid}'
            $obj = @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = $dep; ownerReferences = @(@{ apiVersion = 'v1'; kind = 'ConfigMap'; name = $owner; uid = $uid }) }; data = @{ k = 'v' } }
            $null = $obj | Invoke-KubeApply -Namespace $script:Ns -Kubeconfig $script:Kc
            $null = Remove-KubeResource cm $owner -Namespace $script:Ns -Kubeconfig $script:Kc -Propagation $case.Policy -Wait
            $deadline = (Get-Date).AddSeconds(10)
            while ((Test-KubeTestObject configmap $dep $script:Ns) -and -not $case.Kept -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
            Test-KubeTestObject configmap $dep $script:Ns | Should -Be $case.Kept -Because "propagation $($case.Policy)"
        }
    }

    It 'rejects an unknown propagation policy before sending anything' {
        { Remove-KubeResource cm x -Namespace $script:Ns -Kubeconfig $script:Kc -Propagation Sideways } | Should -Throw -ErrorId 'ParameterArgumentValidationError,KubePS.Commands.RemoveKubeResourceCommand'
    }

    It 'deletes a namespace with -Confirm:$false and waits until it is gone' {
        $ns2 = New-KubeTestNamespace -Prefix 'rmns'
        $r = Remove-KubeResource namespace $ns2 -Kubeconfig $script:Kc -Confirm:$false -Wait -Timeout 60
        $r.Kind | Should -Be 'Namespace'
        Test-KubeTestObject namespace $ns2 | Should -BeFalse
    }
}
