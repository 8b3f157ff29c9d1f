BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kc = Initialize-KubeTestSuite
}

Describe 'New-KubeNamespace' -Tag Integration {
    BeforeEach { $script:Name = "newns-$([guid]::NewGuid().ToString('n').Substring(0, 8))" }
    AfterEach { Remove-KubeTestNamespace -Name $script:Name }

    It 'creates a namespace with labels' {
        $r = New-KubeNamespace $script:Name -Label @{ team = 'a' } -Kubeconfig $script:Kc
        $r.Action | Should -Be 'Created'
        $r.Kind | Should -Be 'Namespace'
        Invoke-KubeTestKubectl get namespace $script:Name '-o=jsonpath={.metadata.labels.team}' | Should -Be 'a'
    }

    It '-WhatIf sends a dry run and creates nothing' {
        $r = New-KubeNamespace $script:Name -Kubeconfig $script:Kc -WhatIf
        $r.DryRun | Should -BeTrue
        $r.Object.Metadata.Name | Should -Be $script:Name
        & kubectl --kubeconfig $script:Kc get namespace $script:Name 2>&1 | Out-Null
        $LASTEXITCODE | Should -Not -Be 0
    }

    It 'reports an existing namespace as KubeConflict' {
        $null = New-KubeNamespace $script:Name -Kubeconfig $script:Kc
        { New-KubeNamespace $script:Name -Kubeconfig $script:Kc -ErrorAction Stop } | Should -Throw -ErrorId 'KubeConflict,KubePS.Commands.NewKubeNamespaceCommand'
    }

    It 'reports an invalid name with the server''s cause' {
        $err = $null
        try { New-KubeNamespace 'Not_Valid' -Kubeconfig $script:Kc -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'KubeInvalid,*'
        $err.Exception.Message | Should -Match 'metadata.name'
    }
}
