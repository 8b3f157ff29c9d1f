# Expand-KubeTemplate (no cluster): the guestbook example per environment, the merge order of values, -Set typing,
# each template feature, bad input with positions, secrets kept out of output streams; and Invoke-KubeDeploy /
# Get-KubeDeployPlan -Environment against the cluster in $env:KUBEPS_TEST_KUBECONFIG.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-KubeTestModule
    $script:Example = Join-Path (Get-KubeTestRepoRoot) 'docs/examples/guestbook'

    function New-App {
        # A copy of the guestbook example (or an empty app) under TestDrive, with extra files (relative name -> text).
        param([hashtable] $Files = @{}, [switch] $Empty)
        $dir = Join-Path $TestDrive ('app-' + [guid]::NewGuid().ToString('n').Substring(0, 6))
        if ($Empty) { $null = New-Item -ItemType Directory -Path (Join-Path $dir 'templates') -Force }
        else { Copy-Item -Recurse $script:Example $dir }
        foreach ($k in $Files.Keys) {
            $path = Join-Path $dir $k
            $null = New-Item -ItemType Directory -Force -Path (Split-Path $path)
            [IO.File]::WriteAllText($path, $Files[$k].Replace("`r`n", "`n"))
        }
        $dir
    }

    function Get-Obj($Objects, [string] $Kind) { $Objects | Where-Object { $_.Kind -eq $Kind } }
    function LogLevel($Objects) { (Get-Obj $Objects ConfigMap).Data['LOG_LEVEL'] }
    function Port($Objects) { (Get-Obj $Objects Deployment).Spec.Template.Spec.Containers[0].Ports[0].ContainerPort }
    function Image($Objects) { (Get-Obj $Objects Deployment).Spec.Template.Spec.Containers[0].Image }

    function Get-Error([scriptblock] $Script) {
        # The first error of a command as a terminating one (or $null).
        $ErrorActionPreference = 'Stop'
        try { $null = & $Script; $null } catch { $_ }
    }
}

