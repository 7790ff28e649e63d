namespace Autobuilder.Grains;

/// <summary>
/// The class of a finished build, as the build runner's exit code says it. The scheduler acts on
/// this alone, never on the log.
/// </summary>
public enum BuildOutcome
{
    Success,
    BuildFailed,
    DepWait,
    BadSource,
    /// <summary>The builder, not the package, failed: retried on another slot.</summary>
    InfrastructureError,
}
