namespace Autobuilder.BuildRunner;

/// <summary>
/// How one build ended. The scheduler acts on these classes, never on log text: each one calls for
/// a different next step.
/// </summary>
public enum BuildOutcome
{
    /// <summary>Packages were built and collected.</summary>
    Success,

    /// <summary>The package's own build failed (or ran past its time limit); retrying the same source will not help.</summary>
    BuildFailed,

    /// <summary>Build dependencies are not available yet; retry when they appear.</summary>
    DepWait,

    /// <summary>The source package itself is unusable (refused name, cannot be unpacked, broken control file).</summary>
    BadSource,

    /// <summary>The builder, not the package, failed (missing tool, full disk, runner crash, signal); retry elsewhere.</summary>
    InfrastructureError,

    /// <summary>
    /// Stopped on purpose before it ended: an operator's <c>uploads cancel</c>, or a newer upload of
    /// the same source superseded it. Never retried. The runner never chooses it (it has no exit
    /// code): the executor that stopped the build says so.
    /// </summary>
    Cancelled,
}
