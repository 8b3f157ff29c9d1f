# The audit log: a record for every outcome, identity fields, no Secret data, filters, chain verification after
# tampering, and two pwsh processes appending at once.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-KubeTestModule
}

Describe 'Get-KubeAuditLog' -Tag Integration {
    BeforeAll {
        $script:Kc = Get-KubeTestKubeconfig
        $script:Ns = New-KubeTestNamespace -Prefix 'kaud'
        $script:Log = Join-Path $TestDrive 'audit.jsonl'
        $script:Common = @{ Kubeconfig = $script:Kc; Namespace = $script:Ns; AuditPath = $script:Log }
        $script:Policy = Join-Path $TestDrive 'policy.yaml'
        Set-Content $script:Policy "rules:`n  - {name: max-replicas, type: replicaRange, max: 3}"
        $null = Invoke-KubeTestKubectl create deployment web -n $script:Ns --image=nginx:1.27 --replicas=1
        $secret = Join-Path $TestDrive 'secret.yaml'
        Set-Content $secret "apiVersion: v1`nkind: Secret`nmetadata: {name: creds}`nstringData: {password: hunter2-sup3r-s3cret}`ndata: {token: $([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('t0ken-value-xyz')))}"
        # One of each outcome.
        Set-KubeScale deploy web -Replicas 2 @script:Common | Out-Null                                     # Succeeded
        Set-KubeScale deploy web -Replicas 3 @script:Common -WhatIf | Out-Null                             # DryRun
        try { Set-KubeScale deploy web -Replicas 9 @script:Common -PolicyPath $script:Policy } catch { }   # Denied
        Set-KubeScale deploy missing -Replicas 1 @script:Common -ErrorAction SilentlyContinue | Out-Null   # Failed
        Invoke-KubeApply -Path $secret @script:Common | Out-Null                                           # Succeeded (Secret)
        $script:Records = Get-KubeAuditLog -Path $script:Log
    }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It 'records every outcome: Succeeded, DryRun, Denied, Failed' {
        $scale = $script:Records | Where-Object Verb -eq scale
        $scale.Outcome | Should -Be @('Succeeded', 'DryRun', 'Denied', 'Failed')
        ($scale | Where-Object Outcome -eq DryRun).DryRun | Should -BeTrue
        ($scale | Where-Object Outcome -eq Denied).Verdicts[0].Rule | Should -Be 'max-replicas'
        ($scale | Where-Object Outcome -eq Failed).Message | Should -Not -BeNullOrEmpty
        ($scale | Where-Object Outcome -eq Failed).Name | Should -Be 'missing'
    }

    It 'records time, users, context, server, object and hash' {
        $r = $script:Records[0]
        $r.PSObject.TypeNames[0] | Should -Be 'KubePS.AuditRecord'
        $r.Seq | Should -Be 1
        $r.Time.Kind | Should -Be 'Utc'
        ([datetime]::UtcNow - $r.Time).TotalMinutes | Should -BeLessThan 30
        $r.OsUser | Should -Be ([Environment]::UserName)
        $r.ProcessId | Should -Be $PID
        $r.Context | Should -Not -BeNullOrEmpty
        $r.Server | Should -Match '^https://'
        $r.Kind | Should -Be 'Deployment'
        $r.Namespace | Should -Be $script:Ns
        $r.Name | Should -Be 'web'
        $r.ObjectHash | Should -Match '^sha256:[0-9a-f]{64}$'
        $r.Hash | Should -Match '^[0-9a-f]{64}$'
        $script:Records[1].PreviousHash | Should -Be $r.Hash
    }

    It 'never writes Secret data' {
        $text = Get-Content -Raw $script:Log
        $text | Should -Not -Match 'hunter2'
        $text | Should -Not -Match 't0ken-value'
        $text | Should -Not -Match ([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('t0ken-value-xyz')))
        ($script:Records | Where-Object Kind -eq Secret).Outcome | Should -Be 'Succeeded'
    }

    It 'filters by verb, outcome, user, time and object' {
        @(Get-KubeAuditLog -Path $script:Log -Verb apply).Count | Should -Be 1
        @(Get-KubeAuditLog -Path $script:Log -Outcome Denied, Failed).Count | Should -Be 2
        @(Get-KubeAuditLog -Path $script:Log -User ([Environment]::UserName)).Count | Should -Be $script:Records.Count
        @(Get-KubeAuditLog -Path $script:Log -User 'nobody-*').Count | Should -Be 0
        @(Get-KubeAuditLog -Path $script:Log -Since 1h).Count | Should -Be $script:Records.Count
        @(Get-KubeAuditLog -Path $script:Log -Until ([datetime]::UtcNow.AddHours(-1))).Count | Should -Be 0
        @(Get-KubeAuditLog -Path $script:Log -Kind Secret -Name cre*).Count | Should -Be 1
        (Get-KubeAuditLog -Path $script:Log -Last 1).Kind | Should -Be 'Secret'
    }

    It 'uses $env:KUBEPS_AUDIT_PATH' {
        $other = Join-Path $TestDrive 'env-audit.jsonl'
        $env:KUBEPS_AUDIT_PATH = $other
        try {
            Set-KubeLabel deploy web tier=front -Kubeconfig $script:Kc -Namespace $script:Ns | Out-Null
            (Get-KubeAuditLog).Verb | Should -Be 'label'
        }
        finally { Remove-Item Env:KUBEPS_AUDIT_PATH }
        $other | Should -Exist
    }
}

