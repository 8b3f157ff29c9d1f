# Helpers shared by the benchmarks (dot-sourced by *.Bench.ps1): a raw HTTP client for seeding the cluster
# fast, medians, and child pwsh sessions that measure in a fresh process.

function New-BenchHttpClient {
    # An HttpClient for the cluster in a kubeconfig written by the local cluster (CA data + bearer token).
    param([Parameter(Mandatory)] [string] $Kubeconfig)
    $text = Get-Content -Raw $Kubeconfig
    $server = [regex]::Match($text, 'server:\s*(\S+)').Groups[1].Value
    $ca = [regex]::Match($text, 'certificate-authority-data:\s*(\S+)').Groups[1].Value
    $token = [regex]::Match($text, 'token:\s*(\S+)').Groups[1].Value
    $caCert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new([Convert]::FromBase64String($ca))
    $handler = [System.Net.Http.SocketsHttpHandler]::new()
    $handler.MaxConnectionsPerServer = 32
    # Trust exactly the cluster's CA (no callback: a script block cannot run on the TLS thread).
    $policy = [System.Security.Cryptography.X509Certificates.X509ChainPolicy]::new()
    $policy.TrustMode = 'CustomRootTrust'
    $policy.RevocationMode = 'NoCheck'
    $null = $policy.CustomTrustStore.Add($caCert)
    $handler.SslOptions.CertificateChainPolicy = $policy
    $client = [System.Net.Http.HttpClient]::new($handler)
    $client.BaseAddress = [Uri]$server
    $client.DefaultRequestHeaders.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $token)
    $client.Timeout = [TimeSpan]::FromMinutes(5)
    $client
}

function Invoke-BenchCreate {
    # POSTs many JSON bodies concurrently; returns the number that failed.
    param([System.Net.Http.HttpClient] $Client, [string] $Path, [string[]] $Bodies)
    $tasks = foreach ($b in $Bodies) {
        $content = [System.Net.Http.StringContent]::new($b, [Text.Encoding]::UTF8, 'application/json')
        $Client.PostAsync($Path, $content)
    }
    [System.Threading.Tasks.Task]::WaitAll([System.Threading.Tasks.Task[]]@($tasks))
    @($tasks | Where-Object { -not $_.Result.IsSuccessStatusCode }).Count
}

function Get-Median {
    param([double[]] $Values)
    $s = $Values | Sort-Object
    if ($s.Count -eq 0) { return [double]::NaN }
    if ($s.Count % 2) { return $s[[int][Math]::Floor($s.Count / 2)] }
    ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2
}

function Invoke-BenchChild {
    # Runs a script in a fresh pwsh -NoProfile and returns the JSON object it prints last.
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{})
    $file = Join-Path ([IO.Path]::GetTempPath()) ("kubeps-bench-{0}.ps1" -f [guid]::NewGuid().ToString('n'))
    Set-Content -Path $file -Value $Script
    $saved = @{}
    foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    try {
        # The same pwsh as this one: under `dotnet pwsh` the host is dotnet and the first argument is pwsh.dll.
        $hostPath = [Environment]::ProcessPath
        $argsList = @('-NoProfile', '-NonInteractive', '-File', $file)
        if ($hostPath -match 'dotnet(\.exe)?$') { $argsList = @([Environment]::GetCommandLineArgs()[0]) + $argsList }
        $out = & $hostPath @argsList 2>&1
        if ($LASTEXITCODE -ne 0) { throw "bench child failed: $($out -join "`n")" }
        ($out | Where-Object { "$_".StartsWith('{') } | Select-Object -Last 1) | ConvertFrom-Json
    }
    finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        Remove-Item $file -ErrorAction SilentlyContinue
    }
}

function Format-BenchMs { param([double] $Ms) if ($Ms -ge 1000) { '{0:N2} s' -f ($Ms / 1000) } else { '{0:N1} ms' -f $Ms } }
