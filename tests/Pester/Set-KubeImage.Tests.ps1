BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kc = Initialize-KubeTestSuite
}

Describe 'Set-KubeImage' -Tag Integration {
    BeforeAll {
        $script:Ns = New-KubeTestNamespace -Prefix 'image'
        $file = Join-Path $TestDrive 'web.yaml'
        [IO.File]::WriteAllText($file, @"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers: [{name: init, image: busybox:1.36}]
      containers: [{name: web, image: nginx:1.25}, {name: side, image: envoy:1.0}]
"@)
        $null = Invoke-KubeApply -Path $file -Namespace $script:Ns -Kubeconfig $script:Kc
    }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It 'updates one container by name and leaves the others' {
        $r = Set-KubeImage deploy web web=nginx:1.27 -Namespace $script:Ns -Kubeconfig $script:Kc
        $r.Action | Should -Be 'ImageUpdated'
        kc get deployment web -n $script:Ns -o 'jsonpath={.spec.template.spec.containers[*].image}' | Should -Be 'nginx:1.27 envoy:1.0'
    }

    It 'updates init containers too' {
        $null = Set-KubeImage deploy web init=busybox:1.37 -Namespace $script:Ns -Kubeconfig $script:Kc
        kc get deployment web -n $script:Ns -o 'jsonpath={.spec.template.spec.initContainers[0].image}' | Should -Be 'busybox:1.37'
    }

    It '-WhatIf sends a dry run and changes nothing' {
        $r = Set-KubeImage deploy web side=envoy:2.0 -Namespace $script:Ns -Kubeconfig $script:Kc -WhatIf
        $r.DryRun | Should -BeTrue
        $r.Object.Spec.Template.Spec.Containers[1].Image | Should -Be 'envoy:2.0'
        kc get deployment web -n $script:Ns -o 'jsonpath={.spec.template.spec.containers[1].image}' | Should -Be 'envoy:1.0'
    }

    It 'names the containers when one does not exist' {
        $err = $null
        try { Set-KubeImage deploy web nope=x:1 -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'KubeNotFound,*'
        $err.Exception.Message | Should -Match "its containers are: web, side, init"
    }

    It 'rejects kinds without a pod template' {
        $null = kc create configmap c -n $script:Ns --from-literal=k=v
        { Set-KubeImage cm c x=y:1 -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorAction Stop } | Should -Throw -ErrorId 'KubeUnsupportedKind,KubePS.Commands.SetKubeImageCommand'
    }
}
