namespace KubePS.Engine.Errors;

/// <summary>
/// The one exception type the engine throws for expected failures. The cmdlet layer turns it
/// into an ErrorRecord whose ErrorId is <see cref="ErrorId"/>.
/// </summary>
public sealed class KubeException : Exception
{
    public KubeException(KubeErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>The stable kind; its name is the ErrorId.</summary>
    public KubeErrorKind Kind { get; }

    /// <summary>The stable PascalCase error id (the name of <see cref="Kind"/>).</summary>
    public string ErrorId => Kind.ToString();

    /// <summary>HTTP status code when the failure came from the API server.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The server's Status.reason (NotFound, AlreadyExists, Invalid, ...), when there was one.</summary>
    public string? Reason { get; init; }

    /// <summary>The object the failure is about (a resource name, a file path, a context name), if known.</summary>
    public object? Target { get; init; }

    /// <summary>Field-level causes the server reported (for KubeInvalid): "field: message".</summary>
    public IReadOnlyList<string> Causes { get; init; } = Array.Empty<string>();

    /// <summary>A short suggestion for the user, shown as RecommendedAction.</summary>
    public string? RecommendedAction { get; init; }
}
