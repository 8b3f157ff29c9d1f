# Words for the help pages of the policy and audit cmdlets (tools/New-HelpPage.ps1 -TextFile tools/help/Policy.psd1).
@{
    Parameters = @{
        PolicyPath = 'Policy files (YAML; several are combined). Default: the files in $env:KUBEPS_POLICY, separated by the path separator. docs/policy.md describes the format; docs/examples/policy/kubeps-policy.yaml is a sample.'
    }
    Commands = @{
        'Test-KubePolicy' = @{
            Synopsis = 'Checks manifests or objects against a policy, offline: one result per object and rule (Rule, Verdict, Message, Path).'
            Description = 'Reads manifests (files, directories, globs) or objects from the pipeline and evaluates every rule of the policy against every object, without contacting a cluster. Each result carries Verdict (Pass, Deny, Warn or Mutate), Rule, RuleType, Kind, Namespace, Name, Message, Path (the field in the object the verdict points at, such as spec.template.spec.containers[0].image), Applies ($false when the rule''s match excluded the object) and Source (file, document, line); Mutate results carry the changed Object. Mutating rules run first, and the other rules judge the changed object, as the mutating cmdlets do before sending. A policy file that does not parse or has an unknown rule type is a KubePolicyInvalid error naming the file and line; a CEL expression that does not compile is KubePolicyExpressionInvalid naming the expression and column.'
            Examples = @(
                @{ Title = 'Check a directory of manifests'; Code = 'Test-KubePolicy -Path ./deploy -Recurse -PolicyPath ./kubeps-policy.yaml -Failed'; Remarks = 'Writes only the verdicts that are not Pass: what Invoke-KubeApply would deny, warn about or change.' }
                @{ Title = 'Fail a CI step on denials'; Code = 'if (Test-KubePolicy ./deploy -Recurse | Where-Object Verdict -eq Deny) { throw ''policy denies the manifests'' }'; Remarks = 'The policy comes from $env:KUBEPS_POLICY.' }
                @{ Title = 'See what the policy would send'; Code = 'Test-KubePolicy -Path web.yaml -PolicyPath ./kubeps-policy.yaml -PassThru | ConvertTo-KubeYaml'; Remarks = 'The objects with the mutations (injected labels, runAsNonRoot) applied.' }
                @{ Title = 'Evaluate as a production context'; Code = 'Test-KubePolicy -Path ./deploy -Recurse -Context prod-eu -Verb deploy'; Remarks = 'Rules with match.contexts or match.verbs are selected as for a deploy to the prod-eu context.' }
            )
            Parameters = @{
                Path = 'Files, directories or globs of YAML/JSON manifests.'
                InputObject = 'Objects to check: typed models, PSObjects, hashtables, YAML text, or files.'
                Recurse = 'Reads directories recursively.'
                Context = 'The kubeconfig context name to evaluate as, for rules with match.contexts. Nothing is contacted; without it such rules do not apply.'
                Verb = 'The verb to evaluate as, for rules with match.verbs: apply (default), create, deploy, scale, restart, label, annotate, set-image, delete.'
                Namespace = 'The namespace of documents without metadata.namespace (default: default).'
                Failed = 'Writes only the results that are not Pass.'
                PassThru = 'Writes the objects as the policy would send them (mutations applied) instead of the results.'
            }
            Inputs = 'Objects or YAML text'; Outputs = 'KubePS.PolicyResult'; Notes = 'Error ids: KubePolicyInvalid, KubePolicyExpressionInvalid, KubePolicyNotFound, KubeYamlInvalid.'
            Links = @('Invoke-KubeApply', 'Get-KubeAuditLog')
        }
        'Get-KubeAuditLog' = @{
            Synopsis = 'Reads the audit log of mutating calls, oldest first, filtered by time, verb, user, outcome or object.'
            Description = 'Every mutating cmdlet (Invoke-KubeApply, Invoke-KubeDeploy, Set-KubeScale, Restart-KubeWorkload, Set-KubeLabel, Set-KubeAnnotation, Set-KubeImage, New-KubeNamespace, Remove-KubeResource) appends one record per object to a JSON Lines file: Seq, Time (UTC), OsUser, Host, ProcessId, KubeUser, Context, Server, Verb, ApiVersion, Kind, Namespace, Name, Outcome (Succeeded, DryRun, Denied, Failed), DryRun, Message, Verdicts (the policy verdicts other than Pass), ObjectHash (SHA-256 of the object sent, Secret data redacted first; the object itself is never stored), PreviousHash and Hash (the hash chain Test-KubeAuditLog verifies). Get-KubeAuditLog reads the records back as objects (KubePS.AuditRecord); filters combine. A line that is not a record is a KubeAuditTampered error.'
            Examples = @(
                @{ Title = 'What was denied today'; Code = 'Get-KubeAuditLog -Since 24h -Outcome Denied | Format-Table Time, OsUser, Verb, Kind, Namespace, Name, Message'; Remarks = 'Durations count back from now; a DateTime works too.' }
                @{ Title = 'Scales and deletes by one user in production'; Code = 'Get-KubeAuditLog -Verb scale, delete -User alice | Where-Object Context -like ''prod-*'''; Remarks = '-User matches the OS user or the kube user (wildcards allowed).' }
                @{ Title = 'The last ten records of another log'; Code = 'Get-KubeAuditLog -Path /var/log/kubeps/ci-audit.jsonl -Last 10'; Remarks = 'A CI job can keep its own log with $env:KUBEPS_AUDIT_PATH.' }
            )
            Parameters = @{
                Path = 'The audit log (default: $env:KUBEPS_AUDIT_PATH, else kubeps/audit.jsonl in the user''s data directory: ~/.local/share or $XDG_DATA_HOME, %LOCALAPPDATA% on Windows).'
                Since = 'Records at or after this time: a DateTime, or a duration back from now (30s, 15m, 2h, 7d).'
                Until = 'Records before this time: a DateTime, or a duration back from now.'
                Verb = 'Verbs (wildcards): apply, create, deploy, scale, restart, label, annotate, set-image, delete.'
                User = 'The OS user or the kube user (wildcards).'
                Outcome = 'Outcomes: Succeeded, DryRun, Denied, Failed.'
                Kind = 'Kinds (wildcards).'
                Name = 'Object names (wildcards).'
                Namespace = 'Namespaces (wildcards).'
                Last = 'Only the last N matching records.'
            }
            Inputs = 'None'; Outputs = 'KubePS.AuditRecord'; Notes = 'Error ids: KubeAuditTampered (a line is not a record).'
            Links = @('Test-KubeAuditLog', 'Test-KubePolicy')
        }
        'Test-KubeAuditLog' = @{
            Synopsis = 'Verifies the audit log''s hash chain and names the first record that was edited, removed or inserted.'
            Description = 'Each audit record carries seq, the previous record''s hash (prev) and its own hash (SHA-256 of the record''s JSON text without the hash). Test-KubeAuditLog recomputes every hash and follows the chain: an edited record no longer matches its hash, a removed record leaves a gap in seq and a prev that matches nothing, an inserted record breaks the prev of the next one. It writes one result: Valid, Records, BrokenLine and BrokenSeq (the first record that breaks the chain), Reason, LastHash and Path; a broken chain is also a non-terminating KubeAuditTampered error (terminating with -Strict). The chain cannot show that records were cut from the end of the file; keep the LastHash of a verification elsewhere and pass it back with -LastHash to detect that.'
            Examples = @(
                @{ Title = 'Verify the default log'; Code = 'Test-KubeAuditLog'; Remarks = 'Valid = True with the record count, or the first broken line and why.' }
                @{ Title = 'Fail a nightly job on tampering, and detect truncation'; Code = '$last = Get-Content ./audit-head.txt; $r = Test-KubeAuditLog -LastHash $last -Strict; $r.LastHash | Set-Content ./audit-head.txt'; Remarks = '-Strict throws KubeAuditTampered; -LastHash also catches records removed from the end since the last run.' }
            )
            Parameters = @{
                Path = 'The audit log (default: $env:KUBEPS_AUDIT_PATH, else kubeps/audit.jsonl in the user''s data directory).'
                LastHash = 'The LastHash of an earlier verification: the log must still contain that record, so records removed from the end are detected.'
                Quiet = 'Writes only $true or $false (and no error).'
                Strict = 'A broken chain is a terminating KubeAuditTampered error instead of a result with Valid = $false and a non-terminating error.'
            }
            Inputs = 'None'; Outputs = 'KubePS.AuditVerification, or System.Boolean with -Quiet'; Notes = 'Error ids: KubeAuditTampered.'
            Links = @('Get-KubeAuditLog')
        }
    }
}
