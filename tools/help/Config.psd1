# Words for the help pages of the templates cmdlets (issue 9): Expand-KubeTemplate. The template parameters of
# Invoke-KubeDeploy and Get-KubeDeployPlan (-Environment, -ValuesFile, -Set, -Values, -Watch) are described on their pages.
@{
    Parameters = @{
        Path          = 'The application directory, or its kubeps.yaml. Templates are the *.yaml and *.yml files under the directory named by kubeps.yaml''s "- templates: <dir>" source, else under templates/, else the directory itself (values*, secrets* and kubeps.yaml excepted); files starting with _ and *.tpl files are partials for include.'
        Environment   = 'The environment to render for: values.<env>.yaml, secrets.<env>.yaml and environments.<env> of kubeps.yaml (its namespace, values and valuesFiles). An environment the application does not define is KubeTemplateUnknownEnvironment, which lists the known ones. Without it, values.yaml (and secrets.yaml) alone.'
        ValuesFile    = 'Values files merged after the environment''s files, in the order given. A file named secrets*.yaml is treated as secret.'
        Set           = 'key.path=value overrides, merged after -ValuesFile, in the order given; several may be joined with commas (a=1,b=2). Typed like helm --set: integers and decimals are numbers (a leading zero keeps text: 007), true/false bools, null removes the key, {a,b} is a list, list[0]=x and list[0].name=x index lists, \. escapes a dot in a key (labels.app\.kubernetes\.io/name=web), \, a comma. Values given with -Set are treated as secrets (never shown).'
        Values        = 'A hashtable of values merged last (nested hashtables and arrays become maps and lists).'
        Namespace     = 'The target namespace: the templates see it as namespace, and namespaced objects without metadata.namespace get it. Default: the environment''s namespace (kubeps.yaml environments.<env>.namespace), else kubeps.yaml''s namespace, else default.'
        NoTypedModels = 'Writes every object as a generic PSObject (as ConvertFrom-KubeYaml -NoTypedModels) instead of the client''s typed model for built-in kinds.'
    }
    Commands = @{
        'Expand-KubeTemplate' = @{
            Synopsis = 'Renders an application''s templates with its values for an environment and writes the objects, without touching the cluster.'
            Description = @'
An application directory holds templates (manifests with {{ }} expressions), values.yaml (the defaults), and per-environment values: values.<env>.yaml files and/or an environments: map in kubeps.yaml. Values merge deeply in this order, each later one winning: values.yaml, secrets.yaml, kubeps.yaml environments.<env>.values, the files in environments.<env>.valuesFiles, values.<env>.yaml, secrets.<env>.yaml, -ValuesFile (in order), -Set (in order), -Values. Maps merge key by key, a list or a scalar replaces, null removes a key. A later layer may not change a value's shape: a map stays a map, a list a list, a number a number (KubeTemplateValueType names the path and where the bad value came from); a number given for a string becomes its text.

Templates use the Scriban language: {{ values.image.tag }}, {{ if values.ingress.enabled }}...{{ end }}, {{ for p in values.ports }}...{{ end }}, pipes ({{ values.name | upper }}), {{- and -}} to trim whitespace. Globals: values, environment (also env), namespace and app (the application name). Functions: default, required "message" (KubeTemplateValueRequired names the value's path), fail "message", to_yaml/toYaml and to_json/toJson (with an indentation: {{ values.resources | to_yaml 10 }} starts on a new line indented by 10), indent, nindent, quote, squote, b64enc, b64dec, sha256 (of a text, or of a map or list: canonical JSON, for checksum/config annotations that restart pods when their configuration changes), upper, lower, trim, replace, contains, join, split, keys, has_key, int, include "partial", plus Scriban's string.*, array.*, math.*, date.* and regex.* functions.

Templates run in a sandbox: they see only values (maps, lists and scalars), no .NET member is reachable, include reads only the application's partials, object.eval is removed, and loops (10,000 iterations), recursion (64 levels), output (4 MB) and time (10 s per template) are bounded.

Every template renders even when one fails, so one run reports all of them: a syntax error (KubeTemplateSyntaxError: file(line,column) and the offending text), a missing required value (KubeTemplateValueRequired), a render failure (KubeTemplateRenderFailed), rendered text that is not YAML (KubeTemplateOutputInvalid, with the rendered line). When any template fails no object is written. Secret values (from secrets*.yaml, -Set, and the paths listed in kubeps.yaml secretValues:) and their base64 forms are replaced by *** in every message and in verbose output.

Invoke-KubeDeploy -Path app -Environment prod renders the same way (kubeps.yaml lists "- templates: templates" under sources) and deploys; -Watch keeps watching the files and re-applies what changed. See docs/examples/guestbook.
'@
            Examples = @(
                @{ Title = 'See what prod would get'; Code = 'Expand-KubeTemplate -Path ./docs/examples/guestbook -Environment prod | ConvertTo-KubeYaml'; Remarks = 'values.yaml, then kubeps.yaml environments.prod and values.prod.yaml: 3 replicas, the prod image tag, an Ingress, all in namespace guestbook-prod. Nothing is sent to a cluster.' }
                @{ Title = 'Override values on the command line'; Code = "Expand-KubeTemplate ./docs/examples/guestbook dev -Set 'replicas=2,image.tag=1.27.4' -Values @{ logLevel = 'trace' } | Where-Object Kind -eq Deployment"; Remarks = '-Set is typed like helm --set (2 is a number); -Values is merged last.' }
                @{ Title = 'Compare two environments'; Code = 'Compare-Object (Expand-KubeTemplate ./app dev | ConvertTo-KubeYaml) (Expand-KubeTemplate ./app prod | ConvertTo-KubeYaml)'; Remarks = 'The lines that differ between the rendered environments.' }
                @{ Title = 'Check templates in CI'; Code = 'Expand-KubeTemplate ./app -Environment prod -ErrorAction Stop | Out-Null'; Remarks = 'A syntax error, a missing required value or rendered text that is not YAML fails the step with the file, line and column.' }
                @{ Title = 'A config checksum that restarts pods'; Code = "# templates/deployment.yaml:`n#   annotations:`n#     checksum/config: {{ values.config | sha256 }}"; Remarks = 'The hash changes when the configuration changes, so the Deployment rolls its pods; key order does not matter.' }
            )
            Inputs = 'System.String (the application directory, by property name FullName)'
            Outputs = 'k8s.Models.V1* typed models for built-in kinds, PSObject for other kinds; each with a KubeTemplateSource property naming its template file.'
            Notes = 'Error ids: KubeTemplateSyntaxError, KubeTemplateRenderFailed, KubeTemplateValueRequired, KubeTemplateValueType, KubeTemplateUnknownEnvironment, KubeTemplateOutputInvalid, KubeTemplateValuesInvalid. The template language is Scriban (scriban.github.io). Example application: docs/examples/guestbook.'
            Links = @('Invoke-KubeDeploy', 'Get-KubeDeployPlan', 'ConvertTo-KubeYaml', 'ConvertFrom-KubeYaml')
        }
    }
}
