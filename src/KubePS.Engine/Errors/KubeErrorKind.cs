namespace KubePS.Engine.Errors;

/// <summary>
/// The stable kinds of failure the engine reports. The name of each member is the
/// ErrorId that PowerShell users see (FullyQualifiedErrorId starts with it), so never rename one.
/// </summary>
public enum KubeErrorKind
{
    /// <summary>Anything the API server returned that has no more specific kind.</summary>
    KubeApiError,
    /// <summary>HTTP 404: the object or the resource type does not exist.</summary>
    KubeNotFound,
    /// <summary>HTTP 403: authenticated, but RBAC does not allow the verb.</summary>
    KubeForbidden,
    /// <summary>HTTP 401: the credentials were rejected.</summary>
    KubeUnauthorized,
    /// <summary>HTTP 409: already exists, or a resourceVersion conflict.</summary>
    KubeConflict,
    /// <summary>HTTP 422 (or 400 with causes): the object failed validation.</summary>
    KubeInvalid,
    /// <summary>HTTP 400 without causes.</summary>
    KubeBadRequest,
    /// <summary>HTTP 410: the resourceVersion is too old (watch or list continue token expired).</summary>
    KubeGone,
    /// <summary>HTTP 429 / 503: the server asked the client to back off.</summary>
    KubeServerBusy,
    /// <summary>The server could not be reached (refused, DNS, connect timeout, proxy).</summary>
    KubeUnreachable,
    /// <summary>The TLS handshake failed (the server certificate is not trusted by the configured CA, or the client certificate was refused).</summary>
    KubeTlsFailed,
    /// <summary>The request did not complete within the request timeout.</summary>
    KubeTimeout,
    /// <summary>A kubeconfig file is missing, malformed, or incomplete.</summary>
    KubeConfigInvalid,
    /// <summary>No kubeconfig could be found at all (no file and not running in a cluster).</summary>
    KubeConfigNotFound,
    /// <summary>The requested context is not defined in the kubeconfig.</summary>
    KubeContextNotFound,
    /// <summary>An exec credential plugin is missing, failed, or returned nothing usable.</summary>
    KubeExecPluginFailed,

    /// <summary>The kind is not served by the cluster (discovery has no such resource type).</summary>
    KubeUnknownKind,

    /// <summary>A manifest or YAML text does not parse, or a document is not an object.</summary>
    KubeYamlInvalid,

    /// <summary>A manifest path (file, directory or glob) matches nothing.</summary>
    KubeManifestNotFound,
    /// <summary>A manifest document lacks apiVersion, kind or metadata.name.</summary>
    KubeManifestInvalid,
    /// <summary>HTTP 409 on server-side apply: fields owned by another field manager (use -Force).</summary>
    KubeApplyConflict,
    /// <summary>Validation (server dry-run) failed for some documents, so nothing was applied.</summary>
    KubeValidationFailed,
    /// <summary>A label or annotation already has a different value and -Overwrite was not given.</summary>
    KubeOverwriteRequired,
    /// <summary>The operation does not apply to this kind (restart of a Service, image of a ConfigMap).</summary>
    KubeUnsupportedKind,

    /// <summary>The wait did not finish before -Timeout.</summary>
    KubeWaitTimeout,
    /// <summary>A waited-on object failed (ProgressDeadlineExceeded, CrashLoopBackOff, a Job's Failed condition, ...).</summary>
    KubeWaitFailed,
    /// <summary>A JSONPath expression does not parse.</summary>
    KubeJsonPathInvalid,
    /// <summary>A wait was asked for with arguments that cannot work (a negative timeout, an unknown -For condition, no targets).</summary>
    KubeWaitInvalidArgument,

    /// <summary>A pod has no container matching -Container.</summary>
    KubeLogContainerNotFound,
    /// <summary>-Previous was asked for a container that has not restarted (no previous terminated instance).</summary>
    KubeLogNoPreviousContainer,
    /// <summary>More log streams matched than -MaxStreams allows; the extra ones wait for a free slot.</summary>
    KubeLogMaxStreamsExceeded,
    /// <summary>A log stream failed for good (the pod went away mid-read, or reconnecting kept failing).</summary>
    KubeLogStreamFailed,
    /// <summary>A watch stopped for a reason that retrying cannot fix (401, 403 on list, an unknown resource).</summary>
    KubeWatchFailed,

    /// <summary>The deploy's dependency graph has a cycle (the message names the path).</summary>
    KubeDeployCycle,
    /// <summary>An object refers to (or depends on) an object that is neither in the application nor in the cluster.</summary>
    KubeDeployDanglingReference,
    /// <summary>The deploy's plan has problems (invalid documents, cycles, dangling references, dry-run failures): nothing was applied.</summary>
    KubeDeployValidationFailed,
    /// <summary>A node of the deploy failed to apply or to become ready; its dependents were skipped.</summary>
    KubeDeployNodeFailed,
    /// <summary>The deploy did not finish before -Timeout.</summary>
    KubeDeployTimeout,
    /// <summary>The application file (kubeps.yaml) or the application name is invalid.</summary>
    KubeDeployApplicationInvalid,
    /// <summary>A pre-write hook (policy) denied an object of the deploy.</summary>
    KubeDeployDenied,
    /// <summary>No inventory of the application was found (Remove-KubeDeploy).</summary>
    KubeDeployInventoryNotFound,

    /// <summary>A policy file does not parse, or has an unknown rule type or field (the message names the file and line).</summary>
    KubePolicyInvalid,
    /// <summary>A cel rule's expression does not compile (the message names the expression and the column).</summary>
    KubePolicyExpressionInvalid,
    /// <summary>The policy denied the change: nothing was sent (the message names each violated rule and object).</summary>
    KubePolicyDenied,
    /// <summary>The policy file (-PolicyPath, $env:KUBEPS_POLICY, kubeps.yaml policy:) does not exist.</summary>
    KubePolicyNotFound,
    /// <summary>The audit log's hash chain is broken: a record was edited, removed or inserted (the message names the first broken record).</summary>
    KubeAuditTampered,
    /// <summary>The audit record could not be written (the file is locked for too long, or not writable).</summary>
    KubeAuditWriteFailed,

    /// <summary>A template does not parse (the message names the file, line, column and the offending text).</summary>
    KubeTemplateSyntaxError,
    /// <summary>A template failed while rendering: fail(), a sandbox limit (loops, recursion, output size), a forbidden access (the message names the file and position).</summary>
    KubeTemplateRenderFailed,
    /// <summary>A value a template marks required is missing (the message names its path and the template's message).</summary>
    KubeTemplateValueRequired,
    /// <summary>A value has the wrong type (a string where values.yaml has a number, a map where a list is expected).</summary>
    KubeTemplateValueType,
    /// <summary>-Environment names an environment the application does not define (the message lists the known ones).</summary>
    KubeTemplateUnknownEnvironment,
    /// <summary>A template rendered text that is not valid YAML (the message shows the rendered line).</summary>
    KubeTemplateOutputInvalid,
    /// <summary>A values file does not parse, or a -Set expression is malformed.</summary>
    KubeTemplateValuesInvalid,
}
