# Starts and stops the project's simulated Kubernetes API server (src/KubePS.LocalCluster).
# Used by build.ps1 (Test, Demo, Bench) and by tests/Pester/TestHelpers.psm1.
Set-StrictMode -Version Latest

function Get-KubeLocalClusterPath {
    param([string] $Configuration = 'Release')
    $root = Split-Path -Parent $PSScriptRoot
    $dll = Join-Path $root "src/KubePS.LocalCluster/bin/$Configuration/net10.0/KubePS.LocalCluster.dll"
    if (-not (Test-Path $dll)) {
        throw "The local cluster is not built ($dll). Run build.ps1 -Task Build first."
    }
    $dll
}

function Start-KubeLocalCluster {
    <#
    .SYNOPSIS
    Starts the local cluster on a free 127.0.0.1 port and returns an object with its kubeconfig path and process.
    .PARAMETER ArgumentList
    Extra arguments for the server (for example --seed 7 or fault flags).
    #>
    [CmdletBinding()]
    param(
        [string] $Directory = (Join-Path ([IO.Path]::GetTempPath()) ("kubeps-cluster-" + [guid]::NewGuid().ToString('n').Substring(0, 8))),
        [string] $Configuration = 'Release',
        [string[]] $ArgumentList = @(),
        [int] $TimeoutSeconds = 30
    )
    $dll = Get-KubeLocalClusterPath -Configuration $Configuration
    $null = New-Item -ItemType Directory -Force -Path $Directory
    $kubeconfig = Join-Path $Directory 'kubeconfig.yaml'
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($dll, '--port', '0', '--kubeconfig', $kubeconfig, '--parent-pid', "$PID") + $ArgumentList) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $proc = [System.Diagnostics.Process]::Start($psi)
    $errTask = $proc.StandardError.ReadToEndAsync()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $server = $null
    $lines = [System.Collections.Generic.List[string]]::new()
    while ($true) {
        $task = $proc.StandardOutput.ReadLineAsync()
        $remaining = [int][Math]::Max(1, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
        if (-not $task.Wait($remaining)) {
            try { $proc.Kill($true) } catch { }
            throw "The local cluster did not report ready within $TimeoutSeconds s. Output: $($lines -join ' | ')"
        }
        $line = $task.Result
        if ($null -eq $line) {
            $err = $errTask.Result
            throw "The local cluster exited with code $($proc.ExitCode) before it was ready. Output: $($lines -join ' | ') $err"
        }
        $lines.Add($line)
        if ($line -like 'server: *') { $server = $line.Substring(8).Trim() }
        if ($line.Trim() -eq 'ready') { break }
    }
    # Keep draining stdout so the server never blocks on a full pipe.
    $null = $proc.StandardOutput.ReadToEndAsync()
    [pscustomobject]@{
        PSTypeName = 'KubePS.LocalCluster'
        Kubeconfig = $kubeconfig
        Server     = $server
        Process    = $proc
        Directory  = $Directory
    }
}

function Stop-KubeLocalCluster {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Cluster)
    process {
        $p = $Cluster.Process
        if ($p -and -not $p.HasExited) {
            try { $p.Kill($true) } catch { }
            $null = $p.WaitForExit(5000)
        }
    }
}

Export-ModuleMember -Function Start-KubeLocalCluster, Stop-KubeLocalCluster, Get-KubeLocalClusterPath
