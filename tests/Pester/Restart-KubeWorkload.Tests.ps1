BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kc = Initialize-KubeTestSuite
}

Describe 'Restart-KubeWorkload' -Tag Integration {
    BeforeAll {
        $script:Ns = New-KubeTestNamespace -Prefix 'restart'
        $null = kc create deployment web -n $script:Ns --image=nginx
    }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It '-WhatIf sends a dry run and leaves the template alone' {
        $r = Restart-KubeWorkload deploy web -Namespace $script:Ns -Kubeconfig $script:Kc -WhatIf
        $r.DryRun | Should -BeTrue
        $r.Object.Spec.Template.Metadata.Annotations['kubectl.kubernetes.io/restartedAt'] | Should -Not -BeNullOrEmpty
        kc get deployment web -n $script:Ns -o 'jsonpath={.spec.template.metadata.annotations}' | Should -Not -Match 'restartedAt'
    }

    It 'sets the restartedAt annotation of the pod template' {
        $r = Restart-KubeWorkload deploy web -Namespace $script:Ns -Kubeconfig $script:Kc
        $r.Action | Should -Be 'Restarted'
        $stamp = kc get deployment web -n $script:Ns -o 'jsonpath={.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}'
        [datetime]::Parse($stamp).ToUniversalTime() | Should -BeGreaterThan ([datetime]::UtcNow.AddMinutes(-5))
    }

    It 'rejects kinds that do not roll out pods' {
        $null = kc create configmap c -n $script:Ns --from-literal=k=v
        { Restart-KubeWorkload configmap c -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorAction Stop } | Should -Throw -ErrorId 'KubeUnsupportedKind,KubePS.Commands.RestartKubeWorkloadCommand'
    }
}
