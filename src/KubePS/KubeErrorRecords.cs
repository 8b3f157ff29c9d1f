using System.Management.Automation;
using KubePS.Engine.Errors;

namespace KubePS;

/// <summary>Turns engine failures into ErrorRecords with the stable ErrorId and a real category.</summary>
public static class KubeErrorRecords
{
    /// <summary>The PowerShell category for an engine error kind.</summary>
    public static ErrorCategory CategoryOf(KubeErrorKind kind) => kind switch
    {
        KubeErrorKind.KubeNotFound => ErrorCategory.ObjectNotFound,
        KubeErrorKind.KubeForbidden => ErrorCategory.PermissionDenied,
        KubeErrorKind.KubeUnauthorized => ErrorCategory.AuthenticationError,
        KubeErrorKind.KubeConflict => ErrorCategory.ResourceExists,
        KubeErrorKind.KubeInvalid => ErrorCategory.InvalidData,
        KubeErrorKind.KubeBadRequest => ErrorCategory.InvalidArgument,
        KubeErrorKind.KubeGone => ErrorCategory.ResourceUnavailable,
        KubeErrorKind.KubeServerBusy => ErrorCategory.ResourceBusy,
        KubeErrorKind.KubeUnreachable => ErrorCategory.ConnectionError,
        KubeErrorKind.KubeTlsFailed => ErrorCategory.SecurityError,
        KubeErrorKind.KubeTimeout => ErrorCategory.OperationTimeout,
        KubeErrorKind.KubeConfigInvalid => ErrorCategory.InvalidData,
        KubeErrorKind.KubeConfigNotFound => ErrorCategory.ObjectNotFound,
        KubeErrorKind.KubeContextNotFound => ErrorCategory.ObjectNotFound,
        KubeErrorKind.KubeExecPluginFailed => ErrorCategory.AuthenticationError,
        KubeErrorKind.KubeUnknownKind => ErrorCategory.ObjectNotFound,
        KubeErrorKind.KubeYamlInvalid => ErrorCategory.ParserError,
        KubeErrorKind.KubeManifestNotFound => ErrorCategory.ObjectNotFound,
        KubeErrorKind.KubeManifestInvalid => ErrorCategory.InvalidData,
        KubeErrorKind.KubeApplyConflict => ErrorCategory.WriteError,
        KubeErrorKind.KubeValidationFailed => ErrorCategory.InvalidData,
        KubeErrorKind.KubeOverwriteRequired => ErrorCategory.ResourceExists,
        KubeErrorKind.KubeUnsupportedKind => ErrorCategory.InvalidOperation,
        KubeErrorKind.KubeWaitTimeout => ErrorCategory.OperationTimeout,
        KubeErrorKind.KubeWaitFailed => ErrorCategory.InvalidResult,
        KubeErrorKind.KubeJsonPathInvalid => ErrorCategory.ParserError,
        KubeErrorKind.KubeWaitInvalidArgument => ErrorCategory.InvalidArgument,
        KubeErrorKind.KubeLogContainerNotFound => ErrorCategory.ObjectNotFound,
        KubeErrorKind.KubeLogNoPreviousContainer => ErrorCategory.ObjectNotFound,
        KubeErrorKind.KubeLogMaxStreamsExceeded => ErrorCategory.LimitsExceeded,
        KubeErrorKind.KubeLogStreamFailed => ErrorCategory.ReadError,
        KubeErrorKind.KubeWatchFailed => ErrorCategory.ResourceUnavailable,
        KubeErrorKind.KubeDeployCycle => ErrorCategory.InvalidData,
        KubeErrorKind.KubeDeployDanglingReference => ErrorCategory.ObjectNotFound,
        KubeErrorKind.KubeDeployValidationFailed => ErrorCategory.InvalidData,
        KubeErrorKind.KubeDeployNodeFailed => ErrorCategory.InvalidResult,
        KubeErrorKind.KubeDeployTimeout => ErrorCategory.OperationTimeout,
        KubeErrorKind.KubeDeployApplicationInvalid => ErrorCategory.InvalidData,
        KubeErrorKind.KubeDeployDenied => ErrorCategory.SecurityError,
        KubeErrorKind.KubeDeployInventoryNotFound => ErrorCategory.ObjectNotFound,
        KubeErrorKind.KubeTemplateSyntaxError => ErrorCategory.ParserError,
        KubeErrorKind.KubeTemplateRenderFailed => ErrorCategory.InvalidOperation,
        KubeErrorKind.KubeTemplateValueRequired => ErrorCategory.InvalidArgument,
        KubeErrorKind.KubeTemplateValueType => ErrorCategory.InvalidType,
        KubeErrorKind.KubeTemplateUnknownEnvironment => ErrorCategory.ObjectNotFound,
        KubeErrorKind.KubeTemplateOutputInvalid => ErrorCategory.InvalidData,
        KubeErrorKind.KubeTemplateValuesInvalid => ErrorCategory.InvalidArgument,
        KubeErrorKind.KubePolicyInvalid => ErrorCategory.InvalidData,
        KubeErrorKind.KubePolicyExpressionInvalid => ErrorCategory.InvalidData,
        KubeErrorKind.KubePolicyDenied => ErrorCategory.SecurityError,
        KubeErrorKind.KubePolicyNotFound => ErrorCategory.ObjectNotFound,
        KubeErrorKind.KubeAuditTampered => ErrorCategory.SecurityError,
        KubeErrorKind.KubeAuditWriteFailed => ErrorCategory.WriteError,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>
    /// An ErrorRecord whose ErrorId is <see cref="KubeException.ErrorId"/> (so FullyQualifiedErrorId starts with it),
    /// with the engine's message and recommended action.
    /// </summary>
    public static ErrorRecord Create(KubeException exception, object? target)
    {
        var record = new ErrorRecord(exception, exception.ErrorId, CategoryOf(exception.Kind), target ?? exception.Target);
        record.ErrorDetails = new ErrorDetails(exception.Message)
        {
            RecommendedAction = exception.RecommendedAction ?? string.Empty,
        };
        return record;
    }
}
