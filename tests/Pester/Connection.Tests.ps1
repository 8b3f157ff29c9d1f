# Connection and context behaviour of the built module: Get-KubeContext, Set-KubeContext, Get-KubeVersion,
# and the stable ErrorIds of connection failures. Offline cases use kubeconfigs written to TestDrive; cluster
# cases reach the cluster only through $env:KUBEPS_TEST_KUBECONFIG (see TestHelpers.psm1).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-KubeTestModule

    function New-TestKubeconfig {
        param([string] $Name = 'config', [string] $Server = 'https://127.0.0.1:6443', [string] $Current = 'dev', [string] $UserBlock = '    token: abc')
        $path = Join-Path $TestDrive $Name
        $text = @"
# test kubeconfig: keep this comment
apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster:
    server: $Server
    insecure-skip-tls-verify: true
contexts:
- name: dev
  context:
    cluster: c1
    user: u1
    namespace: team-a
- name: prod
  context:
    cluster: c1
    user: u1
current-context: $Current
users:
- name: u1
  user:
$UserBlock
"@
        [IO.File]::WriteAllText($path, $text.Replace("`r`n", "`n"))
        $path
    }

    function Get-ClosedPort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $listener.Stop()
        $port
    }

    # A copy of the cluster kubeconfig with one regex replacement applied (for wrong CA, wrong token).
    function Copy-ClusterKubeconfig {
        param([string] $Name, [string] $Pattern, [string] $Replacement)
        $text = Get-Content -Raw (Get-KubeTestKubeconfig)
        $path = Join-Path $TestDrive $Name
        [IO.File]::WriteAllText($path, ($text -replace $Pattern, $Replacement))
        $path
    }
}

Describe 'Get-KubeContext' -Tag Unit {
    BeforeAll {
        $script:Config = New-TestKubeconfig -Name 'get-context'
    }

    It 'lists every context and marks the current one' {
        $contexts = @(Get-KubeContext -Kubeconfig $script:Config)
        $contexts.Name | Should -Be @('dev', 'prod')
        ($contexts | Where-Object IsCurrent).Name | Should -Be 'dev'
        $contexts[0].Cluster | Should -Be 'c1'
        $contexts[0].User | Should -Be 'u1'
        $contexts[0].Namespace | Should -Be 'team-a'
        $contexts[0].Server | Should -Be 'https://127.0.0.1:6443'
        $contexts[0].PSObject.TypeNames[0] | Should -Be 'KubePS.Engine.Connection.KubeContextInfo'
    }

    It 'filters with wildcards' {
        (Get-KubeContext -Kubeconfig $script:Config -Name 'p*').Name | Should -Be 'prod'
        (Get-KubeContext -Kubeconfig $script:Config -Current).Name | Should -Be 'dev'
    }

    It 'reports an unknown exact name as KubeContextNotFound listing the known contexts' {
        $result = Get-KubeContext -Kubeconfig $script:Config -Name 'nope' -ErrorVariable errs -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'KubeContextNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].Exception.Message | Should -Match 'dev, prod'
    }

    It 'merges the files of KUBECONFIG, first file wins' {
        $first = New-TestKubeconfig -Name 'merge-a' -Current 'prod' -Server 'https://first:6443'
        $second = Join-Path $TestDrive 'merge-b'
        Set-Content -Path $second -Value @'
current-context: dev
clusters:
- name: c2
  cluster: {server: "https://second:6443"}
contexts:
- name: dev
  context: {cluster: c2, user: u2}
- name: extra
  context: {cluster: c2, user: u2}
users:
- name: u2
  user: {token: x}
'@
        $saved = $env:KUBECONFIG
        try {
            $env:KUBECONFIG = $first, $second -join [IO.Path]::PathSeparator
            $contexts = @(Get-KubeContext)
            $contexts.Name | Should -Be @('dev', 'prod', 'extra')
            ($contexts | Where-Object IsCurrent).Name | Should -Be 'prod'
            ($contexts | Where-Object Name -EQ 'dev').Server | Should -Be 'https://first:6443'
        }
        finally {
            $env:KUBECONFIG = $saved
        }
    }

    It 'completes context names for -Context' {
        $line = "Get-KubeVersion -Kubeconfig '$script:Config' -Context pr"
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Contain 'prod'
    }
}

