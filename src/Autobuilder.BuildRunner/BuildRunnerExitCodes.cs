namespace Autobuilder.BuildRunner;

/// <summary>
/// The exit codes of <c>ab-build-runner</c>, one per <see cref="BuildOutcome"/>. They must match the
/// EXIT_* constants at the top of the script.
/// </summary>
public static class BuildRunnerExitCodes
{
    public const int Success = 0;
    public const int BuildFailed = 1;
    public const int DepWait = 2;
    public const int BadSource = 3;
    public const int InfrastructureError = 4;

    /// <summary>
    /// The outcome an exit code stands for. Any other code — a crash, or 128+N when a signal ended
    /// the runner — is an infrastructure error: the runner did not get to classify the build, so
    /// the safe reading is "retry elsewhere", never a verdict on the package.
    /// </summary>
    public static BuildOutcome ToOutcome(int exitCode) => exitCode switch
    {
        Success => BuildOutcome.Success,
        BuildFailed => BuildOutcome.BuildFailed,
        DepWait => BuildOutcome.DepWait,
        BadSource => BuildOutcome.BadSource,
        _ => BuildOutcome.InfrastructureError,
    };

    public static int FromOutcome(BuildOutcome outcome) => outcome switch
    {
        BuildOutcome.Success => Success,
        BuildOutcome.BuildFailed => BuildFailed,
        BuildOutcome.DepWait => DepWait,
        BuildOutcome.BadSource => BadSource,
        BuildOutcome.InfrastructureError => InfrastructureError,
        BuildOutcome.Cancelled => throw new ArgumentOutOfRangeException(nameof(outcome), outcome,
            "a cancelled build has no runner exit code: the executor that stopped it reports it"),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "unknown build outcome"),
    };
}
