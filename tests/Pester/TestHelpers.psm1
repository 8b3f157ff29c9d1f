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

function Get-KubeTestModulePath {
    # The built module under test: $env:KUBEPS_TEST_MODULE (set by build.ps1 -Task Test), else out/KubePS.
    if ($env:KUBEPS_TEST_MODULE) { $env:KUBEPS_TEST_MODULE } else { Join-Path $script:RepoRoot 'out/KubePS/KubePS.psd1' }
}

function Import-KubeTestModule {
    Import-Module (Get-KubeTestModulePath) -Force -Global
}

function Initialize-KubeTestSuite {
    # The start of a cluster suite's BeforeAll: imports the module under test and returns the kubeconfig of the cluster
    # under test.
    Import-KubeTestModule
    Get-KubeTestKubeconfig
}

function Invoke-KubeTestKubectl {
    # Runs the real kubectl against the cluster under test; the independent client for setup and checks.
    # A simple function on purpose: every argument (-o, -n, ...) goes to kubectl, none to PowerShell.
    $Arguments = @($args)
    $out = & kubectl --kubeconfig (Get-KubeTestKubeconfig) @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "kubectl $($Arguments -join ' ') failed: $($out -join "`n")" }
    $out
}

# The suites' short name for it: kc get configmap c -n $ns -o json.
Set-Alias -Name kc -Value Invoke-KubeTestKubectl

function Test-KubeTestObject {
    # True when kubectl finds the object (a namespace only for namespaced kinds).
    param([string] $Kind, [string] $Name, [string] $Namespace)
    $nsArgs = if ($Namespace) { @('-n', $Namespace) } else { @() }
    $null = & kubectl --kubeconfig (Get-KubeTestKubeconfig) get $Kind $Name @nsArgs -o name 2>&1
    $LASTEXITCODE -eq 0
}

function Write-KubeTestFile {
    # Writes text with LF line ends (the manifests' line numbers are asserted), creating the folder; returns the path.
    param([string] $Path, [string] $Text)
    $dir = Split-Path $Path
    if (-not (Test-Path $dir)) { $null = New-Item -ItemType Directory -Path $dir }
    [IO.File]::WriteAllText($Path, $Text.Replace("`r`n", "`n"))
    $Path
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

function Get-KubeTestFaultEndpoint {
    # The local cluster's fault settings (/kubeps-admin/faults) and the bearer token of the cluster under test.
    $text = Get-Content -Raw (Get-KubeTestKubeconfig)
    $server = [regex]::Match($text, 'server:\s*(\S+)').Groups[1].Value
    $token = [regex]::Match($text, 'token:\s*(\S+)').Groups[1].Value
    @{ Uri = "$server/kubeps-admin/faults"; Headers = @{ Authorization = "Bearer $token" } }
}

function Set-KubeTestFault {
    # Sets the local cluster's injected faults (PUT /kubeps-admin/faults); only the project's simulated cluster has them.
    param([Parameter(Mandatory)] [hashtable] $Settings)
    $endpoint = Get-KubeTestFaultEndpoint
    $null = Invoke-RestMethod -Method Put @endpoint -Body ($Settings | ConvertTo-Json -Compress) -ContentType 'application/json' -SkipCertificateCheck
}

function Get-KubeTestFault {
    # The local cluster's fault settings as they are now (failNext counts down as faults are served).
    $endpoint = Get-KubeTestFaultEndpoint
    Invoke-RestMethod @endpoint -SkipCertificateCheck
}

function Clear-KubeTestFault {
    $endpoint = Get-KubeTestFaultEndpoint
    $null = Invoke-RestMethod -Method Delete @endpoint -SkipCertificateCheck
}

function Start-KubeTestDeployWatch {
    # Runs Invoke-KubeDeploy -Watch with $Parameters in a background PowerShell that imports the module under test.
    # Returns the PowerShell (its streams), the output collection and the async handle.
    param([Parameter(Mandatory)] [hashtable] $Parameters)
    $ps = [powershell]::Create()
    $null = $ps.AddScript({
        param($Module, $Parameters)
        Import-Module $Module
        Invoke-KubeDeploy @Parameters -Watch
    }).AddParameters(@{ Module = Get-KubeTestModulePath; Parameters = $Parameters })
    $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
    $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
    [pscustomobject]@{ PowerShell = $ps; Output = $output; Handle = $handle }
}

function Stop-KubeTestDeployWatch {
    # Stops (when still running) and disposes a PowerShell from Start-KubeTestDeployWatch.
    param([powershell] $PowerShell)
    if ($PowerShell) {
        if ($PowerShell.InvocationStateInfo.State -eq 'Running') { $PowerShell.Stop() }
        $PowerShell.Dispose()
    }
}

function Get-KubeTestStreamItem {
    # What a stream of a running PowerShell holds so far (enumerating an open PSDataCollection can block until the command ends).
    param($Collection)
    $n = $Collection.Count
    for ($i = 0; $i -lt $n; $i++) { $Collection[$i] }
}

function Get-KubeTestInformation {
    # The information messages a background PowerShell wrote so far, as text.
    param([powershell] $PowerShell)
    Get-KubeTestStreamItem $PowerShell.Streams.Information | ForEach-Object { "$($_.MessageData)" }
}

function Wait-KubeTestCondition {
    # Polls a condition (the test asserts on the state reached, not on how long it took). On timeout it throws, with
    # what the background PowerShell (when given) wrote to its information and error streams.
    param([scriptblock] $Condition, [string] $What, [int] $Seconds = 90, [powershell] $PowerShell)
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if (& $Condition) { return }
        Start-Sleep -Milliseconds 200
    }
    $info = if ($PowerShell) { @(Get-KubeTestInformation $PowerShell) -join "`n" }
    $errs = if ($PowerShell) { @(Get-KubeTestStreamItem $PowerShell.Streams.Error | ForEach-Object { "$_" }) -join "`n" }
    throw "Timed out waiting for: $What`nInformation:`n$info`nErrors:`n$errs"
}

Export-ModuleMember -Alias kc -Function Set-KubeTestFault, Get-KubeTestFault, Clear-KubeTestFault, Get-KubeTestRepoRoot, Get-KubeTestKubeconfig,
    Test-KubeTestIsLocalCluster, Get-KubeTestModulePath, Import-KubeTestModule, Initialize-KubeTestSuite, Invoke-KubeTestKubectl, Test-KubeTestObject, Write-KubeTestFile,
    New-KubeTestNamespace, Remove-KubeTestNamespace, Start-KubeTestDeployWatch, Stop-KubeTestDeployWatch, Get-KubeTestStreamItem,
    Get-KubeTestInformation, Wait-KubeTestCondition
