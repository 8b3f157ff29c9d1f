# YAML and JSON conversion: offline, no cluster needed.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-KubeTestModule
    $script:Yaml = @'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  managedFields:
  - manager: kubectl
    operation: Apply
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env:
        - name: PORT
          value: "8080"
        - name: DEBUG
          value: "true"
---
apiVersion: kubeps.example.com/v1
kind: Gadget
metadata:
  name: g1
spec:
  size: 3
  tags: [a, b]
  note: "yes"
'@
}

Describe 'ConvertFrom-KubeYaml' -Tag Unit {
    It 'reads several documents, typed where the kind is known' {
        $objs = @($script:Yaml | ConvertFrom-KubeYaml)
        $objs.Count | Should -Be 2
        $objs[0].GetType().FullName | Should -Be 'k8s.Models.V1Deployment'
        $objs[0].Spec.Replicas | Should -Be 3
        $objs[0].Name | Should -Be 'web'
        $objs[1].PSObject.TypeNames[0] | Should -Be 'KubePS.Resource#kubeps.example.com/Gadget'
        $objs[1].spec.note | Should -BeOfType [string]
        $objs[1].spec.size | Should -Be 3
    }

    It 'joins lines piped one by one and reads files by -Path' {
        $file = Join-Path $TestDrive 'm.yaml'
        Set-Content $file $script:Yaml
        @(Get-Content $file | ConvertFrom-KubeYaml).Count | Should -Be 2
        @(ConvertFrom-KubeYaml -Path $file).Count | Should -Be 2
    }

    It 'names the document and line of a syntax error' {
        $bad = "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: a}`n---`napiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: [oops`n"
        $null = $bad | ConvertFrom-KubeYaml -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'KubeYamlInvalid*'
        "$($errs[0])" | Should -Match 'document 2'
        "$($errs[0])" | Should -Match 'line'
    }
}

Describe 'ConvertTo-KubeYaml' -Tag Unit {
    It 'round-trips typed and custom objects without losing or retyping fields' {
        $objs = @($script:Yaml | ConvertFrom-KubeYaml)
        $text = $objs | ConvertTo-KubeYaml -IncludeManagedFields
        $again = @($text | ConvertFrom-KubeYaml)
        ($again[0] | ConvertTo-KubeJson -Compress) | Should -Be ($objs[0] | ConvertTo-KubeJson -Compress)
        ($again[1] | ConvertTo-KubeJson -Compress) | Should -Be ($objs[1] | ConvertTo-KubeJson -Compress)
        $text | Should -Match "value: '8080'"
        $text | Should -Match "note: 'yes'"
    }

    It 'strips managedFields unless asked to keep them' {
        $obj = $script:Yaml | ConvertFrom-KubeYaml | Select-Object -First 1
        ($obj | ConvertTo-KubeYaml) | Should -Not -Match 'managedFields'
        ($obj | ConvertTo-KubeYaml -IncludeManagedFields) | Should -Match 'managedFields'
    }

    It 'writes hashtables as manifests' {
        $y = @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'app' }; data = @{ port = '8080' } } | ConvertTo-KubeYaml
        $back = $y | ConvertFrom-KubeYaml
        $back.GetType().FullName | Should -Be 'k8s.Models.V1ConfigMap'
        $back.Data['port'] | Should -Be '8080'
    }

    It 'writes one document per object, or one string each with -AsArray' {
        $objs = @($script:Yaml | ConvertFrom-KubeYaml)
        (($objs | ConvertTo-KubeYaml) -split "`n" | Where-Object { $_ -eq '---' }).Count | Should -Be 1
        @($objs | ConvertTo-KubeYaml -AsArray).Count | Should -Be 2
    }
}

Describe 'ConvertTo-KubeJson' -Tag Unit {
    It 'uses Kubernetes field names and wraps a list with -AsList' {
        $objs = @($script:Yaml | ConvertFrom-KubeYaml)
        $json = $objs[0] | ConvertTo-KubeJson | ConvertFrom-Json
        $json.apiVersion | Should -Be 'apps/v1'
        $json.spec.template.spec.containers[0].image | Should -Be 'nginx:1.27'
        $list = $objs | ConvertTo-KubeJson -AsList | ConvertFrom-Json
        $list.kind | Should -Be 'List'
        $list.items.Count | Should -Be 2
    }
}