Describe 'Set-KubeContext' -Tag Unit {
    It 'changes the context for this session only' {
        $config = New-TestKubeconfig -Name 'session'
        $before = Get-FileHash $config
        Set-KubeContext -Name prod -Kubeconfig $config
        (Get-KubeContext -Kubeconfig $config -Current).Name | Should -Be 'prod'
        (Get-FileHash $config).Hash | Should -Be $before.Hash
    }

    It 'sets a session namespace for the context' {
        $config = New-TestKubeconfig -Name 'session-ns'
        $result = Set-KubeContext -Namespace 'web' -Kubeconfig $config -PassThru
        $result.Name | Should -Be 'dev'
        $result.Namespace | Should -Be 'web'
        (Get-KubeContext -Kubeconfig $config -Name dev).Namespace | Should -Be 'web'
        (Get-Content -Raw $config) | Should -Match 'namespace: team-a'
    }

    It '-Persist writes only current-context and the namespace, keeping the rest byte for byte' {
        $config = New-TestKubeconfig -Name 'persist'
        $original = [IO.File]::ReadAllText($config)
        Set-KubeContext -Name prod -Namespace 'ops' -Kubeconfig $config -Persist
        $expected = $original.Replace('current-context: dev', 'current-context: prod').
            Replace("- name: prod`n  context:`n    cluster: c1", "- name: prod`n  context:`n    namespace: ops`n    cluster: c1")
        [IO.File]::ReadAllText($config) | Should -BeExactly $expected
    }

    It '-Persist -WhatIf leaves the file alone' {
        $config = New-TestKubeconfig -Name 'whatif'
        $before = Get-FileHash $config
        Set-KubeContext -Name prod -Kubeconfig $config -Persist -WhatIf
        (Get-FileHash $config).Hash | Should -Be $before.Hash
    }

    It 'rejects an unknown context with KubeContextNotFound' {
        $config = New-TestKubeconfig -Name 'unknown'
        $err = { Set-KubeContext -Name 'staging' -Kubeconfig $config } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'KubeContextNotFound,*'
        $err.Exception.Message | Should -Match 'dev, prod'
    }
}

Describe 'Get-KubeVersion' -Tag Integration {
    BeforeAll {
        $script:ClusterConfig = Get-KubeTestKubeconfig
    }

    It 'returns client and server versions' {
        $version = Get-KubeVersion -Kubeconfig $script:ClusterConfig
        $version.ServerVersion | Should -Match '^v1\.\d+'
        $version.ClientVersion | Should -Not -BeNullOrEmpty
        $version.KubernetesClientVersion | Should -Match '^\d+\.'
        $version.Context | Should -Be (Get-KubeContext -Kubeconfig $script:ClusterConfig -Current).Name
    }

    It 'writes each API call to Verbose without secrets' {
        $verbose = Get-KubeVersion -Kubeconfig $script:ClusterConfig -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $lines = @($verbose | ForEach-Object Message)
        $lines | Should -Match '^GET https://\S+/version/? 200 in \d+ ms$'
        $token = [regex]::Match((Get-Content -Raw $script:ClusterConfig), 'token:\s*(\S+)').Groups[1].Value
        if ($token) { ($lines -join "`n") | Should -Not -Match ([regex]::Escape($token)) }
        ($lines -join "`n") | Should -Not -Match 'Bearer|Authorization'
    }

    It 'reports the client version offline with -ClientOnly' {
        (Get-KubeVersion -ClientOnly).ServerVersion | Should -BeNullOrEmpty
    }

    It 'uses the session context chosen by Set-KubeContext' {
        $ctx = (Get-KubeContext -Kubeconfig $script:ClusterConfig -Current).Name
        Set-KubeContext -Name $ctx -Kubeconfig $script:ClusterConfig
        (Get-KubeVersion -Kubeconfig $script:ClusterConfig).Context | Should -Be $ctx
    }
}

