# Descriptions of the parameters every cluster cmdlet shares (used by tools/New-HelpPage.ps1).
@{
    Parameters = @{
        Context        = 'The kubeconfig context to use for this call. Default: the session''s context (Set-KubeContext), else the kubeconfig''s current-context.'
        Kubeconfig     = 'A kubeconfig file to use instead of $env:KUBECONFIG, ~/.kube/config or the in-cluster service account.'
        Namespace      = 'The namespace. Default: the session''s namespace for the context (Set-KubeContext -Namespace), else the context''s namespace, else default. Ignored for cluster-scoped kinds.'
        ConnectTimeout = 'Seconds to wait for a connection to the API server before failing with KubeUnreachable (default 10).'
        AllNamespaces  = 'Lists across all namespaces (kubectl -A).'
        Selector       = 'A label selector, as kubectl -l takes it: app=web, tier in (front,back), !legacy. The server filters.'
        FieldSelector  = 'A field selector: metadata.name=web, status.phase=Running. The server filters.'
        PolicyPath     = 'Policy files to enforce before anything is sent (replaces $env:KUBEPS_POLICY for this call; several files are combined). A deny verdict stops the call with KubePolicyDenied and nothing is sent; warn verdicts are warnings; mutate rules change the objects before they are sent (shown as warnings with -WhatIf). See docs/policy.md.'
        CiAnnotations  = 'Writes failures as CI annotations (GitHub Actions ::error file=...,line=...::, Azure Pipelines ##vso[task.logissue ...]) naming the manifest file and line when the failure comes from a manifest. Default: on when GITHUB_ACTIONS=true or TF_BUILD=True, off elsewhere; -CiAnnotations:$false turns them off. Secrets are masked. See docs/ci.md.'
        AuditPath      = 'The audit log to append to (default: $env:KUBEPS_AUDIT_PATH, else kubeps/audit.jsonl in the user''s data directory: ~/.local/share or $XDG_DATA_HOME, %LOCALAPPDATA% on Windows). Every object of the call is recorded (Succeeded, DryRun, Denied or Failed) and flushed to disk before the call returns.'
    }
}