Describe 'Test-KubeAuditLog' -Tag Integration {
    BeforeAll {
        $script:Kc = Get-KubeTestKubeconfig
        $script:Ns = New-KubeTestNamespace -Prefix 'kaudt'
        $script:Log = Join-Path $TestDrive 'chain.jsonl'
        1..6 | ForEach-Object { "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: cm$_}`ndata: {k: v}" } | Invoke-KubeApply -Kubeconfig $script:Kc -Namespace $script:Ns -AuditPath $script:Log | Out-Null
        $script:Lines = Get-Content $script:Log
    }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }
    AfterEach { Set-Content -LiteralPath $script:Log -Value $script:Lines }

    It 'verifies an intact chain' {
        $v = Test-KubeAuditLog -Path $script:Log
        $v.Valid | Should -BeTrue
        $v.Records | Should -Be 6
        $v.LastHash | Should -Match '^[0-9a-f]{64}$'
        Test-KubeAuditLog -Path $script:Log -Quiet | Should -BeTrue
    }

    It 'names the first edited record' {
        $edited = $script:Lines.Clone()
        $edited[3] = $edited[3] -replace '"outcome":"Succeeded"', '"outcome":"Failed"'
        Set-Content -LiteralPath $script:Log -Value $edited
        $v = Test-KubeAuditLog -Path $script:Log -ErrorVariable e -ErrorAction SilentlyContinue
        $v.Valid | Should -BeFalse
        $v.BrokenLine | Should -Be 4
        $v.Reason | Should -Match 'edited'
        $e[0].FullyQualifiedErrorId | Should -Be 'KubeAuditTampered,KubePS.Commands.TestKubeAuditLogCommand'
        { Test-KubeAuditLog -Path $script:Log -Strict } | Should -Throw -ErrorId 'KubeAuditTampered,KubePS.Commands.TestKubeAuditLogCommand'
    }

    It 'names the record after a deleted one' {
        Set-Content -LiteralPath $script:Log -Value ($script:Lines | Select-Object -Index 0, 1, 3, 4, 5)
        $v = Test-KubeAuditLog -Path $script:Log -ErrorAction SilentlyContinue
        $v.Valid | Should -BeFalse
        $v.BrokenLine | Should -Be 3
        $v.BrokenSeq | Should -Be 4
        $v.Reason | Should -Match 'missing'
    }

    It 'detects records cut from the end with -LastHash' {
        $last = (Test-KubeAuditLog -Path $script:Log).LastHash
        Set-Content -LiteralPath $script:Log -Value ($script:Lines | Select-Object -First 4)
        (Test-KubeAuditLog -Path $script:Log).Valid | Should -BeTrue
        (Test-KubeAuditLog -Path $script:Log -LastHash $last -ErrorAction SilentlyContinue).Valid | Should -BeFalse
    }

    It 'Get-KubeAuditLog reports a line that is not a record' {
        Add-Content -LiteralPath $script:Log -Value 'not json'
        { Get-KubeAuditLog -Path $script:Log } | Should -Throw -ErrorId 'KubeAuditTampered,KubePS.Commands.GetKubeAuditLogCommand'
    }
}

