namespace KubePS.Engine.Ci;

/// <summary>The CI platform a process runs on.</summary>
public enum CiPlatform
{
    /// <summary>Not a CI platform KubePS annotates for (a developer's machine, or an unknown CI).</summary>
    None,
    /// <summary>GitHub Actions (GITHUB_ACTIONS=true).</summary>
    GitHubActions,
    /// <summary>Azure Pipelines (TF_BUILD=True).</summary>
    AzurePipelines,
}

/// <summary>
/// What the environment says about CI: the platform (for annotations and summaries), whether any CI at all is
/// running (CI=true: no progress bars, no colour), where the checkout lives (to make annotation paths relative) and
/// where the step summary goes.
/// </summary>
public sealed class CiEnvironment
{
    /// <summary>The platform, or <see cref="CiPlatform.None"/>.</summary>
    public CiPlatform Platform { get; init; }

    /// <summary>True on any CI system (the platforms above, or CI set to anything but false/0).</summary>
    public bool IsCi { get; init; }

    /// <summary>True when NO_COLOR is set to a non-empty value (https://no-color.org).</summary>
    public bool NoColor { get; init; }

    /// <summary>The checkout directory (GITHUB_WORKSPACE, BUILD_SOURCESDIRECTORY), or null.</summary>
    public string? Workspace { get; init; }

    /// <summary>GitHub's step summary file (GITHUB_STEP_SUMMARY), or null.</summary>
    public string? StepSummaryPath { get; init; }

    /// <summary>A directory for files the agent picks up (RUNNER_TEMP, AGENT_TEMPDIRECTORY), or null (use the system temp directory).</summary>
    public string? TempDirectory { get; init; }

    /// <summary>True when annotations make sense here (a known platform).</summary>
    public bool SupportsAnnotations => Platform != CiPlatform.None;

    /// <summary>
    /// True when KUBEPS_CI_ANNOTATIONS is false or 0: -CiAnnotations then defaults to off even in CI (a test suite whose
    /// expected failures should not become annotations on the run). An explicit -CiAnnotations still turns them on.
    /// </summary>
    public bool AnnotationsOptedOut { get; init; }

    /// <summary>-CiAnnotations' default: on for a known platform unless opted out.</summary>
    public bool AnnotationsByDefault => SupportsAnnotations && !AnnotationsOptedOut;

    /// <summary>The current process environment.</summary>
    public static CiEnvironment Current => Detect(Environment.GetEnvironmentVariable);

    /// <summary>Reads the environment through <paramref name="get"/> (tests pass a dictionary).</summary>
    public static CiEnvironment Detect(Func<string, string?> get)
    {
        ArgumentNullException.ThrowIfNull(get);
        var platform = IsTrue(get("GITHUB_ACTIONS")) ? CiPlatform.GitHubActions
            : IsTrue(get("TF_BUILD")) ? CiPlatform.AzurePipelines
            : CiPlatform.None;
        var ci = get("CI");
        return new CiEnvironment
        {
            Platform = platform,
            IsCi = platform != CiPlatform.None || (!string.IsNullOrEmpty(ci) && !string.Equals(ci, "false", StringComparison.OrdinalIgnoreCase) && ci != "0"),
            NoColor = !string.IsNullOrEmpty(get("NO_COLOR")),
            AnnotationsOptedOut = get("KUBEPS_CI_ANNOTATIONS")?.Trim() is { } optOut && (optOut == "0" || string.Equals(optOut, "false", StringComparison.OrdinalIgnoreCase)),
            Workspace = NonEmpty(platform == CiPlatform.GitHubActions ? get("GITHUB_WORKSPACE") : platform == CiPlatform.AzurePipelines ? get("BUILD_SOURCESDIRECTORY") : null),
            StepSummaryPath = platform == CiPlatform.GitHubActions ? NonEmpty(get("GITHUB_STEP_SUMMARY")) : null,
            TempDirectory = NonEmpty(platform == CiPlatform.GitHubActions ? get("RUNNER_TEMP") : platform == CiPlatform.AzurePipelines ? get("AGENT_TEMPDIRECTORY") : null),
        };
    }

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
