BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-KubeTestModule
    $script:Kc = Get-KubeTestKubeconfig
    function kc {
        $out = & kubectl --kubeconfig $script:Kc @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "kubectl $args failed: $out" }
        $out
    }
    function Get-Map { (kc get configmap c -n $script:Ns -o 'jsonpath={.metadata.annotations}' | ConvertFrom-Json -AsHashtable) }
}

Describe 'Set-KubeAnnotation' -Tag Integration {
    BeforeAll {
        $script:Ns = New-KubeTestNamespace -Prefix 'annotation'
        $null = kc create configmap c -n $script:Ns --from-literal=k=v
    }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It 'adds keys' {
        $r = Set-KubeAnnotation cm c 'tier=front', 'example.com/team=a' -Namespace $script:Ns -Kubeconfig $script:Kc
        $r.Action | Should -Be 'Annotated'
        (Get-Map)['tier'] | Should -Be 'front'
        (Get-Map)['example.com/team'] | Should -Be 'a'
    }

    It 'refuses to change a value without -Overwrite (KubeOverwriteRequired), as kubectl' {
        { Set-KubeAnnotation cm c tier=back -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorAction Stop } | Should -Throw -ErrorId 'KubeOverwriteRequired,KubePS.Commands.SetKubeAnnotationCommand'
        (Get-Map)['tier'] | Should -Be 'front'
        $null = Set-KubeAnnotation cm c tier=back -Overwrite -Namespace $script:Ns -Kubeconfig $script:Kc
        (Get-Map)['tier'] | Should -Be 'back'
    }

    It '-WhatIf sends a dry run and changes nothing' {
        $r = Set-KubeAnnotation cm c new=1 -Namespace $script:Ns -Kubeconfig $script:Kc -WhatIf
        $r.DryRun | Should -BeTrue
        $r.Object.Metadata.Annotations['new'] | Should -Be '1'
        (Get-Map).ContainsKey('new') | Should -BeFalse
    }

    It 'removes keys with key-' {
        $null = Set-KubeAnnotation cm c 'tier-' -Namespace $script:Ns -Kubeconfig $script:Kc
        (Get-Map).ContainsKey('tier') | Should -BeFalse
        (Get-Map)['example.com/team'] | Should -Be 'a'
    }

    It 'works on objects piped from Get-Kube*' {
        Get-KubeConfigMap c -Namespace $script:Ns -Kubeconfig $script:Kc | Set-KubeAnnotation -Annotation piped=yes -Kubeconfig $script:Kc | Out-Null
        (Get-Map)['piped'] | Should -Be 'yes'
    }

    It 'rejects a malformed edit before sending anything' {
        { Set-KubeAnnotation cm c 'no equals' -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorAction Stop } | Should -Throw -ErrorId 'KubeBadRequest,KubePS.Commands.SetKubeAnnotationCommand'
    }
}
