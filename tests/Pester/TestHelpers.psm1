# Shared helpers for the Pester suites. Suites reach the cluster only through a kubeconfig:
# $env:KUBEPS_TEST_KUBECONFIG (set by build.ps1 -Task Test, or by hand for a real cluster such as kind).
# When it is unset (a suite run on its own), a local cluster is started for this pwsh process.
Set-StrictMode -Version Latest
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:Cluster = $null

function Get-KubeTestRepoRoot { $script:RepoRoot }

function Get-KubeTestKubeconfig {
    if ($env:KUBEPS_TEST_KUBECONFIG) { return $env:KUBEPS_TEST_KUBECONFIG }
    if (-not $script:Cluster) {
        Import-Module (Join-Path $script:RepoRoot 'tools/LocalCluster.psm1') -Force
        $cfg = if ($env:KUBEPS_TEST_CONFIGURATION) { $env:KUBEPS_TEST_CONFIGURATION } else { 'Release' }
        $script:Cluster = Start-KubeLocalCluster -Configuration $cfg
    }
    $env:KUBEPS_TEST_KUBECONFIG = $script:Cluster.Kubeconfig
    $script:Cluster.Kubeconfig
}

function Test-KubeTestIsLocalCluster {
    # True when the cluster under test is the project's simulated one (it answers /kubeps-admin/).
    $server = (Get-Content -Raw (Get-KubeTestKubeconfig)) -match 'kubeps-local'
    [bool]$server
}

function Import-KubeTestModule {
    $path = if ($env:KUBEPS_TEST_MODULE) { $env:KUBEPS_TEST_MODULE } else { Join-Path $script:RepoRoot 'out/KubePS/KubePS.psd1' }
    Import-Module $path -Force -Global
}

function Invoke-KubeTestKubectl {
    # Runs the real kubectl against the cluster under test; the independent client for setup and checks.
    # A simple function on purpose: every argument (-o, -n, ...) goes to kubectl, none to PowerShell.
    $Arguments = @($args)
    $out = & kubectl --kubeconfig (Get-KubeTestKubeconfig) @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "kubectl $($Arguments -join ' ') failed: $($out -join "`n")" }
    $out
}

function New-KubeTestNamespace {
    # Creates a uniquely named namespace so that tests never see each other's objects.
    param([string] $Prefix = 'kps')
    $name = ('{0}-{1}' -f $Prefix, [guid]::NewGuid().ToString('n').Substring(0, 8)).ToLowerInvariant()
    $null = Invoke-KubeTestKubectl create namespace $name
    $name
}

function Remove-KubeTestNamespace {
    param([Parameter(Mandatory)] [string] $Name)
    $null = & kubectl --kubeconfig (Get-KubeTestKubeconfig) delete namespace $Name --wait=false --ignore-not-found 2>&1
}

function Set-KubeTestFault {
    # Sets the local cluster's injected faults (PUT /kubeps-admin/faults); only the project's simulated cluster has them.
    param([Parameter(Mandatory)] [hashtable] $Settings)
    $text = Get-Content -Raw (Get-KubeTestKubeconfig)
    $server = [regex]::Match($text, 'server:\s*(\S+)').Groups[1].Value
    $token = [regex]::Match($text, 'token:\s*(\S+)').Groups[1].Value
    $null = Invoke-RestMethod -Method Put -Uri "$server/kubeps-admin/faults" -Headers @{ Authorization = "Bearer $token" } -Body ($Settings | ConvertTo-Json -Compress) -ContentType 'application/json' -SkipCertificateCheck
}

function Clear-KubeTestFault {
    $text = Get-Content -Raw (Get-KubeTestKubeconfig)
    $server = [regex]::Match($text, 'server:\s*(\S+)').Groups[1].Value
    $token = [regex]::Match($text, 'token:\s*(\S+)').Groups[1].Value
    $null = Invoke-RestMethod -Method Delete -Uri "$server/kubeps-admin/faults" -Headers @{ Authorization = "Bearer $token" } -SkipCertificateCheck
}

Export-ModuleMember -Function Set-KubeTestFault, Clear-KubeTestFault, Get-KubeTestRepoRoot, Get-KubeTestKubeconfig, Test-KubeTestIsLocalCluster, Import-KubeTestModule, Invoke-KubeTestKubectl, New-KubeTestNamespace, Remove-KubeTestNamespace