Describe 'Expand-KubeTemplate' -Tag Unit {
    Context 'the example application' {
        It 'renders prod to typed objects with prod values, in the prod namespace' {
            $objs = Expand-KubeTemplate -Path $script:Example -Environment prod
            ($objs.Kind | Sort-Object) -join ',' | Should -Be 'ConfigMap,Deployment,Ingress,Namespace,Secret,Service'
            $d = Get-Obj $objs Deployment
            $d.GetType().Name | Should -Be 'V1Deployment'
            $d.Spec.Replicas | Should -Be 3
            $d.Spec.Template.Spec.Containers[0].Image | Should -Be 'nginx:1.27.3'
            $d.Spec.Template.Spec.Containers[0].Resources.Limits['memory'].ToString() | Should -Be '512Mi'
            $d.Metadata.NamespaceProperty | Should -Be 'guestbook-prod'
            (Get-Obj $objs Ingress).Spec.Rules[0].Host | Should -Be 'guestbook.example.com'
        }

        It 'renders dev without the Ingress, with the inline and file values of dev' {
            $objs = Expand-KubeTemplate $script:Example dev
            Get-Obj $objs Ingress | Should -BeNullOrEmpty
            $cm = Get-Obj $objs ConfigMap
            $cm.Data['LOG_LEVEL'] | Should -Be 'debug'
            $cm.Data['FEATURES'] | Should -Be 'guestbook-v2,debug-toolbar'
            $cm.Metadata.NamespaceProperty | Should -Be 'guestbook-dev'
            $cm.Metadata.Labels['environment'] | Should -Be 'dev'
        }

        It 'pipes to ConvertTo-KubeYaml' {
            $yaml = Expand-KubeTemplate $script:Example prod | ConvertTo-KubeYaml
            $yaml | Should -Match 'kind: Deployment'
            $yaml | Should -Match 'replicas: 3'
        }

        It '-Namespace wins over the environment''s namespace' {
            $objs = Expand-KubeTemplate $script:Example prod -Namespace team-a
            (Get-Obj $objs Namespace).Metadata.Name | Should -Be 'team-a'
            (Get-Obj $objs Service).Metadata.NamespaceProperty | Should -Be 'team-a'
        }
    }

    Context 'merge order' {
        It 'merges values.yaml, then the environment (kubeps.yaml values, values.ENV.yaml), -ValuesFile, -Set, -Values' {
            $app = New-App -Files @{
                'extra1.yaml' = "web: {port: 8081}`nimage: {tag: file1}`nlogLevel: file1"
                'extra2.yaml' = "web: {port: 8082}`nimage: {tag: file2}"
            }

            LogLevel (Expand-KubeTemplate $app -Set 'redis.enabled=false') | Should -Be 'info'   # values.yaml
            LogLevel (Expand-KubeTemplate $app dev) | Should -Be 'debug'                  # kubeps.yaml environments.dev.values
            (Get-Obj (Expand-KubeTemplate $app dev) Deployment).Spec.Replicas | Should -Be 1
            (Get-Obj (Expand-KubeTemplate $app prod) Deployment).Spec.Replicas | Should -Be 3   # values.prod.yaml

            $files = Expand-KubeTemplate $app prod -ValuesFile (Join-Path $app 'extra1.yaml'), (Join-Path $app 'extra2.yaml')
            Port $files | Should -Be 8082                                          # later -ValuesFile wins
            LogLevel $files | Should -Be 'file1'
            Image $files | Should -Be 'nginx:file2'

            $set = Expand-KubeTemplate $app prod -ValuesFile (Join-Path $app 'extra2.yaml') -Set 'image.tag=set1', 'image.tag=set2'
            Image $set | Should -Be 'nginx:set2'                                   # -Set over files, in order

            $all = Expand-KubeTemplate $app prod -ValuesFile (Join-Path $app 'extra2.yaml') -Set 'image.tag=set1' -Values @{ image = @{ tag = 'ht' } }
            Image $all | Should -Be 'nginx:ht'                                     # -Values last
            Port $all | Should -Be 8082                                            # deep merge keeps the rest
        }

        It '-Set is typed like helm: numbers, bools, lists, escaped dots' {
            $app = New-App -Empty -Files @{
                'values.yaml'          = "n: 0`nflag: false`nlist: []`nlabels: {}"
                'templates/cm.yaml'    = @'
apiVersion: v1
kind: ConfigMap
metadata:
  name: typed
data:
  n: "{{ values.n + 1 }}"
  flag: "{{ if values.flag }}on{{ else }}off{{ end }}"
  list: "{{ values.list | join "+" }}"
  size: "{{ values.list | array.size }}"
  dotted: "{{ values.labels["app.kubernetes.io/name"] }}"
  zero: "{{ values.z }}"
'@
            }
            $cm = Expand-KubeTemplate $app -Set 'n=41,flag=true,list={a,b,c}', 'labels.app\.kubernetes\.io/name=web', 'z=007' -NoTypedModels
            $cm.data.n | Should -Be '42'
            $cm.data.flag | Should -Be 'on'
            $cm.data.list | Should -Be 'a+b+c'
            $cm.data.size | Should -Be '3'
            $cm.data.dotted | Should -Be 'web'
            $cm.data.zero | Should -Be '007'
        }
    }

    Context 'template features' {
        It 'required, default, loops, conditionals, to_yaml/to_json indentation, b64enc, sha256, partials' {
            $app = New-App -Empty -Files @{
                'values.yaml'         = "name: demo`nports: [80, 443]`nres: {cpu: 1, memory: 1Gi}`npassword: hunter22`nconfig: {a: 1}"
                'templates/_meta.tpl' = "name: {{ values.name }}`nlabels: {app: {{ values.name }}}"
                'templates/all.yaml'  = @'
apiVersion: v1
kind: ConfigMap
metadata:{{ include "meta" | nindent 2 }}
  annotations:
    checksum/config: {{ values.config | sha256 }}
data:
  env: {{ environment | default "none" }}
  ns: {{ namespace }}
  app: {{ app }}
  ports: "{{ for p in values.ports }}{{ p }}{{ if !for.last }},{{ end }}{{ end }}"
  tier: {{ values.tier | default "backend" }}
  upper: {{ values.name | upper }}
  json: {{ values.res | to_json | squote }}
  yaml: |{{ values.res | to_yaml 4 }}
  pw: {{ values.password | b64enc }}
  {{- if values.extra }}
  extra: yes
  {{- end }}
'@
            }
            $cm = Expand-KubeTemplate $app -NoTypedModels -Namespace ns1
            $cm.metadata.name | Should -Be 'demo'
            $cm.metadata.labels.app | Should -Be 'demo'
            $cm.data.env | Should -Be 'none'
            $cm.data.ns | Should -Be 'ns1'
            $cm.data.ports | Should -Be '80,443'
            $cm.data.tier | Should -Be 'backend'
            $cm.data.upper | Should -Be 'DEMO'
            $cm.data.json | Should -Be '{"cpu":1,"memory":"1Gi"}'
            $cm.data.yaml | Should -Be "cpu: 1`nmemory: 1Gi`n"
            [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($cm.data.pw)) | Should -Be 'hunter22'
            $cm.data.PSObject.Properties.Name | Should -Not -Contain 'extra'
            $sha = $cm.metadata.annotations.'checksum/config'
            $sha | Should -Match '^[0-9a-f]{64}$'
            # The checksum follows the configuration (a changed value restarts the pods).
            (Expand-KubeTemplate $app -NoTypedModels -Set 'config.a=2').metadata.annotations.'checksum/config' | Should -Not -Be $sha
            (Expand-KubeTemplate $app -NoTypedModels -Set 'config.a=1').metadata.annotations.'checksum/config' | Should -Be $sha
        }

        It 'has no .NET member access, no eval and no file access' {
            $app = New-App -Empty -Files @{ 'templates/a.yaml' = "x: '{{ values.s.Length }}{{ values.s.GetType }}'" ; 'values.yaml' = 's: abc' }
            (Expand-KubeTemplate $app -NoTypedModels).x | Should -Be ''
            $app2 = New-App -Empty -Files @{ 'templates/a.yaml' = "x: {{ include '/etc/hostname' }}" }
            $e = Get-Error { Expand-KubeTemplate $app2 }
            $e.FullyQualifiedErrorId | Should -BeLike 'KubeTemplateRenderFailed,*'
            $e.Exception.Message | Should -Match 'no such partial'
            $app3 = New-App -Empty -Files @{ 'templates/a.yaml' = "x: {{ while true }}{{ end }}" }
            (Get-Error { Expand-KubeTemplate $app3 }).FullyQualifiedErrorId | Should -BeLike 'KubeTemplateRenderFailed,*'
        }
    }

    Context 'bad input' {
        It 'a template syntax error names the file, line, column and text' {
            $app = New-App -Files @{ 'templates/service.yaml' = "apiVersion: v1`nkind: Service`nmetadata:`n  name: {{ app }-web`n" }
            $e = Get-Error { Expand-KubeTemplate $app dev }
            $e.FullyQualifiedErrorId | Should -BeLike 'KubeTemplateSyntaxError,*'
            $e.Exception.Message | Should -Match 'service\.yaml\(4,\d+\)'
            $e.Exception.Message | Should -Match '\{\{ app \}-web'
        }

        It 'a missing required value names its path and the message' {
            $app = New-App -Files @{ 'values.prod.yaml' = "replicas: 3`ningress: {enabled: true}`nredis: {password: pw-123}" }
            $e = Get-Error { Expand-KubeTemplate $app prod }
            $e.FullyQualifiedErrorId | Should -BeLike 'KubeTemplateValueRequired,*'
            $e.Exception.Message | Should -Match 'ingress\.host'
            $e.Exception.Message | Should -Match 'needed when ingress.enabled'
            $e.TargetObject | Should -Be 'ingress.host'
        }

        It 'a value of the wrong type is refused with its path' {
            $e = Get-Error { Expand-KubeTemplate $script:Example dev -Set 'web.resources=big' }
            $e.FullyQualifiedErrorId | Should -BeLike 'KubeTemplateValueType,*'
            $e.Exception.Message | Should -Match 'web\.resources must be a map'
            $e2 = Get-Error { Expand-KubeTemplate $script:Example dev -Values @{ replicas = 'three' } }
            $e2.FullyQualifiedErrorId | Should -BeLike 'KubeTemplateValueType,*'
        }

        It 'an unknown environment lists the known ones' {
            $e = Get-Error { Expand-KubeTemplate $script:Example staging }
            $e.FullyQualifiedErrorId | Should -BeLike 'KubeTemplateUnknownEnvironment,*'
            $e.Exception.Message | Should -Match 'known: dev, prod'
        }

        It 'rendered text that is not YAML shows the rendered line' {
            $app = New-App -Files @{ 'templates/bad.yaml' = "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: x`n   level: {{ values.logLevel }}`n" }
            $e = Get-Error { Expand-KubeTemplate $app dev }
            $e.FullyQualifiedErrorId | Should -BeLike 'KubeTemplateOutputInvalid,*'
            $e.Exception.Message | Should -Match 'Rendered line 5:\s+level: debug'
        }

        It 'a malformed -Set is refused' {
            (Get-Error { Expand-KubeTemplate $script:Example dev -Set 'novalue' }).FullyQualifiedErrorId | Should -BeLike 'KubeTemplateValuesInvalid,*'
        }

        It 'writes no object when one template fails, and reports every failing template' {
            $app = New-App -Files @{ 'templates/b1.yaml' = '{{ if }}'; 'templates/b2.yaml' = '{{ fail "no" }}' }
            $out = $null
            $thrown = $null
            try { $out = Expand-KubeTemplate $app dev -ErrorVariable errs -ErrorAction SilentlyContinue } catch { $thrown = $_ }
            $out | Should -BeNullOrEmpty
            $thrown.FullyQualifiedErrorId | Should -BeLike 'KubeTemplateSyntaxError,*'
            # The first failure ends the command; the others are written before it.
            $errs.FullyQualifiedErrorId | Should -BeLike 'KubeTemplateRenderFailed,*'
        }
    }

    Context 'secrets' {
        It 'never shows secret values in verbose output or errors' {
            $app = New-App -Files @{ 'secrets.dev.yaml' = "apiKey: sk-verysecret-123"; 'templates/bad.yaml' = "a: b`n  c: {{ values.apiKey }}: {{ values.redis.password }}`n" }
            $thrown = $null
            $all = try { Expand-KubeTemplate $app dev -Set 'redis.password=s3cr3t-from-set' -Verbose -ErrorAction SilentlyContinue -ErrorVariable errs *>&1 | Out-String } catch { $thrown = $_ }
            $text = "$all" + ($errs | Out-String) + "$thrown" + $thrown.Exception.Message
            $errs.Count | Should -BeGreaterThan 0
            $text | Should -Match 'Rendered line'
            $text | Should -Not -Match 'sk-verysecret-123'
            $text | Should -Not -Match 's3cr3t-from-set'
            $text | Should -Match '\*\*\*'
        }
    }
}