Describe 'Connection errors' -Tag Integration {
    It 'a missing kubeconfig is KubeConfigNotFound' {
        $err = { Get-KubeVersion -Kubeconfig (Join-Path $TestDrive 'does-not-exist') } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'KubeConfigNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'malformed YAML is KubeConfigInvalid naming the file and the line' {
        $path = Join-Path $TestDrive 'malformed'
        [IO.File]::WriteAllText($path, "apiVersion: v1`nclusters:`n  - name: [c1`n    bad: : :`n")
        $err = { Get-KubeContext -Kubeconfig $path } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'KubeConfigInvalid,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -Match ([regex]::Escape($path))
        $err.Exception.Message | Should -Match 'line \d+'
    }

    It 'an unknown -Context is KubeContextNotFound listing the known contexts' {
        $err = { Get-KubeVersion -Kubeconfig (Get-KubeTestKubeconfig) -Context 'no-such-context' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'KubeContextNotFound,*'
        $known = (Get-KubeContext -Kubeconfig (Get-KubeTestKubeconfig))[0].Name
        $err.Exception.Message | Should -Match ([regex]::Escape($known))
    }

    It 'an unreachable server is KubeUnreachable, fast, naming server and context' {
        $port = Get-ClosedPort
        $config = New-TestKubeconfig -Name 'unreachable' -Server "https://127.0.0.1:$port"
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $err = { Get-KubeVersion -Kubeconfig $config -ConnectTimeout 3 -WarningAction SilentlyContinue } | Should -Throw -PassThru
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 6
        $err.FullyQualifiedErrorId | Should -BeLike 'KubeUnreachable,*'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        $err.Exception.Message | Should -Match "127\.0\.0\.1:$port"
        $err.Exception.Message | Should -Match "context 'dev'"
    }

    It 'a server certificate from another CA is KubeTlsFailed' {
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=other-ca', $rsa, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
        $ca = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(30))
        $pem = "-----BEGIN CERTIFICATE-----`n" + [Convert]::ToBase64String($ca.RawData, 'InsertLineBreaks') + "`n-----END CERTIFICATE-----`n"
        $data = [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes($pem))
        $config = Copy-ClusterKubeconfig -Name 'wrong-ca' -Pattern 'certificate-authority-data:\s*\S+' -Replacement "certificate-authority-data: $data"
        if ((Get-Content -Raw $config) -notmatch [regex]::Escape($data)) { Set-ItResult -Skipped -Because 'the cluster kubeconfig has no certificate-authority-data'; return }
        $err = { Get-KubeVersion -Kubeconfig $config } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'KubeTlsFailed,*'
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
    }

    It 'a wrong token is KubeUnauthorized (401)' {
        $config = Copy-ClusterKubeconfig -Name 'wrong-token' -Pattern '(?m)^(\s*)token:\s*\S+' -Replacement '${1}token: kubeps-wrong-token'
        if ((Get-Content -Raw $config) -notmatch 'kubeps-wrong-token') { Set-ItResult -Skipped -Because 'the cluster kubeconfig does not use a bearer token'; return }
        $err = { Get-KubeVersion -Kubeconfig $config } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'KubeUnauthorized,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }

    It 'a missing exec plugin is KubeExecPluginFailed' {
        $userBlock = "    exec:`n      apiVersion: client.authentication.k8s.io/v1`n      command: kubeps-missing-plugin`n      installHint: Install kubeps-missing-plugin first."
        $config = New-TestKubeconfig -Name 'exec-missing' -UserBlock $userBlock
        $err = { Get-KubeVersion -Kubeconfig $config -WarningAction SilentlyContinue } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'KubeExecPluginFailed,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Match 'kubeps-missing-plugin'
        $err.Exception.Message | Should -Match 'Install kubeps-missing-plugin first'
    }

    It 'a failing exec plugin is KubeExecPluginFailed with its stderr' -Skip:($IsWindows) {
        $plugin = Join-Path $TestDrive 'failing-plugin.sh'
        [IO.File]::WriteAllText($plugin, "#!/bin/sh`necho 'please log in first' >&2`nexit 2`n")
        chmod +x $plugin
        $userBlock = "    exec:`n      apiVersion: client.authentication.k8s.io/v1`n      command: $plugin"
        $config = New-TestKubeconfig -Name 'exec-failing' -UserBlock $userBlock
        $err = { Get-KubeVersion -Kubeconfig $config -WarningAction SilentlyContinue } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'KubeExecPluginFailed,*'
        $err.Exception.Message | Should -Match 'please log in first'
        $err.Exception.Message | Should -Match 'exited with code 2'
    }
}

Describe 'Dependency isolation' -Tag Unit {
    It 'loads KubernetesClient and YamlDotNet into the KubePS load context' {
        $null = Get-KubeContext -Kubeconfig (New-TestKubeconfig -Name 'alc')
        $contexts = [AppDomain]::CurrentDomain.GetAssemblies() |
            Where-Object { $_.GetName().Name -in 'KubernetesClient', 'YamlDotNet', 'KubePS.Engine' -and [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name -eq 'KubePS' }
        @($contexts.GetName().Name | Sort-Object -Unique) | Should -Be @('KubePS.Engine', 'KubernetesClient', 'YamlDotNet')
    }
}

Describe 'KubeCmdlet pipeline' -Tag Unit {
    It 'Stop (Ctrl+C) aborts an in-flight request at once' {
        # A server that accepts TCP connections and never answers: the TLS handshake hangs until cancelled.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $config = New-TestKubeconfig -Name 'hanging' -Server "https://127.0.0.1:$($listener.LocalEndpoint.Port)"
            $ps = [powershell]::Create([System.Management.Automation.RunspaceMode]::NewRunspace)
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Get-Module KubePS).Path.Replace('.psm1', '.psd1')).AddStatement()
            $null = $ps.AddCommand('Get-KubeVersion').AddParameter('Kubeconfig', $config).AddParameter('WarningAction', 'SilentlyContinue')
            $async = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 1500
            $async.IsCompleted | Should -BeFalse -Because 'the request should still be waiting for the server'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $ps.Dispose()
        }
        finally {
            $listener.Stop()
        }
    }

    It 'works in a session where another YamlDotNet version was loaded first' {
        $yaml = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages/yamldotnet/13.7.1/lib/net7.0/YamlDotNet.dll'
        if (-not (Test-Path $yaml)) { Set-ItResult -Skipped -Because 'YamlDotNet 13.7.1 is not in the NuGet cache'; return }
        $module = (Get-Module KubePS).Path.Replace('.psm1', '.psd1')
        $config = New-TestKubeconfig -Name 'other-yaml'
        $script = "Add-Type -Path '$yaml'; Import-Module '$module'; (Get-KubeContext -Kubeconfig '$config').Name -join ','; " +
            "([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' } | ForEach-Object { `$_.GetName().Version.Major }) -join ','"
        $output = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $output[0] | Should -Be 'dev,prod'
        ($output[1] -split ',' | Sort-Object) | Should -Be @('13', '18')
    }
}
