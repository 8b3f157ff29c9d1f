# Words for the help pages that tools/New-HelpPage.ps1 writes (docs/en-US/*.md are then edited by hand).
@{
    Parameters = @{
        Context        = 'The kubeconfig context to use for this call. Default: the session''s context (Set-KubeContext), else the kubeconfig''s current-context.'
        Kubeconfig     = 'A kubeconfig file to use instead of $env:KUBECONFIG, ~/.kube/config or the in-cluster service account.'
        Namespace      = 'The namespace. Default: the session''s namespace for the context (Set-KubeContext -Namespace), else the context''s namespace, else default. Ignored for cluster-scoped kinds.'
        ConnectTimeout = 'Seconds to wait for a connection to the API server before failing with KubeUnreachable (default 10).'
        Name           = 'Names or wildcard patterns. An exact name is one GET; a pattern lists the namespace and keeps the matches. A pattern that matches nothing writes nothing and no error, like Get-ChildItem.'
        AllNamespaces  = 'Lists across all namespaces (kubectl -A).'
        Selector       = 'A label selector, as kubectl -l takes it: app=web, tier in (front,back), !legacy. The server filters.'
        FieldSelector  = 'A field selector: metadata.name=web, status.phase=Running. The server filters.'
        InputObject    = 'The objects to convert.'
        IncludeManagedFields = 'Keeps metadata.managedFields, which are stripped by default as kubectl get -o yaml users expect.'
    }
    Commands = @{
        'Get-KubeResource' = @{
            Synopsis = 'Gets objects of any kind the cluster serves, custom resources included.'
            Description = 'Finds the kind through discovery (cached for the session and refreshed once when a kind is not found, so a CRD created a moment ago works) and accepts every name kubectl accepts: plural, singular, short names, kinds, and group-qualified names (po, pods, Pod, deploy, deployments.apps, Widget.example.com). Built-in kinds come out as the Kubernetes client''s typed models (V1Pod, V1Deployment, ...); custom resources as PSObjects typed KubePS.Resource#<group>/<Kind>. Every object has Name, Namespace, Kind and Age properties, so the output pipes into any cmdlet that takes -Name/-Namespace/-Kind by property name. Lists are read page by page (limit/continue) and written as they arrive. An unknown kind is a KubeUnknownKind error that suggests close names; a namespace that does not exist is KubeNotFound; a name that does not exist is a non-terminating KubeNotFound and the other names are still returned.'
            Examples = @(
                @{ Title = 'Get deployments with a short name'; Code = 'Get-KubeResource deploy -Namespace web'; Remarks = 'The same as Get-KubeDeployment -Namespace web.' }
                @{ Title = 'Get custom resources of a CRD across all namespaces'; Code = 'Get-KubeResource -Kind widgets.example.com -AllNamespaces | Sort-Object Age'; Remarks = 'Custom resources are PSObjects; Age is a TimeSpan, so Sort-Object sorts by it.' }
                @{ Title = 'Select by label and wildcard'; Code = 'Get-KubeResource -Kind configmaps -Name app-* -Selector tier=backend'; Remarks = 'The server filters by label; the name pattern is matched locally.' }
            )
            Parameters = @{ Kind = 'The kind as kubectl accepts it: po, pods, Pod, deploy, deployments.apps, Widget.example.com. Completion offers the kinds the cluster serves.'; ApiVersion = 'Restricts the kind to one API version (v1, apps/v1, example.com/v1beta1); by default the group''s preferred version is used.' }
            Inputs = 'System.String'; Outputs = 'k8s.Models.* or KubePS.Resource'; Notes = 'Objects piped in bind -Kind, -Name, -Namespace and -ApiVersion by property name, so Get-KubeResource can refresh any kube object.'
            Links = @('Get-KubeApiResource', 'Get-KubePod', 'ConvertTo-KubeYaml')
        }
        'Get-KubeApiResource' = @{
            Synopsis = 'Lists the resource types the cluster serves, like kubectl api-resources.'
            Description = 'Reads discovery (once per session; -Refresh reads it again) and writes one object per resource type: Plural, Singular, ShortNames, Kind, Group, Version, ApiVersion, Namespaced and Verbs. By default only each group''s preferred version is listed, as kubectl does.'
            Examples = @(
                @{ Title = 'List everything'; Code = 'Get-KubeApiResource | Format-Table Plural, ShortNames, ApiVersion, Namespaced, Kind'; Remarks = 'The same columns kubectl api-resources prints.' }
                @{ Title = 'Find cluster-scoped kinds of one group'; Code = 'Get-KubeApiResource -ApiGroup apiextensions.k8s.io -Namespaced $false'; Remarks = 'Use "core" or "" for the core group.' }
            )
            Parameters = @{ Name = 'Only types whose plural, short name or kind matches (wildcards allowed).'; ApiGroup = 'Only this API group ("core" or "" for the core group).'; Namespaced = 'Only namespaced ($true) or cluster-scoped ($false) types.'; AllVersions = 'Lists every served version, not only each group''s preferred one.'; Refresh = 'Reads discovery again instead of using the session''s cache.'; Namespace = 'Not used by this cmdlet (it lists types, not objects); accepted for consistency with the other cluster cmdlets.' }
            Inputs = 'None'; Outputs = 'KubePS.Engine.Discovery.ApiResourceInfo'; Notes = ''
            Links = @('Get-KubeResource')
        }
        'Get-KubePod' = @{
            Synopsis = 'Gets pods by name, selector, node or phase, or the pods of the workloads piped in.'
            Description = 'Returns V1Pod objects with extra properties that read like kubectl get pods: Ready (2/3), State (kubectl''s STATUS: Running, CrashLoopBackOff, Completed, Init:0/1, Terminating, ...), Restarts and Age. Pipe a Deployment, ReplicaSet, StatefulSet, DaemonSet or Job in to get its pods (by its selector); pipe a pod in to refresh it. The default view prints NAME READY STATUS RESTARTS AGE grouped by namespace; Format-Table -View Wide adds IP and NODE.'
            Examples = @(
                @{ Title = 'Pods that restart too often'; Code = 'Get-KubePod -Namespace web | Where-Object Restarts -gt 3'; Remarks = 'Restarts is an integer property, so it compares as a number.' }
                @{ Title = 'The pods of a deployment'; Code = 'Get-KubeDeployment web -Namespace shop | Get-KubePod'; Remarks = 'Uses the deployment''s selector in its namespace.' }
                @{ Title = 'Running pods on one node, across namespaces'; Code = 'Get-KubePod -AllNamespaces -Phase Running -Node kubeps-node-1 | Format-Table -View Wide'; Remarks = 'The phase is filtered by the server; the node on the client as well, so it works on any server.' }
            )
            Parameters = @{ Name = 'Pod names or wildcard patterns.'; InputObject = 'A pod (refreshed), a workload (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job: its pods, found by its selector in its namespace), a namespace (its pods: Get-KubeNamespace -Selector team=web | Get-KubePod; a namespace you may not list is one non-terminating KubeForbidden error and the others are still listed), or a pod name.'; Node = 'Only pods scheduled on this node (spec.nodeName).'; Phase = 'Only pods in this phase (status.phase).' }
            Inputs = 'k8s.Models.V1Deployment, V1ReplicaSet, V1StatefulSet, V1DaemonSet, V1Job, V1Pod'; Outputs = 'k8s.Models.V1Pod'; Notes = 'State is kubectl''s STATUS column; Status stays the API''s status object (Status.PodIP, Status.ContainerStatuses).'
            Links = @('Get-KubeResource', 'Get-KubeDeployment', 'Get-KubeEvent')
        }
        'Get-KubeSecret' = @{
            Synopsis = 'Gets secrets; the values are shown only with -Decode.'
            Description = 'Returns V1Secret objects. The default view prints NAME TYPE DATA AGE (the number of keys), never a value. With -Decode each secret gets a DecodedData hashtable with the values as UTF-8 text.'
            Examples = @(
                @{ Title = 'List secrets'; Code = 'Get-KubeSecret -Namespace web'; Remarks = 'Shows key counts only.' }
                @{ Title = 'Read one value'; Code = '(Get-KubeSecret db-credentials -Namespace web -Decode).DecodedData.password'; Remarks = 'Decoding is explicit, so values never appear by accident in logs.' }
            )
            Parameters = @{ Decode = 'Adds a DecodedData property with the values as text (UTF-8). Without it, the views show only key counts.' }
            Inputs = 'System.String'; Outputs = 'k8s.Models.V1Secret'; Notes = ''
            Links = @('Get-KubeConfigMap')
        }
        'Get-KubeEvent' = @{
            Synopsis = 'Gets events, oldest first: about one object, of one type or reason, or recent ones.'
            Description = 'Returns Corev1Event objects sorted by when they were last seen. -For takes any kube object (from the pipeline too) and keeps the events about it; -Type, -Reason and -Since filter further. The default view prints LAST SEEN TYPE REASON OBJECT MESSAGE like kubectl events.'
            Examples = @(
                @{ Title = 'Warnings of the last ten minutes'; Code = 'Get-KubeEvent -Namespace web -Type Warning -Since 10m'; Remarks = '-Since takes a TimeSpan or a duration such as 10m, 1h, 90s.' }
                @{ Title = 'Events of one pod'; Code = 'Get-KubePod web-0 -Namespace web | Get-KubeEvent'; Remarks = 'The same events kubectl describe pod shows.' }
            )
            Parameters = @{ For = 'Only events about this object (a pod, a deployment, any kube object).'; Type = 'Only events of this type.'; Reason = 'Only events with one of these reasons (wildcards allowed): BackOff, Failed*, Scaling*.'; Since = 'Only events last seen within this time: a TimeSpan or a duration such as 10m, 1h30m, 90s.' }
            Inputs = 'Any kube object'; Outputs = 'k8s.Models.Corev1Event'; Notes = 'To keep watching for new events, use Watch-KubeEvent with the same filters.'
            Links = @('Get-KubePod', 'Watch-KubeEvent')
        }
        'Show-KubeResource' = @{
            Synopsis = 'Shows one object the way kubectl describe does: identity, spec and status, and recent events.'
            Description = 'Reads the object (any kind, custom resources included) and the events about it, and writes a KubeDescription object (Kind, Name, Namespace, Object, Events, Text) whose default view prints the describe-style text: name, namespace, labels, annotations, creation time, for pods the node, status, IP and each container''s image, state, readiness and restarts, then the spec and status as an indented tree, then the events (type, reason, age, source, message). Secret values are never printed, only their sizes.'
            Examples = @(
                @{ Title = 'Describe a pod'; Code = 'Show-KubeResource pod web-0 -Namespace shop'; Remarks = 'Like kubectl describe pod web-0 -n shop.' }
                @{ Title = 'Describe what a query found'; Code = 'Get-KubePod -Namespace shop | Where-Object State -eq CrashLoopBackOff | Show-KubeResource'; Remarks = 'Each pod piped in is described with its recent events.' }
                @{ Title = 'Use the events as objects'; Code = '(Show-KubeResource deploy web -Namespace shop).Events | Where-Object Type -eq Warning'; Remarks = '' }
            )
            Parameters = @{ Kind = 'The kind (any kind kubectl accepts) when naming the object.'; Name = 'The object''s name.'; InputObject = 'An object from Get-Kube* (or any kube object) to describe.'; EventCount = 'How many of the most recent events to show (default 20; 0 for none).' }
            Inputs = 'Any kube object'; Outputs = 'KubePS.Commands.KubeDescription'; Notes = ''
            Links = @('Get-KubeResource', 'Get-KubeEvent')
        }
        'ConvertTo-KubeYaml' = @{
            Synopsis = 'Converts kube objects (typed models, custom resources, hashtables) to YAML.'
            Description = 'Writes the objects as Kubernetes YAML, the API''s field names and formats, one document per object separated by ---. Strings that YAML would read as something else (numbers, true, yes, null) are quoted, so the YAML reads back to the same object. metadata.managedFields is stripped unless -IncludeManagedFields.'
            Examples = @(
                @{ Title = 'Show a deployment as YAML'; Code = 'Get-KubeDeployment web -Namespace shop | ConvertTo-KubeYaml'; Remarks = 'Like kubectl get deployment web -o yaml.' }
                @{ Title = 'Write a manifest from a hashtable'; Code = "@{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'app' }; data = @{ port = '8080' } } | ConvertTo-KubeYaml | Set-Content app.yaml"; Remarks = 'port stays a string: it is written as ''8080''.' }
            )
            Parameters = @{ AsArray = 'Writes one string per object instead of one multi-document string.' }
            Inputs = 'Any kube object, hashtable or PSCustomObject'; Outputs = 'System.String'; Notes = ''
            Links = @('ConvertFrom-KubeYaml', 'ConvertTo-KubeJson')
        }
        'ConvertFrom-KubeYaml' = @{
            Synopsis = 'Reads Kubernetes YAML or JSON, one or many documents, into objects.'
            Description = 'Each document becomes the Kubernetes client''s typed model when its apiVersion and kind are known (V1Deployment, ...), else a PSObject typed KubePS.Resource#<group>/<Kind>. Lines piped one by one (Get-Content) are joined first. Plain scalars are typed as Kubernetes reads them; quoted ones stay strings. A syntax error is a KubeYamlInvalid error naming the file, the document and the line.'
            Examples = @(
                @{ Title = 'Read a multi-document file'; Code = 'ConvertFrom-KubeYaml -Path ./manifests/app.yaml | Select-Object Kind, Name'; Remarks = '' }
                @{ Title = 'Round-trip text'; Code = "Get-Content app.yaml | ConvertFrom-KubeYaml | ConvertTo-KubeYaml"; Remarks = 'Nothing is lost or retyped on the way.' }
            )
            Parameters = @{ Yaml = 'YAML (or JSON) text; lines piped one by one are joined first.'; Path = 'Files to read (wildcards allowed).'; NoTypedModels = 'Returns PSObjects for every document, even kinds with a typed model.' }
            Inputs = 'System.String'; Outputs = 'k8s.Models.* or KubePS.Resource'; Notes = ''
            Links = @('ConvertTo-KubeYaml')
        }
        'ConvertTo-KubeJson' = @{
            Synopsis = 'Converts kube objects to Kubernetes JSON.'
            Description = 'Writes the API''s JSON (apiVersion, kind, metadata, spec: the Kubernetes field names, not .NET property names). -AsList wraps several objects in a v1 List like kubectl get -o json.'
            Examples = @(
                @{ Title = 'One object as JSON'; Code = 'Get-KubeService web -Namespace shop | ConvertTo-KubeJson'; Remarks = '' }
                @{ Title = 'A list of pods, compact'; Code = 'Get-KubePod -Namespace shop | ConvertTo-KubeJson -AsList -Compress'; Remarks = 'The same shape as kubectl get pods -o json.' }
            )
            Parameters = @{ Compress = 'Writes one line per object instead of indented JSON.'; AsList = 'Wraps the objects in one v1 List instead of writing one string per object.' }
            Inputs = 'Any kube object'; Outputs = 'System.String'; Notes = ''
            Links = @('ConvertTo-KubeYaml')
        }
        'Get-KubeDeployment' = @{
            Synopsis = 'Gets deployments as typed objects.'
            Description = 'A typed shortcut for Get-KubeResource: returns k8s.Models.V1Deployment objects with Name, Namespace and Age properties. The default view prints NAME READY UP-TO-DATE AVAILABLE AGE like kubectl get. Exact names are one GET each; wildcards list and filter; -Selector and -FieldSelector are passed to the server.'
            Examples = @(
                @{ Title = 'List deployments'; Code = 'Get-KubeDeployment -Namespace shop'; Remarks = '' }
                @{ Title = 'Filter as objects'; Code = 'Get-KubeDeployment -AllNamespaces | Where-Object { $_.Status.ReadyReplicas -lt $_.Spec.Replicas }'; Remarks = 'Deployments that are not fully ready.' }
            )
            Inputs = 'System.String'; Outputs = 'k8s.Models.V1Deployment'; Notes = ''
            Links = @('Get-KubeResource')
        }
        'Get-KubeReplicaSet' = @{
            Synopsis = 'Gets replica sets as typed objects.'
            Description = 'A typed shortcut for Get-KubeResource: returns k8s.Models.V1ReplicaSet objects with Name, Namespace and Age properties. The default view prints NAME DESIRED CURRENT READY AGE like kubectl get. Exact names are one GET each; wildcards list and filter; -Selector and -FieldSelector are passed to the server.'
            Examples = @(
                @{ Title = 'List replica sets'; Code = 'Get-KubeReplicaSet -Namespace shop'; Remarks = '' }
                @{ Title = 'Filter as objects'; Code = 'Get-KubeReplicaSet -Namespace shop | Where-Object { $_.Spec.Replicas -eq 0 }'; Remarks = 'Old replica sets scaled to zero.' }
            )
            Inputs = 'System.String'; Outputs = 'k8s.Models.V1ReplicaSet'; Notes = ''
            Links = @('Get-KubeResource')
        }
        'Get-KubeStatefulSet' = @{
            Synopsis = 'Gets stateful sets as typed objects.'
            Description = 'A typed shortcut for Get-KubeResource: returns k8s.Models.V1StatefulSet objects with Name, Namespace and Age properties. The default view prints NAME READY AGE like kubectl get. Exact names are one GET each; wildcards list and filter; -Selector and -FieldSelector are passed to the server.'
            Examples = @(
                @{ Title = 'List stateful sets'; Code = 'Get-KubeStatefulSet -Namespace data'; Remarks = '' }
                @{ Title = 'Filter as objects'; Code = 'Get-KubeStatefulSet db -Namespace data | Get-KubePod'; Remarks = 'The pods of one stateful set.' }
            )
            Inputs = 'System.String'; Outputs = 'k8s.Models.V1StatefulSet'; Notes = ''
            Links = @('Get-KubeResource')
        }
        'Get-KubeDaemonSet' = @{
            Synopsis = 'Gets daemon sets as typed objects.'
            Description = 'A typed shortcut for Get-KubeResource: returns k8s.Models.V1DaemonSet objects with Name, Namespace and Age properties. The default view prints NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE like kubectl get. Exact names are one GET each; wildcards list and filter; -Selector and -FieldSelector are passed to the server.'
            Examples = @(
                @{ Title = 'List daemon sets'; Code = 'Get-KubeDaemonSet -Namespace kube-system'; Remarks = '' }
                @{ Title = 'Filter as objects'; Code = 'Get-KubeDaemonSet -AllNamespaces | Where-Object { $_.Status.NumberReady -lt $_.Status.DesiredNumberScheduled }'; Remarks = 'Daemon sets missing pods.' }
            )
            Inputs = 'System.String'; Outputs = 'k8s.Models.V1DaemonSet'; Notes = ''
            Links = @('Get-KubeResource')
        }
        'Get-KubeJob' = @{
            Synopsis = 'Gets jobs as typed objects.'
            Description = 'A typed shortcut for Get-KubeResource: returns k8s.Models.V1Job objects with Name, Namespace and Age properties. The default view prints NAME STATUS COMPLETIONS DURATION AGE like kubectl get. Exact names are one GET each; wildcards list and filter; -Selector and -FieldSelector are passed to the server.'
            Examples = @(
                @{ Title = 'List jobs'; Code = 'Get-KubeJob -Namespace batch'; Remarks = '' }
                @{ Title = 'Filter as objects'; Code = 'Get-KubeJob -Namespace batch | Where-Object { $_.Status.Failed -gt 0 }'; Remarks = 'Jobs with failed pods.' }
            )
            Inputs = 'System.String'; Outputs = 'k8s.Models.V1Job'; Notes = ''
            Links = @('Get-KubeResource')
        }
        'Get-KubeCronJob' = @{
            Synopsis = 'Gets cron jobs as typed objects.'
            Description = 'A typed shortcut for Get-KubeResource: returns k8s.Models.V1CronJob objects with Name, Namespace and Age properties. The default view prints NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE like kubectl get. Exact names are one GET each; wildcards list and filter; -Selector and -FieldSelector are passed to the server.'
            Examples = @(
                @{ Title = 'List cron jobs'; Code = 'Get-KubeCronJob -AllNamespaces'; Remarks = '' }
                @{ Title = 'Filter as objects'; Code = 'Get-KubeCronJob -Namespace batch | Where-Object { $_.Spec.Suspend }'; Remarks = 'Suspended cron jobs.' }
            )
            Inputs = 'System.String'; Outputs = 'k8s.Models.V1CronJob'; Notes = ''
            Links = @('Get-KubeResource')
        }
        'Get-KubeService' = @{
            Synopsis = 'Gets services as typed objects.'
            Description = 'A typed shortcut for Get-KubeResource: returns k8s.Models.V1Service objects with Name, Namespace and Age properties. The default view prints NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE like kubectl get. Exact names are one GET each; wildcards list and filter; -Selector and -FieldSelector are passed to the server.'
            Examples = @(
                @{ Title = 'List services'; Code = 'Get-KubeService -Namespace shop'; Remarks = '' }
                @{ Title = 'Filter as objects'; Code = 'Get-KubeService -AllNamespaces | Where-Object { $_.Spec.Type -eq ''LoadBalancer'' }'; Remarks = 'Load balancers across the cluster.' }
            )
            Inputs = 'System.String'; Outputs = 'k8s.Models.V1Service'; Notes = ''
            Links = @('Get-KubeResource')
        }
        'Get-KubeIngress' = @{
            Synopsis = 'Gets ingresses as typed objects.'
            Description = 'A typed shortcut for Get-KubeResource: returns k8s.Models.V1Ingress objects with Name, Namespace and Age properties. The default view prints NAME CLASS HOSTS ADDRESS PORTS AGE like kubectl get. Exact names are one GET each; wildcards list and filter; -Selector and -FieldSelector are passed to the server.'
            Examples = @(
                @{ Title = 'List ingresses'; Code = 'Get-KubeIngress -Namespace shop'; Remarks = '' }
                @{ Title = 'Filter as objects'; Code = 'Get-KubeIngress -AllNamespaces | ForEach-Object { $_.Spec.Rules.Host }'; Remarks = 'Every host name served by an ingress.' }
            )
            Inputs = 'System.String'; Outputs = 'k8s.Models.V1Ingress'; Notes = ''
            Links = @('Get-KubeResource')
        }
        'Get-KubeConfigMap' = @{
            Synopsis = 'Gets config maps as typed objects.'
            Description = 'A typed shortcut for Get-KubeResource: returns k8s.Models.V1ConfigMap objects with Name, Namespace and Age properties. The default view prints NAME DATA AGE like kubectl get. Exact names are one GET each; wildcards list and filter; -Selector and -FieldSelector are passed to the server.'
            Examples = @(
                @{ Title = 'List config maps'; Code = 'Get-KubeConfigMap -Namespace shop'; Remarks = '' }
                @{ Title = 'Filter as objects'; Code = '(Get-KubeConfigMap app-config -Namespace shop).Data[''LOG_LEVEL'']'; Remarks = 'One value of a config map.' }
            )
            Inputs = 'System.String'; Outputs = 'k8s.Models.V1ConfigMap'; Notes = ''
            Links = @('Get-KubeResource')
        }
        'Get-KubeNamespace' = @{
            Synopsis = 'Gets namespaces as typed objects.'
            Description = 'A typed shortcut for Get-KubeResource: returns k8s.Models.V1Namespace objects with Name, Namespace and Age properties. The default view prints NAME STATUS AGE like kubectl get. Exact names are one GET each; wildcards list and filter; -Selector and -FieldSelector are passed to the server.'
            Examples = @(
                @{ Title = 'List namespaces'; Code = 'Get-KubeNamespace'; Remarks = '' }
                @{ Title = 'Filter as objects'; Code = 'Get-KubeNamespace -Selector team=payments'; Remarks = 'Namespaces by label.' }
            )
            Inputs = 'System.String'; Outputs = 'k8s.Models.V1Namespace'; Notes = ''
            Links = @('Get-KubeResource')
        }
        'Get-KubeNode' = @{
            Synopsis = 'Gets nodes as typed objects.'
            Description = 'A typed shortcut for Get-KubeResource: returns k8s.Models.V1Node objects with Name, Namespace and Age properties. The default view prints NAME STATUS ROLES AGE VERSION like kubectl get. Exact names are one GET each; wildcards list and filter; -Selector and -FieldSelector are passed to the server.'
            Examples = @(
                @{ Title = 'List nodes'; Code = 'Get-KubeNode'; Remarks = '' }
                @{ Title = 'Filter as objects'; Code = 'Get-KubeNode | Format-Table -View Wide'; Remarks = 'Adds INTERNAL-IP and OS-IMAGE.' }
            )
            Inputs = 'System.String'; Outputs = 'k8s.Models.V1Node'; Notes = ''
            Links = @('Get-KubeResource')
        }
        'Get-KubePersistentVolumeClaim' = @{
            Synopsis = 'Gets persistent volume claims as typed objects.'
            Description = 'A typed shortcut for Get-KubeResource: returns k8s.Models.V1PersistentVolumeClaim objects with Name, Namespace and Age properties. The default view prints NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS AGE like kubectl get. Exact names are one GET each; wildcards list and filter; -Selector and -FieldSelector are passed to the server.'
            Examples = @(
                @{ Title = 'List persistent volume claims'; Code = 'Get-KubePersistentVolumeClaim -Namespace data'; Remarks = '' }
                @{ Title = 'Filter as objects'; Code = 'Get-KubePersistentVolumeClaim -AllNamespaces | Where-Object { $_.Status.Phase -ne ''Bound'' }'; Remarks = 'Claims that are not bound yet.' }
            )
            Inputs = 'System.String'; Outputs = 'k8s.Models.V1PersistentVolumeClaim'; Notes = ''
            Links = @('Get-KubeResource')
        }
    }
}
