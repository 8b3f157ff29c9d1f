# Words for the help pages of the change cmdlets (issue 6): apply, diff, delete, scale, restart, labels, namespaces, images.
@{
    Parameters = @{
        Namespace      = 'The namespace. Default: the session''s namespace for the context (Set-KubeContext -Namespace), else the context''s namespace, else default. For manifests, the namespace of documents without metadata.namespace. Ignored for cluster-scoped kinds; accepts $null from cluster-scoped objects piped in.'
        Kind           = 'The kind as kubectl accepts it: deploy, deployments, Deployment, deployments.apps, Widget.example.com. Bound by property name from any Get-Kube* output.'
        Name           = 'Object names. Bound by property name from any Get-Kube* output.'
        ApiVersion     = 'Restricts the kind to one API version (v1, apps/v1, example.com/v1beta1); by default the group''s preferred version.'
        Path           = 'Files, directories or globs of YAML or JSON manifests (multi-document YAML, JSON objects or arrays, v1 Lists). A directory contributes its .yaml, .yml and .json files, sorted by name.'
        Recurse        = 'Reads directories recursively.'
        InputObject    = 'Objects to use instead of files: typed models (V1Deployment, ...), PSObjects from Get-Kube* or ConvertFrom-KubeYaml, hashtables, YAML text, or FileInfo objects from Get-ChildItem. Server-owned fields (status, resourceVersion, uid, managedFields) are dropped before sending.'
        FieldManager   = 'The field manager recorded in managedFields (default kubeps). Use the same name in every run that owns the same fields.'
        Force          = 'Takes ownership of fields another field manager owns (server-side apply force=true) instead of failing with KubeApplyConflict.'
        ThrottleLimit  = 'Requests in flight at once (default 16). Objects in one ordering wave are sent in parallel up to this limit.'
        CreateNamespace = 'Creates the namespaces the objects live in when they do not exist (without it, a missing namespace is a KubeNotFound validation error).'
    }
    Commands = @{
        'Invoke-KubeApply' = @{
            Synopsis = 'Server-side applies manifests from files, directories, globs or objects: every document is validated by a server dry run first, then applied in parallel.'
            Description = 'Reads every document, resolves its kind through discovery and sends a server-side apply (PATCH application/apply-patch+yaml with fieldManager) with dryRun=All for each, in parallel. If any document is invalid (YAML that does not parse, no apiVersion/kind/metadata.name, a kind the server does not serve or whose CRD is not installed, a namespace that does not exist, a 422 from validation or admission, a field manager conflict), each failure is written as an error naming the file, document and line, and nothing is applied: the command ends with KubeValidationFailed. -ContinueOnError applies the valid documents anyway. Then the objects are applied in waves: CustomResourceDefinitions and Namespaces first, then config and RBAC (ConfigMaps, Secrets, ServiceAccounts, Roles), then everything else, then admission webhooks; each wave in parallel up to -ThrottleLimit requests. Custom resources whose CRD is in the same batch wait until discovery serves their kind. One result per object is written: Action (Created, Configured or Unchanged), Kind, Namespace, Name, DryRun and the live Object. -WhatIf (and -ServerDryRun) send only the dry run: results carry DryRun = $true and show what the server would store, defaults and admission included.'
            Examples = @(
                @{ Title = 'Apply a directory'; Code = 'Invoke-KubeApply -Path ./deploy -Recurse'; Remarks = 'Namespaces and CRDs in the directory are applied first; the output says which objects were Created, Configured or Unchanged.' }
                @{ Title = 'See what the server would do'; Code = 'kapply ./deploy -WhatIf | Where-Object Action -ne Unchanged'; Remarks = 'The server validates and defaults every object (dryRun=All); nothing changes.' }
                @{ Title = 'Apply objects built in PowerShell'; Code = '@{ apiVersion = ''v1''; kind = ''ConfigMap''; metadata = @{ name = ''settings'' }; data = @{ mode = ''fast'' } } | Invoke-KubeApply -Namespace web'; Remarks = 'Hashtables, typed models and PSObjects are applied like manifests.' }
                @{ Title = 'Take over fields another tool owns'; Code = 'Invoke-KubeApply -Path web.yaml -Force'; Remarks = 'Without -Force a field owned by another manager fails with KubeApplyConflict, which names the fields and the managers.' }
            )
            Parameters = @{ ServerDryRun = 'Sends every request with dryRun=All and writes what the server would store; nothing changes. Unlike -WhatIf, no What if: messages are written.'; ContinueOnError = 'Applies the valid documents even when others are invalid (the invalid ones are still reported as errors).'; Path = 'Files, directories or globs of YAML or JSON manifests (multi-document YAML, JSON objects or arrays, v1 Lists). A directory contributes its .yaml, .yml and .json files, sorted by name; -Recurse includes subdirectories.' }
            Inputs = 'System.Object (manifest objects, hashtables, YAML text, FileInfo)'; Outputs = 'KubePS.ChangeResult'; Notes = 'Alias: kapply. Error ids: KubeYamlInvalid, KubeManifestInvalid, KubeManifestNotFound, KubeUnknownKind, KubeNotFound (namespace), KubeInvalid, KubeApplyConflict, KubeValidationFailed.'
            Links = @('Compare-KubeResource', 'Remove-KubeResource', 'ConvertFrom-KubeYaml')
        }
        'Compare-KubeResource' = @{
            Synopsis = 'Shows what applying manifests would change, per object, from a server dry run (defaults and admission included).'
            Description = 'Validates the documents like Invoke-KubeApply, sends a server-side apply with dryRun=All for each, reads the live object, and compares the two, ignoring what every write changes (managedFields, resourceVersion, generation, uid, creationTimestamp). One result per object: Action (Created, Configured or Unchanged), HasChanges, ChangedPaths ($.spec.replicas, $.spec.template.spec.containers[0].image), Diff (a unified diff of the YAML, live then desired), and the Live and Desired objects. Pipe the results to Format-KubeDiff to read the diffs. -Quiet writes only $true when anything would change and $false otherwise, for CI scripts.'
            Examples = @(
                @{ Title = 'Review a change before applying it'; Code = 'Compare-KubeResource -Path ./deploy | Format-KubeDiff -Color'; Remarks = 'Only objects that would change produce a diff.' }
                @{ Title = 'Fail a CI step when the cluster drifted'; Code = 'if (Compare-KubeResource -Path ./deploy -Quiet) { throw ''The cluster differs from the manifests.'' }'; Remarks = '-Quiet returns a single Boolean.' }
                @{ Title = 'List the changed fields'; Code = 'Compare-KubeResource ./web.yaml | Select-Object Kind, Name, ChangedPaths'; Remarks = 'ChangedPaths are JSON paths.' }
            )
            Parameters = @{ Quiet = 'Writes only $true when applying would change anything, else $false.'; Force = 'Compares as Invoke-KubeApply -Force would apply: fields owned by other managers are taken over instead of reported as a conflict.'; CreateNamespace = 'Treats namespaces that do not exist as created by the apply (Invoke-KubeApply -CreateNamespace) instead of reporting them.'; FieldManager = 'The field manager the dry run applies as (default kubeps); use the one Invoke-KubeApply uses, so that field ownership matches.' }
            Inputs = 'System.Object (manifest objects, hashtables, YAML text, FileInfo)'; Outputs = 'KubePS.DiffResult, System.Boolean'; Notes = 'Nothing is changed on the server: every request is a GET or a dry run.'
            Links = @('Format-KubeDiff', 'Invoke-KubeApply')
        }
        'Format-KubeDiff' = @{
            Synopsis = 'Writes the unified text diffs of Compare-KubeResource results, optionally coloured.'
            Description = 'Writes one string per result that would change: ---/+++ headers naming the object, @@ hunks with three lines of context, - for live lines and + for desired lines. -Color adds ANSI colours (green additions, red removals). Unchanged results write nothing unless -IncludeUnchanged is given.'
            Examples = @(
                @{ Title = 'Read the diffs'; Code = 'Compare-KubeResource -Path ./deploy | Format-KubeDiff'; Remarks = 'Plain text, suitable for logs.' }
                @{ Title = 'Colour them in a terminal'; Code = 'Compare-KubeResource -Path ./deploy | Format-KubeDiff -Color -IncludeUnchanged'; Remarks = 'Unchanged objects are listed as "= Kind/Name unchanged".' }
            )
            Parameters = @{ InputObject = 'Results of Compare-KubeResource (any object with a Diff property).'; Color = 'Adds ANSI colours: green additions, red removals, cyan hunk headers.'; IncludeUnchanged = 'Also writes a line for objects that would not change.' }
            Inputs = 'KubePS.DiffResult'; Outputs = 'System.String'; Notes = ''
            Links = @('Compare-KubeResource')
        }
        'Remove-KubeResource' = @{
            Synopsis = 'Deletes objects by kind and name, by label selector, from manifest files, or from the pipeline.'
            Description = 'Deletes each object with the given propagation policy and grace period and writes a result (Action Deleted) per object; with -Wait it watches until the object is gone (finalizers done). Objects piped from any Get-Kube* cmdlet bind Kind, Name and Namespace by property name. Manifest files are deleted in the reverse of apply order (workloads before namespaces and CRDs). -WhatIf sends the deletes with dryRun=All, so a missing object or a forbidden delete shows up, and nothing is deleted. Deleting a Namespace or by -Selector is high impact: it asks for confirmation unless -Confirm:$false or -Force is given (and fails in a non-interactive session).'
            Examples = @(
                @{ Title = 'Delete one deployment and wait until it is gone'; Code = 'Remove-KubeResource deploy web -Namespace shop -Wait'; Remarks = 'Returns when the object no longer exists (watch-based).' }
                @{ Title = 'Delete what a query found'; Code = 'Get-KubePod -Namespace shop -Phase Failed | Remove-KubeResource'; Remarks = 'Kind, Name and Namespace come from each pod.' }
                @{ Title = 'Delete by label, keeping dependents'; Code = 'Remove-KubeResource deploy -Selector app=old -Propagation Orphan -Confirm:$false'; Remarks = 'Selector deletes ask for confirmation unless -Confirm:$false or -Force.' }
                @{ Title = 'Delete what manifests created'; Code = 'Remove-KubeResource -Path ./deploy -Recurse -IgnoreNotFound'; Remarks = 'Objects that are already gone are skipped.' }
            )
            Parameters = @{ Kind = 'The kind as kubectl accepts it: po, deploy, deployments.apps, ns, Widget.example.com. Bound by property name from any Get-Kube* output.'; Selector = 'Deletes every object of the kind that matches this label selector (kubectl -l).'; AllNamespaces = 'With -Selector: deletes matches in every namespace.'; Path = 'Manifest files, directories or globs: deletes the objects they describe.'; Propagation = 'How dependents are deleted: Foreground (dependents first, then the owner), Background (the owner now, dependents by the garbage collector) or Orphan (dependents are kept).'; GracePeriod = 'Seconds the object gets to terminate gracefully; 0 deletes immediately. Default: the object''s own.'; Wait = 'Waits until each object is gone (watch-based), up to -Timeout seconds; then fails with KubeTimeout.'; Timeout = 'Seconds -Wait waits per object (default 120).'; IgnoreNotFound = 'An object that does not exist is not an error.'; Force = 'Skips the extra confirmation of namespace and selector deletes.' }
            Inputs = 'Any Get-Kube* output (Kind, Name, Namespace by property name)'; Outputs = 'KubePS.ChangeResult'; Notes = 'Error ids: KubeNotFound, KubeForbidden, KubeTimeout (with -Wait).'
            Links = @('Invoke-KubeApply', 'Get-KubeResource')
        }
        'Set-KubeScale' = @{
            Synopsis = 'Sets the number of replicas of any kind with a scale subresource.'
            Description = 'Patches the scale subresource (spec.replicas) of Deployments, StatefulSets, ReplicaSets and custom resources that declare one. -WhatIf sends the patch with dryRun=All: the result shows the Scale object the server would store. A kind without a scale subresource fails with KubeUnsupportedKind.'
            Examples = @(
                @{ Title = 'Scale a deployment'; Code = 'Set-KubeScale deploy web -Replicas 5 -Namespace shop'; Remarks = 'Like kubectl scale deploy/web --replicas=5.' }
                @{ Title = 'Scale everything in a namespace to zero'; Code = 'Get-KubeDeployment -Namespace test | Set-KubeScale -Replicas 0'; Remarks = 'Kind, Name and Namespace come from each deployment.' }
            )
            Parameters = @{ Replicas = 'The desired number of replicas.' }
            Inputs = 'Any Get-Kube* output'; Outputs = 'KubePS.ChangeResult'; Notes = ''
            Links = @('Get-KubeDeployment', 'Restart-KubeWorkload')
        }
        'Restart-KubeWorkload' = @{
            Synopsis = 'Restarts the pods of Deployments, StatefulSets and DaemonSets with a rolling update (kubectl rollout restart).'
            Description = 'Sets the pod template annotation kubectl.kubernetes.io/restartedAt to the current time, which makes the controller roll out new pods. Other kinds fail with KubeUnsupportedKind. -WhatIf sends the patch with dryRun=All.'
            Examples = @(
                @{ Title = 'Restart a deployment'; Code = 'Restart-KubeWorkload deploy web -Namespace shop'; Remarks = 'The same annotation kubectl rollout restart writes.' }
                @{ Title = 'Restart every statefulset of a namespace'; Code = 'Get-KubeStatefulSet -Namespace data | Restart-KubeWorkload'; Remarks = 'Piped objects bind Kind, Name and Namespace.' }
            )
            Parameters = @{ Kind = 'Deployment, StatefulSet or DaemonSet (deploy, sts, ds).' }
            Inputs = 'Any Get-Kube* output'; Outputs = 'KubePS.ChangeResult'; Notes = ''
            Links = @('Set-KubeImage', 'Set-KubeScale')
        }
        'Set-KubeLabel' = @{
            Synopsis = 'Adds, changes or removes labels of objects (key=value, key-); changing an existing value needs -Overwrite, as in kubectl.'
            Description = 'Reads the object, checks kubectl''s overwrite rule (a key that has a different value needs -Overwrite; setting the same value or removing an absent key changes nothing), and merge-patches metadata.labels with the resourceVersion read, retrying with the fresh object when someone else wrote it in between. -WhatIf sends the patch with dryRun=All.'
            Examples = @(
                @{ Title = 'Add and remove labels'; Code = 'Set-KubeLabel deploy web tier=front, legacy- -Namespace shop'; Remarks = 'key=value sets, key- removes.' }
                @{ Title = 'Change a label on every pod of a deployment'; Code = 'Get-KubeDeployment web -Namespace shop | Get-KubePod | Set-KubeLabel -Label track=canary -Overwrite'; Remarks = 'Without -Overwrite a different existing value fails with KubeOverwriteRequired.' }
            )
            Parameters = @{ Label = 'Edits: key=value sets a label, key- removes it. Keys may have a DNS prefix (example.com/team).'; Overwrite = 'Allows replacing a value a key already has.' }
            Inputs = 'Any Get-Kube* output'; Outputs = 'KubePS.ChangeResult'; Notes = 'Error ids: KubeOverwriteRequired, KubeBadRequest (a malformed edit), KubeNotFound.'
            Links = @('Set-KubeAnnotation')
        }
        'Set-KubeAnnotation' = @{
            Synopsis = 'Adds, changes or removes annotations of objects (key=value, key-); changing an existing value needs -Overwrite, as in kubectl.'
            Description = 'Reads the object, checks kubectl''s overwrite rule (a key that has a different value needs -Overwrite), and merge-patches metadata.annotations with the resourceVersion read, retrying with the fresh object when someone else wrote it in between. -WhatIf sends the patch with dryRun=All.'
            Examples = @(
                @{ Title = 'Annotate a service'; Code = 'Set-KubeAnnotation svc web ''example.com/owner=team-a'' -Namespace shop'; Remarks = 'Adds the annotation.' }
                @{ Title = 'Replace and remove annotations'; Code = 'Set-KubeAnnotation deploy web note=updated, old-note- -Overwrite -Namespace shop'; Remarks = 'key- removes a key.' }
            )
            Parameters = @{ Annotation = 'Edits: key=value sets an annotation, key- removes it.'; Overwrite = 'Allows replacing a value a key already has.' }
            Inputs = 'Any Get-Kube* output'; Outputs = 'KubePS.ChangeResult'; Notes = 'Error ids: KubeOverwriteRequired, KubeBadRequest, KubeNotFound.'
            Links = @('Set-KubeLabel')
        }
        'New-KubeNamespace' = @{
            Synopsis = 'Creates namespaces.'
            Description = 'Creates each namespace (with optional labels) and writes a result with the created Namespace object. An existing namespace is a KubeConflict error; an invalid name a KubeInvalid error with the server''s cause. -WhatIf sends the create with dryRun=All.'
            Examples = @(
                @{ Title = 'Create a namespace'; Code = 'New-KubeNamespace shop'; Remarks = 'Like kubectl create namespace shop.' }
                @{ Title = 'Create several with labels'; Code = '''team-a'', ''team-b'' | New-KubeNamespace -Label @{ owner = ''platform'' }'; Remarks = 'Names can come from the pipeline.' }
            )
            Parameters = @{ Name = 'Names of the namespaces to create.'; Label = 'Labels for the new namespaces (a hashtable).'; FieldManager = 'The field manager recorded in managedFields (default kubeps).'; Namespace = 'Not used (namespaces are cluster-scoped); accepted for consistency with the other cluster cmdlets.' }
            Inputs = 'System.String'; Outputs = 'KubePS.ChangeResult'; Notes = ''
            Links = @('Remove-KubeResource', 'Get-KubeNamespace')
        }
        'Set-KubeImage' = @{
            Synopsis = 'Updates the container images of a workload or pod (kubectl set image).'
            Description = 'Reads the object, finds its pod spec (Pod, or the pod template of a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or a custom resource with spec.template), and sends a JSON patch that replaces the image of each named container (init containers included) with a test of the container''s name, so a concurrent reorder cannot change the wrong container. A container name that does not exist fails with KubeNotFound and lists the containers. -WhatIf sends the patch with dryRun=All.'
            Examples = @(
                @{ Title = 'Update one container'; Code = 'Set-KubeImage deploy web web=nginx:1.27 -Namespace shop'; Remarks = 'Like kubectl set image deploy/web web=nginx:1.27.' }
                @{ Title = 'Set every container of several deployments'; Code = 'Get-KubeDeployment -Namespace shop -Selector tier=api | Set-KubeImage -Image registry.example.com/api:2.1'; Remarks = 'An image without container= applies to every container.' }
            )
            Parameters = @{ Image = 'container=image pairs; an image alone (or *=image) sets every container.' }
            Inputs = 'Any Get-Kube* output'; Outputs = 'KubePS.ChangeResult'; Notes = ''
            Links = @('Restart-KubeWorkload', 'Invoke-KubeApply')
        }
    }
}
