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
    }
}
