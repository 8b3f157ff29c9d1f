# The test body of Set-KubeLabel.Tests.ps1 and Set-KubeAnnotation.Tests.ps1, dot-sourced by both: the two cmdlets edit
# one metadata map each (kubectl label / annotate) and must behave alike. $Case names the cmdlet and its map:
#   Command (Set-KubeLabel), Parameter (Label), Map (labels), Action (Labeled), Prefix (of the test namespace).
param([Parameter(Mandatory)] [hashtable] $Case)

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Kc = Initialize-KubeTestSuite
}

Describe $Case.Command -Tag Integration -ForEach @($Case) {
    BeforeAll {
        $script:Ns = New-KubeTestNamespace -Prefix $Prefix
        $null = kc create configmap c -n $script:Ns --from-literal=k=v
        function Get-Map { (kc get configmap c -n $script:Ns -o "jsonpath={.metadata.$Map}" | ConvertFrom-Json -AsHashtable) }
        $script:ErrorIdSource = 'KubePS.Commands.{0}Command' -f $Command.Replace('-', '')
    }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It 'adds keys' {
        $r = & $Command cm c 'tier=front', 'example.com/team=a' -Namespace $script:Ns -Kubeconfig $script:Kc
        $r.Action | Should -Be $Action
        (Get-Map)['tier'] | Should -Be 'front'
        (Get-Map)['example.com/team'] | Should -Be 'a'
    }

    It 'refuses to change a value without -Overwrite (KubeOverwriteRequired), as kubectl' {
        { & $Command cm c tier=back -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorAction Stop } | Should -Throw -ErrorId "KubeOverwriteRequired,$script:ErrorIdSource"
        (Get-Map)['tier'] | Should -Be 'front'
        $null = & $Command cm c tier=back -Overwrite -Namespace $script:Ns -Kubeconfig $script:Kc
        (Get-Map)['tier'] | Should -Be 'back'
    }

    It '-WhatIf sends a dry run and changes nothing' {
        $r = & $Command cm c new=1 -Namespace $script:Ns -Kubeconfig $script:Kc -WhatIf
        $r.DryRun | Should -BeTrue
        ($r.Object.Metadata.$Map)['new'] | Should -Be '1'
        (Get-Map).ContainsKey('new') | Should -BeFalse
    }

    It 'removes keys with key-' {
        $null = & $Command cm c 'tier-' -Namespace $script:Ns -Kubeconfig $script:Kc
        (Get-Map).ContainsKey('tier') | Should -BeFalse
        (Get-Map)['example.com/team'] | Should -Be 'a'
    }

    It 'works on objects piped from Get-Kube*' {
        $edit = @{ $Parameter = 'piped=yes' }
        Get-KubeConfigMap c -Namespace $script:Ns -Kubeconfig $script:Kc | & $Command @edit -Kubeconfig $script:Kc | Out-Null
        (Get-Map)['piped'] | Should -Be 'yes'
    }

    It 'rejects a malformed edit before sending anything' {
        { & $Command cm c 'no equals' -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorAction Stop } | Should -Throw -ErrorId "KubeBadRequest,$script:ErrorIdSource"
    }
}