Describe 'Invoke-KubeDeploy -Environment' -Tag Integration {
    BeforeAll {
        $script:Kc = Get-KubeTestKubeconfig
        $script:Ns = New-KubeTestNamespace -Prefix 'tpl'
    }
    AfterAll { Remove-KubeTestNamespace -Name $script:Ns }

    It 'plans and deploys the rendered objects of an environment' {
        $plan = Get-KubeDeployPlan -Path $script:Example -Environment prod -Namespace $script:Ns -Kubeconfig $script:Kc -NoDiff
        ($plan.Kind | Sort-Object) -join ',' | Should -Be 'ConfigMap,Deployment,Ingress,Namespace,Secret,Service'
        $plan | ForEach-Object { $_.Source | Should -Match 'templates' }

        $res = Invoke-KubeDeploy -Path $script:Example -Environment dev -Set 'replicas=2' -Namespace $script:Ns -Kubeconfig $script:Kc -ErrorAction Stop
        ($res | Where-Object State -notin 'Ready', 'Applied') | Should -BeNullOrEmpty
        $cm = Get-KubeConfigMap -Name guestbook-config -Namespace $script:Ns -Kubeconfig $script:Kc
        $cm.Data['LOG_LEVEL'] | Should -Be 'debug'
        $cm.Metadata.Labels['kubeps.io/application'] | Should -Be 'guestbook'
        (Get-KubeDeployment -Name guestbook-web -Namespace $script:Ns -Kubeconfig $script:Kc).Spec.Replicas | Should -Be 2
    }

    It 'a template error fails validation and applies nothing' {
        $app = New-App -Files @{ 'templates/extra.yaml' = "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: {{ values.nothere | required `"nothere please`" }}`n" }
        $err = $null
        try { Invoke-KubeDeploy -Path $app -Environment dev -Namespace $script:Ns -Kubeconfig $script:Kc -Set 'logLevel=changed' -ErrorVariable all -ErrorAction SilentlyContinue } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'KubeDeployValidationFailed,*'
        ($all.FullyQualifiedErrorId -like 'KubeTemplateValueRequired*').Count | Should -Be 1
        (Get-KubeConfigMap -Name guestbook-config -Namespace $script:Ns -Kubeconfig $script:Kc).Data['LOG_LEVEL'] | Should -Be 'debug'
    }

    It 'refuses template parameters for an application without templates' {
        $dir = Join-Path $TestDrive 'plain'
        $null = New-Item -ItemType Directory -Path $dir -Force
        Set-Content -Path (Join-Path $dir 'cm.yaml') -Value "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: plain}`n"
        (Get-Error { Invoke-KubeDeploy -Path $dir -Environment prod -Namespace $script:Ns -Kubeconfig $script:Kc }).FullyQualifiedErrorId | Should -BeLike 'KubeTemplateValuesInvalid,*'
    }
}
