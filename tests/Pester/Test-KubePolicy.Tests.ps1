# Test-KubePolicy (offline) and policy enforcement in every mutating cmdlet: a deny sends nothing (checked with
# kubectl), warn goes ahead with a warning, mutate changes the object (visible with -WhatIf and Compare-KubeResource).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-KubeTestModule
    $script:Sample = Join-Path (Get-KubeTestRepoRoot) 'docs/examples/policy/kubeps-policy.yaml'
    function Write-TestFile([string] $Name, [string] $Text) {
        $p = Join-Path $TestDrive $Name
        Set-Content -LiteralPath $p -Value $Text
        $p
    }
}

Describe 'Test-KubePolicy' -Tag Unit {
    BeforeAll {
        $script:Manifests = Write-TestFile 'manifests.yaml' @'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, annotations: {example.com/owner: me}}
spec:
  replicas: 30
  template:
    spec:
      hostNetwork: true
      hostPID: true
      volumes: [{name: etc, hostPath: {path: /etc}}]
      containers:
      - name: web
        image: nginx
        securityContext: {privileged: true}
      - name: side
        image: quay.io/other/side:1.0
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  ports: [{port: 80}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admins}
'@
    }

    It 'returns one result per object and rule' {
        $r = Test-KubePolicy -Path $script:Manifests -PolicyPath $script:Sample
        $ruleCount = @(Select-String -LiteralPath $script:Sample -Pattern '^\s+- name:').Count
        $r.Count | Should -Be (3 * $ruleCount)
        $r[0].PSObject.TypeNames[0] | Should -Be 'KubePS.PolicyResult'
        ($r | Group-Object Kind).Count | Should -Be 3
    }

    It 'names the rule, verdict and path for every built-in rule type' {
        $r = Test-KubePolicy -Path $script:Manifests -PolicyPath $script:Sample -Context prod-eu
        $d = $r | Where-Object Kind -eq Deployment
        function V($rule) { ($d | Where-Object Rule -eq $rule) }
        (V 'prod-namespaces').Verdict | Should -Be 'Pass'
        (V 'prod-namespaces').Applies | Should -BeTrue
        $other = @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'c'; namespace = 'billing' } } | Test-KubePolicy -PolicyPath $script:Sample -Context prod-eu
        ($other | Where-Object Rule -eq 'prod-namespaces').Verdict | Should -Be 'Deny'
        ($other | Where-Object Rule -eq 'prod-namespaces').Path | Should -Be 'metadata.namespace'
        (V 'deployment-replicas').Verdict | Should -Be 'Deny'
        (V 'deployment-replicas').Path | Should -Be 'spec.replicas'
        (V 'team-label').Verdict | Should -Be 'Mutate'
        (V 'team-label').Object.metadata.labels.team | Should -Be 'platform'
        (V 'owner-annotation').Verdict | Should -Be 'Pass'
        (V 'registries').Verdict | Should -Be 'Deny'
        (V 'registries').Message | Should -Match 'quay.io/other/side:1.0'
        (V 'registries').Path | Should -Be 'spec.template.spec.containers[1].image'
        (V 'no-latest').Verdict | Should -Be 'Deny'
        (V 'no-latest').Path | Should -Be 'spec.template.spec.containers[0].image'
        (V 'resources').Verdict | Should -Be 'Warn'
        (V 'no-privileged').Verdict | Should -Be 'Deny'
        (V 'no-privileged').Path | Should -Be 'spec.template.spec.containers[0].securityContext.privileged'
        (V 'no-host-network').Verdict | Should -Be 'Deny'
        (V 'no-host-pid').Verdict | Should -Be 'Deny'
        (V 'no-host-path').Verdict | Should -Be 'Deny'
        (V 'no-host-path').Path | Should -Be 'spec.template.spec.volumes[0].hostPath'
        (V 'non-root').Verdict | Should -Be 'Mutate'
        ($r | Where-Object { $_.Kind -eq 'ClusterRoleBinding' -and $_.Rule -eq 'no-cluster-rbac' }).Verdict | Should -Be 'Deny'
        $svc = $r | Where-Object Kind -eq Service
        ($svc | Where-Object Rule -eq 'service-port-names').Verdict | Should -Be 'Warn'
        ($svc | Where-Object Rule -eq 'no-nodeport-in-prod').Verdict | Should -Be 'Deny'
    }

    It 'selects rules by context and verb' {
        $dev = Test-KubePolicy -Path $script:Manifests -PolicyPath $script:Sample -Context dev
        ($dev | Where-Object { $_.Rule -eq 'prod-namespaces' -and $_.Kind -eq 'Deployment' }).Applies | Should -BeFalse
        $del = Test-KubePolicy -Path $script:Manifests -PolicyPath $script:Sample -Verb delete
        ($del | Where-Object { $_.Rule -eq 'no-cluster-rbac' -and $_.Kind -eq 'ClusterRoleBinding' }).Verdict | Should -Be 'Pass'
    }

    It '-Failed keeps the non-Pass results and -PassThru writes the mutated objects' {
        $f = Test-KubePolicy -Path $script:Manifests -PolicyPath $script:Sample -Failed
        $f.Verdict | Should -Not -Contain 'Pass'
        $objs = Test-KubePolicy -Path $script:Manifests -PolicyPath $script:Sample -PassThru
        $objs.Count | Should -Be 3
        $objs[0].metadata.labels.team | Should -Be 'platform'
        $objs[0].spec.template.spec.securityContext.runAsNonRoot | Should -BeTrue
    }

    It 'checks piped objects and uses $env:KUBEPS_POLICY' {
        $env:KUBEPS_POLICY = $script:Sample
        try {
            $r = @{ apiVersion = 'v1'; kind = 'Pod'; metadata = @{ name = 'p' }; spec = @{ containers = @(@{ name = 'c'; image = 'nginx:latest' }) } } | Test-KubePolicy
            ($r | Where-Object Rule -eq 'no-latest').Verdict | Should -Be 'Deny'
            ($r | Where-Object Rule -eq 'no-latest').Namespace | Should -Be 'default'
        }
        finally { Remove-Item Env:KUBEPS_POLICY }
    }

    It 'evaluates CEL rules with has(), exists() and string functions' {
        $p = Write-TestFile 'cel.yaml' @'
rules:
  - name: small
    type: cel
    expression: "object.spec.replicas <= 5"
  - name: labelled
    type: cel
    expression: "has(object.metadata.labels) && object.metadata.labels.exists(k, k == 'app')"
  - name: lower
    type: cel
    severity: warn
    expression: "object.metadata.name == object.metadata.name.lowerAscii() && object.metadata.name.startsWith('web')"
'@
        $r = @{ apiVersion = 'apps/v1'; kind = 'Deployment'; metadata = @{ name = 'Web'; labels = @{ app = 'x' } }; spec = @{ replicas = 7 } } | Test-KubePolicy -PolicyPath $p
        ($r | Where-Object Rule -eq small).Verdict | Should -Be 'Deny'
        ($r | Where-Object Rule -eq labelled).Verdict | Should -Be 'Pass'
        ($r | Where-Object Rule -eq lower).Verdict | Should -Be 'Warn'
    }

    It 'reports a policy that does not parse with the file and line' {
        $p = Write-TestFile 'broken.yaml' "rules:`n  - name: a`n    type: forbidPrivileged`n  - {name: b, type: forbidHostPID"
        { Test-KubePolicy -Path $script:Manifests -PolicyPath $p -ErrorAction Stop } | Should -Throw -ErrorId 'KubePolicyInvalid,KubePS.Commands.TestKubePolicyCommand'
        { Test-KubePolicy -Path $script:Manifests -PolicyPath $p } | Should -Throw '*broken.yaml, line*'
    }

    It 'reports an unknown rule type with the file and line' {
        $p = Write-TestFile 'unknown.yaml' "rules:`n  - name: a`n    type: forbidPrivileged`n  - name: b`n    type: forbidEverything"
        $err = { Test-KubePolicy -Path $script:Manifests -PolicyPath $p } | Should -Throw -ErrorId 'KubePolicyInvalid,KubePS.Commands.TestKubePolicyCommand' -PassThru
        $err.Exception.Message | Should -Match 'unknown\.yaml, line 5: unknown rule type forbidEverything'
    }

    It 'reports a CEL expression that does not compile with the expression and column' {
        $p = Write-TestFile 'badcel.yaml' "rules:`n  - name: c`n    type: cel`n    expression: `"object.spec.replicas <= `""
        $err = { Test-KubePolicy -Path $script:Manifests -PolicyPath $p } | Should -Throw -ErrorId 'KubePolicyExpressionInvalid,KubePS.Commands.TestKubePolicyCommand' -PassThru
        $err.Exception.Message | Should -Match 'column 25'
        $err.Exception.Message | Should -Match ([regex]::Escape('object.spec.replicas <='))
        $p2 = Write-TestFile 'badfn.yaml' "rules:`n  - name: c`n    type: cel`n    expression: `"object.metadata.name.shout() == 'A'`""
        { Test-KubePolicy -Path $script:Manifests -PolicyPath $p2 } | Should -Throw '*unknown function shout*'
    }

    It 'needs a policy' {
        { Test-KubePolicy -Path $script:Manifests } | Should -Throw -ErrorId 'KubePolicyNotFound,KubePS.Commands.TestKubePolicyCommand'
        { Test-KubePolicy -Path $script:Manifests -PolicyPath (Join-Path $TestDrive 'nope.yaml') } | Should -Throw -ErrorId 'KubePolicyNotFound,KubePS.Commands.TestKubePolicyCommand'
    }
}