Describe 'Audit log with concurrent writers' -Tag Integration {
    BeforeAll {
        $script:Kc = Get-KubeTestKubeconfig
        $script:Ns = New-KubeTestNamespace -Prefix 'kaudc'
        $null = Invoke-KubeTestKubectl create configmap shared -n $script:Ns --from-literal=k=v
        $script:Log = Join-Path $TestDrive 'concurrent.jsonl'
    }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It 'two pwsh processes appending at once lose nothing and keep the chain valid' {
        $module = Join-Path (Get-Module KubePS).ModuleBase 'KubePS.psd1'
        $work = {
            param($Module, $Kc, $Ns, $Log, $Id)
            Import-Module $Module
            1..25 | ForEach-Object { Set-KubeAnnotation cm shared "w$Id-$_=x" -Kubeconfig $Kc -Namespace $Ns -AuditPath $Log -WhatIf | Out-Null }
            1..20 | ForEach-Object { "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: w$Id-$_}" } | Invoke-KubeApply -Kubeconfig $Kc -Namespace $Ns -AuditPath $Log -WhatIf | Out-Null
        }
        $jobs = 1..2 | ForEach-Object { Start-Job -ScriptBlock $work -ArgumentList $module, $script:Kc, $script:Ns, $script:Log, $_ }
        $null = $jobs | Wait-Job
        $jobs | Receive-Job -ErrorAction Stop | Out-Null
        $jobs | Remove-Job
        $v = Test-KubeAuditLog -Path $script:Log
        $v.Valid | Should -BeTrue
        $v.Records | Should -Be 90
        $records = Get-KubeAuditLog -Path $script:Log
        ($records.ProcessId | Sort-Object -Unique).Count | Should -Be 2
        $records.Seq | Should -Be (1..90)
        @($records | Where-Object Verb -eq apply).Count | Should -Be 40
    }
}

Describe 'Audit of Remove-KubeDeploy' -Tag Integration {
    BeforeAll {
        $script:Kc = Get-KubeTestKubeconfig
        $script:Ns = New-KubeTestNamespace -Prefix 'kaudd'
        $script:Log = Join-Path $TestDrive 'audit-deploy.jsonl'
        $app = Join-Path $TestDrive 'app'
        $null = New-Item -ItemType Directory -Path $app
        Set-Content (Join-Path $app 'cm.yaml') "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: one, namespace: $($script:Ns)}`ndata: {a: '1'}`n---`napiVersion: v1`nkind: ConfigMap`nmetadata: {name: two, namespace: $($script:Ns)}`ndata: {b: '2'}"
        $script:AppName = 'aud' + [guid]::NewGuid().ToString('n').Substring(0, 6)
        Invoke-KubeDeploy -Path $app -Name $script:AppName -Kubeconfig $script:Kc -Namespace $script:Ns -AuditPath $script:Log | Out-Null
        Remove-KubeDeploy $script:AppName -Kubeconfig $script:Kc -AuditPath $script:Log -Confirm:$false | Out-Null
    }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It 'records every delete of the uninstall, and the objects are gone' {
        $deletes = @(Get-KubeAuditLog -Path $script:Log -Verb delete)
        ($deletes | Where-Object Kind -eq ConfigMap).Name | Sort-Object | Should -Be @('one', 'two')
        $deletes | ForEach-Object { $_.Outcome | Should -Be 'Succeeded' }
        (Invoke-KubeTestKubectl get configmap -n $script:Ns -o name) -join ' ' | Should -Not -Match 'configmap/(one|two)\b'
        (Test-KubeAuditLog -Path $script:Log).Valid | Should -BeTrue
    }
}
