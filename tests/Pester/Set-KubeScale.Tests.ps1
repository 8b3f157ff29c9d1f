BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kc = Initialize-KubeTestSuite
}

Describe 'Set-KubeScale' -Tag Integration {
    BeforeAll {
        $script:Ns = New-KubeTestNamespace -Prefix 'scale'
        $null = kc create deployment web -n $script:Ns --image=nginx --replicas=1
    }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It 'sets replicas through the scale subresource' {
        $r = Set-KubeScale deploy web -Replicas 3 -Namespace $script:Ns -Kubeconfig $script:Kc
        $r.Action | Should -Be 'Scaled'
        $r.DryRun | Should -BeFalse
        kc get deployment web -n $script:Ns -o 'jsonpath={.spec.replicas}' | Should -Be '3'
    }

    It '-WhatIf sends a dry run and changes nothing' {
        $r = Set-KubeScale deploy web 7 -Namespace $script:Ns -Kubeconfig $script:Kc -WhatIf
        $r.DryRun | Should -BeTrue
        $r.Object.Spec.Replicas | Should -Be 7
        kc get deployment web -n $script:Ns -o 'jsonpath={.spec.replicas}' | Should -Be '3'
    }

    It 'scales what Get-KubeDeployment pipes in' {
        Get-KubeDeployment web -Namespace $script:Ns -Kubeconfig $script:Kc | Set-KubeScale -Replicas 0 -Kubeconfig $script:Kc | Out-Null
        kc get deployment web -n $script:Ns -o 'jsonpath={.spec.replicas}' | Should -Be '0'
    }

    It 'reports a kind without a scale subresource as KubeUnsupportedKind' {
        $null = kc create configmap plain -n $script:Ns --from-literal=k=v
        { Set-KubeScale cm plain 2 -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorAction Stop } | Should -Throw -ErrorId 'KubeUnsupportedKind,KubePS.Commands.SetKubeScaleCommand'
    }

    It 'reports a missing object as KubeNotFound' {
        { Set-KubeScale deploy nope 2 -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorAction Stop } | Should -Throw -ErrorId 'KubeNotFound,KubePS.Commands.SetKubeScaleCommand'
    }
}