Describe 'Policy enforcement in the mutating cmdlets' -Tag Integration {
    BeforeAll {
        $script:Kc = Get-KubeTestKubeconfig
        $script:Ns = New-KubeTestNamespace -Prefix 'kpol'
        $env:KUBEPS_AUDIT_PATH = Join-Path $TestDrive 'audit.jsonl'
        $script:Policy = Write-TestFile 'enforce.yaml' @"
apiVersion: kubeps.io/v1
kind: Policy
rules:
  - {name: max-replicas, type: replicaRange, max: 5}
  - {name: no-latest, type: forbidLatestTag}
  - {name: team, type: requiredLabels, severity: mutate, labels: {team: platform}}
  - {name: owner, type: requiredAnnotations, severity: warn, annotations: [owner], match: {kinds: [ConfigMap]}}
  - {name: no-crb, type: forbiddenKinds, kinds: [ClusterRoleBinding]}
  - {name: namespaces, type: allowedNamespaces, namespaces: ['kpol-*']}
  - {name: protected, type: cel, partial: true, match: {verbs: [delete, restart]}, expression: "!request.name.startsWith('protected')"}
  - {name: frozen-label, type: cel, partial: true, match: {verbs: [label]}, expression: "!has(object.metadata.labels) || !('frozen' in object.metadata.labels)"}
  - {name: frozen-annotation, type: cel, partial: true, match: {verbs: [annotate]}, expression: "!has(object.metadata.annotations) || !('frozen' in object.metadata.annotations)"}
"@
        $script:Common = @{ Kubeconfig = $script:Kc; Namespace = $script:Ns; PolicyPath = $script:Policy }
        $null = kc create deployment web -n $script:Ns --image=nginx:1.27 --replicas=1
        $null = kc create deployment protected-web -n $script:Ns --image=nginx:1.27 --replicas=1
        function Get-Denials { Get-KubeAuditLog -Outcome Denied }
    }
    AfterAll {
        Remove-KubeTestNamespace -Name $script:Ns
        Remove-Item Env:KUBEPS_AUDIT_PATH -ErrorAction SilentlyContinue
    }

    Context 'Invoke-KubeApply' {
        It 'deny: a terminating error naming each rule and object, nothing sent, the denial audited' {
            $m = Write-TestFile 'deny.yaml' @"
apiVersion: v1
kind: ConfigMap
metadata: {name: fine, annotations: {owner: me}}
data: {k: v}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: bad}
spec:
  replicas: 9
  selector: {matchLabels: {app: bad}}
  template:
    metadata: {labels: {app: bad}}
    spec:
      containers: [{name: c, image: 'nginx:latest'}]
"@
            $err = { Invoke-KubeApply -Path $m @script:Common } | Should -Throw -ErrorId 'KubePolicyDenied,KubePS.Commands.InvokeKubeApplyCommand' -PassThru
            $err.Exception.Message | Should -Match "Deployment/$($script:Ns)/bad.*max-replicas"
            $err.Exception.Message | Should -Match 'no-latest'
            $err.Exception.Message | Should -Match 'nothing was sent'
            kc get 'configmaps,deployments' -n $script:Ns -o name | Should -Not -Contain 'configmap/fine'
            kc get deployments -n $script:Ns -o name | Should -Not -Contain 'deployment.apps/bad'
            $denied = Get-KubeAuditLog -Verb apply -Outcome Denied
            $denied.Name | Should -Contain 'bad'
            ($denied | Where-Object Name -eq bad).Verdicts.Rule | Should -Contain 'max-replicas'
        }

        It 'warn: a warning, and the change goes ahead' {
            $m = Write-TestFile 'warn.yaml' "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: unowned}`ndata: {k: v}"
            $r = Invoke-KubeApply -Path $m @script:Common -WarningVariable w -WarningAction SilentlyContinue
            $r.Action | Should -Be 'Created'
            ($w -join "`n") | Should -Match 'owner.*annotation owner is required'
            kc get configmap unowned -n $script:Ns -o name | Should -Be 'configmap/unowned'
        }

        It 'mutate: the change is in the -WhatIf dry run, then in the cluster' {
            $m = Write-TestFile 'mutate.yaml' "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: labelled, annotations: {owner: me}}`ndata: {k: v}"
            $r = Invoke-KubeApply -Path $m @script:Common -WhatIf -WarningVariable w -WarningAction SilentlyContinue
            $r.DryRun | Should -BeTrue
            $r.Object.Metadata.Labels['team'] | Should -Be 'platform'
            ($w -join "`n") | Should -Match 'team changed .*added label team=platform'
            { kc get configmap labelled -n $script:Ns } | Should -Throw
            Invoke-KubeApply -Path $m @script:Common | Out-Null
            kc get configmap labelled -n $script:Ns -o 'jsonpath={.metadata.labels.team}' | Should -Be 'platform'
        }

        It 'denies a namespace outside the allowed list' {
            $m = Write-TestFile 'otherns.yaml' "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: x, namespace: default, annotations: {owner: me}}"
            { Invoke-KubeApply -Path $m @script:Common } | Should -Throw '*namespaces*namespace default is not allowed*'
        }
    }

    Context 'Compare-KubeResource' {
        It 'shows the mutation in the diff and reports denials' {
            $m = Write-TestFile 'cmp.yaml' "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: compared, annotations: {owner: me}}`ndata: {k: v}"
            $d = Compare-KubeResource -Path $m @script:Common -WarningAction SilentlyContinue
            $d.HasChanges | Should -BeTrue
            $d.Desired.metadata.labels.team | Should -Be 'platform'
            { kc get configmap compared -n $script:Ns } | Should -Throw
            $bad = Write-TestFile 'cmpbad.yaml' "apiVersion: v1`nkind: Pod`nmetadata: {name: p}`nspec: {containers: [{name: c, image: nginx}]}"
            Compare-KubeResource -Path $bad @script:Common -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
            $e[0].FullyQualifiedErrorId | Should -BeLike 'KubePolicyDenied,*'
        }
    }

    Context 'Set-KubeScale' {
        It 'deny sends nothing; an allowed scale goes through' {
            { Set-KubeScale deploy web -Replicas 9 @script:Common } | Should -Throw -ErrorId 'KubePolicyDenied,KubePS.Commands.SetKubeScaleCommand'
            kc get deployment web -n $script:Ns -o 'jsonpath={.spec.replicas}' | Should -Be '1'
            (Set-KubeScale deploy web -Replicas 2 @script:Common).Action | Should -Be 'Scaled'
            kc get deployment web -n $script:Ns -o 'jsonpath={.spec.replicas}' | Should -Be '2'
        }
        It '-WhatIf also shows the denial' {
            { Set-KubeScale deploy web -Replicas 9 @script:Common -WhatIf } | Should -Throw -ErrorId 'KubePolicyDenied,KubePS.Commands.SetKubeScaleCommand'
            (Get-KubeAuditLog -Verb scale -Outcome Denied | Where-Object DryRun).Count | Should -Be 1
        }
    }

    Context 'Set-KubeImage' {
        It 'denies the latest tag and sends nothing' {
            { Set-KubeImage deploy web web=nginx:latest @script:Common } | Should -Throw -ErrorId 'KubePolicyDenied,KubePS.Commands.SetKubeImageCommand'
            kc get deployment web -n $script:Ns -o 'jsonpath={.spec.template.spec.containers[0].image}' | Should -Be 'nginx:1.27'
            (Set-KubeImage deploy web nginx=nginx:1.28 @script:Common).Kind | Should -Be 'Deployment'
        }
    }

    Context 'Set-KubeLabel and Set-KubeAnnotation' {
        It 'deny sends nothing' {
            { Set-KubeLabel deploy web frozen=yes @script:Common } | Should -Throw -ErrorId 'KubePolicyDenied,KubePS.Commands.SetKubeLabelCommand'
            { Set-KubeAnnotation deploy web frozen=yes @script:Common } | Should -Throw -ErrorId 'KubePolicyDenied,KubePS.Commands.SetKubeAnnotationCommand'
            kc get deployment web -n $script:Ns -o 'jsonpath={.metadata.labels.frozen}{.metadata.annotations.frozen}' | Should -BeNullOrEmpty
            (Set-KubeLabel deploy web tier=front @script:Common).Kind | Should -Be 'Deployment'
            kc get deployment web -n $script:Ns -o 'jsonpath={.metadata.labels.tier}' | Should -Be 'front'
        }
    }

    Context 'Restart-KubeWorkload' {
        It 'deny sends nothing' {
            { Restart-KubeWorkload deploy protected-web @script:Common } | Should -Throw -ErrorId 'KubePolicyDenied,KubePS.Commands.RestartKubeWorkloadCommand'
            kc get deployment protected-web -n $script:Ns -o 'jsonpath={.spec.template.metadata.annotations}' | Should -Not -Match 'restartedAt'
        }
    }

    Context 'Remove-KubeResource' {
        It 'deny sends nothing; -WhatIf of an allowed delete is a dry run' {
            { Remove-KubeResource deploy protected-web @script:Common } | Should -Throw -ErrorId 'KubePolicyDenied,KubePS.Commands.RemoveKubeResourceCommand'
            kc get deployment protected-web -n $script:Ns -o name | Should -Be 'deployment.apps/protected-web'
            (Remove-KubeResource deploy web @script:Common -WhatIf).DryRun | Should -BeTrue
            kc get deployment web -n $script:Ns -o name | Should -Be 'deployment.apps/web'
        }
    }

    Context 'New-KubeNamespace' {
        It 'denies a namespace the policy does not allow, and injects labels into allowed ones (-WhatIf)' {
            { New-KubeNamespace "other-$([guid]::NewGuid().ToString('n').Substring(0,6))" -Kubeconfig $script:Kc -PolicyPath $script:Policy } | Should -Throw -ErrorId 'KubePolicyDenied,KubePS.Commands.NewKubeNamespaceCommand'
            $name = "kpol-$([guid]::NewGuid().ToString('n').Substring(0,6))"
            $r = New-KubeNamespace $name -Kubeconfig $script:Kc -PolicyPath $script:Policy -WhatIf -WarningAction SilentlyContinue
            $r.DryRun | Should -BeTrue
            $r.Object.Metadata.Labels['team'] | Should -Be 'platform'
            kc get namespaces -o name | Should -Not -Contain "namespace/$name"
        }
    }

    Context 'Invoke-KubeDeploy' {
        It 'deny fails the plan, sends nothing and is audited' {
            $app = Join-Path $TestDrive 'app'
            $null = New-Item -ItemType Directory -Path $app
            Set-Content (Join-Path $app 'kubeps.yaml') "name: polapp`nnamespace: $($script:Ns)"
            Set-Content (Join-Path $app 'web.yaml') "apiVersion: apps/v1`nkind: Deployment`nmetadata: {name: polweb}`nspec:`n  replicas: 8`n  selector: {matchLabels: {app: polweb}}`n  template:`n    metadata: {labels: {app: polweb}}`n    spec: {containers: [{name: c, image: 'nginx:1.27'}]}"
            { Invoke-KubeDeploy -Path $app -Kubeconfig $script:Kc -PolicyPath $script:Policy -ErrorAction SilentlyContinue } | Should -Throw -ErrorId 'KubeDeployValidationFailed,KubePS.Commands.InvokeKubeDeployCommand'
            kc get deployments -n $script:Ns -o name | Should -Not -Contain 'deployment.apps/polweb'
            (Get-KubeAuditLog -Verb deploy -Outcome Denied).Name | Should -Contain 'polweb'
        }
    }
}

