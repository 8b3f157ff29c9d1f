# Words for the help pages of the deploy cmdlets (issue 8): Invoke-KubeDeploy, Get-KubeDeployPlan, Remove-KubeDeploy.
@{
    Parameters = @{
        Path               = 'An application directory (its kubeps.yaml, when there is one, names the sources and per-resource options; otherwise every .yaml, .yml and .json file under it, recursively), the kubeps.yaml file itself, manifest files, or globs.'
        InputObject        = 'Objects to deploy instead of files: typed models, PSObjects from Get-Kube* or ConvertFrom-KubeYaml, hashtables, YAML text, or FileInfo objects. Needs -Name.'
        Name               = 'The application name: every object gets the label kubeps.io/application=<Name>, and the inventory is the ConfigMap kubeps-app-<Name>. Default: metadata.name in kubeps.yaml, else the directory name. 1-53 lowercase letters, digits and -.'
        InventoryNamespace = 'The namespace of the inventory ConfigMap. Default: inventoryNamespace in kubeps.yaml, else the namespace most of the objects live in.'
        Namespace          = 'The namespace of documents without metadata.namespace (kubeps.yaml''s namespace wins). Default: the session''s namespace for the context, else the context''s namespace, else default.'
        FieldManager       = 'The field manager recorded in managedFields (default kubeps).'
        PolicyPath         = 'Policy files to enforce before anything is sent (replaces $env:KUBEPS_POLICY for this call); for a deploy they run as a pre-write hook of the plan: deny fails validation, warn writes a warning, mutate changes the objects before the dry run.'
        AuditPath          = 'The audit log to append to (default: $env:KUBEPS_AUDIT_PATH, else kubeps/audit.jsonl in the user''s data directory).'
        Force              = 'Takes ownership of fields another field manager owns (server-side apply force=true) instead of failing with KubeApplyConflict, and takes over objects labelled with another application (kubeps.io/application) instead of failing validation with KubeConflict.'
        Environment        = 'The environment of an application with templates (kubeps.yaml sources: - templates: templates): values.<env>.yaml, secrets.<env>.yaml and environments.<env> of kubeps.yaml (its namespace, values and valuesFiles). An unknown environment fails validation with KubeTemplateUnknownEnvironment, which lists the known ones. See Expand-KubeTemplate for the merge order and the template language.'
        ValuesFile         = 'Values files for the templates, merged after the environment''s files, in order.'
        Set                = 'key.path=value overrides for the templates, merged after -ValuesFile, typed like helm --set (numbers, true/false, null, {a,b} lists, \. escapes a dot). Values given with -Set are secrets: never shown in plans, errors or logs.'
        Values             = 'A hashtable of values for the templates, merged last.'
        Watch              = 'After the deploy, keeps running and watches the application''s files (its directory, recursively, and the -ValuesFile directories). On a change (debounced) it re-renders, compares every rendered object with what was applied, and deploys only the objects whose content changed (waiting as the plan says); the output objects carry a Reload number. A template error, invalid values or an invalid changed object is written as an error and nothing is applied: the cluster is left as it was until the next save fixes it. Objects that are no longer rendered are reported, not deleted. Ctrl+C ends it. The policy files in force (-PolicyPath or $env:KUBEPS_POLICY) are watched too: when one changes, the policy is loaded again and every rendered object is judged and applied again (a new mutate rule''s labels reach the cluster, a new deny rule stops the reload); a policy that does not load is an error and nothing is applied.'
        DebounceMilliseconds = 'With -Watch: how long the files must stay unchanged before a reload (default 300).'
    }
    Commands = @{
        'Invoke-KubeDeploy' = @{
            Synopsis = 'Deploys an application: plans a dependency graph, validates every object before the first write, applies each object as soon as what it depends on is applied or ready, and waits until the application is ready.'
            Description = @'
The plan is a graph with one node per object. Edges come from three sources, merged: explicit (the annotation kubeps.io/depends-on: "StatefulSet/db, ConfigMap/settings=Applied", or dependsOn in kubeps.yaml), kind order (a Namespace before what lives in it, a CustomResourceDefinition before its custom resources, LimitRanges and ResourceQuotas before pods, admission webhooks and policies after everything else) and references found in the objects (a pod template's ConfigMaps, Secrets, volumes, claims, serviceAccountName and imagePullSecrets; an Ingress's backend Services and TLS Secrets; a binding's Role and ServiceAccounts; an HPA's target).

An edge is a gate. Explicit dependencies wait until the dependency is ready (its kubeps.io/wait-for condition, Ready by default; "=Applied" only waits for the apply, and any Wait-KubeResource condition such as "Job/migrate=Condition=Complete" works); kind and reference edges wait only for the apply. Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, Pods and CRDs are waited on until ready (kstatus rules) whether or not something depends on them; kubeps.io/wait-for: Applied turns that off.

Before anything is written, the whole plan is validated: documents that do not parse or lack apiVersion/kind/metadata.name, duplicates, kinds the server does not serve, namespaces that do not exist, cycles (the error names the path), references to objects neither in the application nor in the cluster, objects that another application deployed (their kubeps.io/application label; -Force takes them over), pre-write hooks (policy), and a server dry run of every object whose namespace or CRD already exists. If anything fails, every problem is written as an error and the command ends with KubeDeployValidationFailed: nothing was applied.

Then each node is applied (server-side apply) as soon as its gates open, with at most -Concurrency applies in flight; readiness is watched through watches shared by the whole deploy. Requests that fail with 429 or 5xx are retried with exponential backoff (server-side apply is idempotent: no duplicates). A node that fails stops its dependents (Skipped, with the reason); independent branches finish, unless -FailFast stops everything. -Timeout bounds the whole deploy. Ctrl+C stops at once; objects already applied stay.

Every object carries the label kubeps.io/application=<Name>, and the set is recorded in the inventory ConfigMap kubeps-app-<Name> before the first write. -Prune deletes, after a successful deploy, the objects of the application that are no longer in the set, in reverse dependency order (only those still labelled with the application).

Output: one KubePS.DeployNodeResult per object in level order (Level, Resource, State Ready/Applied/Failed/Skipped/TimedOut, Action Created/Configured/Unchanged, Started/Applied/Ready seconds from the start, Critical when the node is on the critical path, Reason), and a summary line. The summary object (Succeeded, Elapsed, CriticalPath, CriticalPathTime, Pruned, Retries, InventoryNamespace) is written to the information stream with the tag KubePS.DeploySummary (use -InformationVariable). In an interactive console, progress bars show each level and the whole deploy; when output is redirected or in CI (CI, TF_BUILD or GITHUB_ACTIONS set), one line per node with timings is written instead. Failed nodes are KubeDeployNodeFailed errors and a deploy that did not finish in time is KubeDeployTimeout, so -ErrorAction Stop ends a CI script with a non-zero exit code.

-WhatIf validates everything the same way and returns the plan (KubePS.DeployPlanNode objects, as Get-KubeDeployPlan) with what applying would change, from the server dry run; nothing is written.
'@
            Examples = @(
                @{ Title = 'Deploy an application directory'; Code = 'Invoke-KubeDeploy -Path ./docs/examples/shop'; Remarks = 'kubeps.yaml names the sources (manifests/) and the gates the objects cannot express: the API waits for the database and the migration Job. Prints one line per node in CI, progress bars in a console.' }
                @{ Title = 'Fail a CI step with the reason'; Code = 'Invoke-KubeDeploy -Path ./deploy -Name web -Timeout 600 -ErrorAction Stop'; Remarks = 'A node that fails (an image that cannot be pulled, a crash loop) or the timeout makes pwsh exit with a non-zero code; the error names the object, the reason and the dependents that were skipped.' }
                @{ Title = 'See the plan and the changes first'; Code = 'Invoke-KubeDeploy -Path ./deploy -WhatIf | Format-Table Level, Resource, Change, WaitFor, DependsOn'; Remarks = 'Everything is validated (including a server dry run); nothing is written.' }
                @{ Title = 'Remove what is no longer in the set'; Code = 'Invoke-KubeDeploy -Path ./deploy -Prune'; Remarks = 'After a successful deploy, objects recorded in the inventory but not in the manifests are deleted, dependents first.' }
                @{ Title = 'Read the critical path'; Code = '$null = Invoke-KubeDeploy -Path ./deploy -InformationVariable info; ($info | Where-Object Tags -contains KubePS.DeploySummary).MessageData | Select-Object Elapsed, CriticalPathTime, CriticalPath'; Remarks = 'The chain of nodes that decided how long the deploy took.' }
                @{ Title = 'Declare an explicit dependency'; Code = "# in a manifest:`n# metadata:`n#   annotations:`n#     kubeps.io/depends-on: StatefulSet/db, Job/migrate=Condition=Complete`n#     kubeps.io/wait-for: Ready"; Remarks = 'Kind/name or Kind/namespace/name, optionally =Ready (the default), =Applied or any Wait-KubeResource condition.' }
            )
            Parameters = @{
                Concurrency = 'Applies in flight at once (default 8, or concurrency in kubeps.yaml). Waiting for readiness takes no slot.'
                Timeout     = 'The whole deploy, applies and waits: seconds (600) or a TimeSpan (''00:10:00''). Default 10 minutes, or timeout in kubeps.yaml. Objects not ready by then are TimedOut and their dependents Skipped.'
                FailFast    = 'Stops everything at the first failed node (by default the branches that do not depend on it finish).'
                Prune       = 'After a successful deploy, deletes the application''s objects (from its inventory) that are no longer in the set, in reverse dependency order, and waits until they are gone.'
            }
            Inputs = 'System.Object (manifest objects, hashtables, YAML text, FileInfo)'
            Outputs = 'KubePS.DeployNodeResult, KubePS.DeployPlanNode (-WhatIf)'
            Notes = 'Error ids: KubeDeployCycle, KubeDeployDanglingReference, KubeDeployValidationFailed, KubeDeployNodeFailed, KubeDeployTimeout, KubeDeployApplicationInvalid, KubeDeployDenied, plus the document errors of Invoke-KubeApply (KubeYamlInvalid, KubeManifestInvalid, KubeUnknownKind, KubeInvalid, KubeApplyConflict). Objects whose namespace or CRD is created by the same deploy cannot be validated by the server before it (NotValidated in the plan says so); they are still checked for shape, references and cycles. Example application: docs/examples/shop.'
            Links = @('Get-KubeDeployPlan', 'Remove-KubeDeploy', 'Invoke-KubeApply', 'Wait-KubeResource')
        }
        'Get-KubeDeployPlan' = @{
            Synopsis = 'Plans a deploy without changing anything: levels, dependencies and why, readiness gates, and what applying would change (server dry run).'
            Description = 'Reads and validates the application exactly as Invoke-KubeDeploy does and returns one KubePS.DeployPlanNode per object, in level order: Level (0 = no dependencies), Resource (Kind/namespace/name), Change (Created, Configured or Unchanged from a server dry run compared with the live object; ChangedPaths lists the fields), WaitFor (what ready means for it, or Applied), DependsOn and Why (each dependency with its source: explicit, kind or reference, the place in the object, and whether it waits for readiness), Edges (Dependency, Reason, Gate, Detail), NotValidated (why the server could not validate it yet), Verdicts (pre-write hooks). Problems (cycles, dangling references, invalid documents, dry-run failures) are written as non-terminating errors. Nothing is written to the cluster.'
            Examples = @(
                @{ Title = 'Show the plan of an application'; Code = 'Get-KubeDeployPlan -Path ./docs/examples/shop | Format-Table Level, Resource, Change, WaitFor, DependsOn'; Remarks = 'Five levels: the namespace; config, storage and Services; the database, the web tier and the Ingress; the migration; the API.' }
                @{ Title = 'Explain one node'; Code = '(Get-KubeDeployPlan ./deploy | Where-Object Name -eq api).Why'; Remarks = 'For example "StatefulSet/shop/db: explicit (kubeps.yaml), waits until ready".' }
                @{ Title = 'Only the objects that would change'; Code = 'Get-KubeDeployPlan ./deploy | Where-Object Change -ne Unchanged | Select-Object Resource, Change, ChangedPaths'; Remarks = 'ChangedPaths come from the server dry run against the live object.' }
            )
            Parameters = @{ NoDiff = 'Skips reading the live objects, so ChangedPaths stay empty and Change is known only for new objects (faster on large applications).' }
            Inputs = 'System.Object (manifest objects, hashtables, YAML text, FileInfo)'
            Outputs = 'KubePS.DeployPlanNode'
            Notes = 'The same validation as Invoke-KubeDeploy; problems are non-terminating errors here, so a plan with a cycle still lists its nodes.'
            Links = @('Invoke-KubeDeploy', 'Remove-KubeDeploy')
        }
        'Remove-KubeDeploy' = @{
            Synopsis = 'Uninstalls an application deployed with Invoke-KubeDeploy: deletes every object of its inventory in reverse dependency order and waits until each level is gone.'
            Description = 'Finds the inventory ConfigMap kubeps-app-<Name> (by its label kubeps.io/inventory in any namespace, or in -InventoryNamespace), then deletes the recorded objects from the highest level down (dependents before what they depend on: workloads before their config, everything before its namespace), each level in parallel, waiting until the objects of a level are gone before the next. Objects that no longer carry the label kubeps.io/application=<Name> are left alone and reported. Finally the inventory is deleted. Writes one KubePS.ChangeResult (Action Deleted) per object. -WhatIf sends the deletes with dryRun=All and lists what would be deleted.'
            Examples = @(
                @{ Title = 'Uninstall an application'; Code = 'Remove-KubeDeploy -Name shop -Confirm:$false'; Remarks = 'Returns when every object, and last the namespace, is gone.' }
                @{ Title = 'See what would be deleted'; Code = 'Remove-KubeDeploy shop -WhatIf'; Remarks = 'Deletes are sent as server dry runs; nothing is deleted.' }
            )
            Parameters = @{
                Name = 'The application name (Invoke-KubeDeploy -Name, or metadata.name in kubeps.yaml).'
                InventoryNamespace = 'The namespace of the inventory; by default it is found by its label in any namespace.'
                Timeout = 'How long to wait for the objects to be gone: seconds or a TimeSpan (default 5 minutes).'
            }
            Inputs = 'System.String (Name, InventoryNamespace by property name)'
            Outputs = 'KubePS.ChangeResult'
            Notes = 'Error ids: KubeDeployInventoryNotFound, KubeConflict (an object no longer labelled with the application), KubeTimeout.'
            Links = @('Invoke-KubeDeploy', 'Remove-KubeResource')
        }
    }
}