Describe 'Policy from kubeps.yaml' -Tag Integration {
    BeforeAll {
        $script:Kc = Get-KubeTestKubeconfig
        $script:Ns = New-KubeTestNamespace -Prefix 'kpolapp'
        $env:KUBEPS_AUDIT_PATH = Join-Path $TestDrive 'audit.jsonl'
    }
    AfterAll {
        Remove-KubeTestNamespace -Name $script:Ns
        Remove-Item Env:KUBEPS_AUDIT_PATH -ErrorAction SilentlyContinue
    }

    It 'adds the application''s inline policy: rules to the plan (mutate shows, warn warns)' {
        $app = Join-Path $TestDrive 'inline'
        $null = New-Item -ItemType Directory -Path $app
        Set-Content (Join-Path $app 'kubeps.yaml') @"
name: inlineapp
namespace: $($script:Ns)
policy:
  rules:
    - {name: app-team, type: requiredLabels, severity: mutate, labels: {team: shop}}
    - {name: app-owner, type: requiredAnnotations, severity: warn, annotations: [owner]}
"@
        Set-Content (Join-Path $app 'cm.yaml') "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: inline-cm}`ndata: {k: v}"
        $plan = Get-KubeDeployPlan -Path $app -Kubeconfig $script:Kc -WarningVariable w -WarningAction SilentlyContinue
        ($w -join "`n") | Should -Match 'app-owner'
        ($plan | Out-String) | Should -Not -BeNullOrEmpty
        Invoke-KubeDeploy -Path $app -Kubeconfig $script:Kc -WarningAction SilentlyContinue | Out-Null
        $out = & kubectl --kubeconfig $script:Kc get configmap inline-cm -n $script:Ns -o 'jsonpath={.metadata.labels.team}'
        $out | Should -Be 'shop'
        (Get-KubeAuditLog -Verb deploy -Outcome Succeeded).Name | Should -Contain 'inline-cm'
    }
}
