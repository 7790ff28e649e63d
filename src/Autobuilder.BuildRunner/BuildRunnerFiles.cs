namespace Autobuilder.BuildRunner;

/// <summary>
/// Names of what <c>ab-build-runner</c> writes into the per-build folder, and the outcome words of
/// its state file. They must match the script's constants.
/// </summary>
public static class BuildRunnerFiles
{
    /// <summary><c>key=value</c> lines, replaced atomically on every step.</summary>
    public const string State = "state";

    /// <summary>Full output of every step and tool, each step line prefixed with a UTC timestamp.</summary>
    public const string Log = "build.log";

    /// <summary>On dep-wait: the unmet build dependencies, as dpkg-checkbuilddeps printed them, on one line.</summary>
    public const string DepWait = "depwait";

    /// <summary>On success: the folder the produced .deb, .udeb, .ddeb, .changes and .buildinfo files are moved into.</summary>
    public const string ResultsDirectory = "results";

    /// <summary>On success: the names of the files in <see cref="ResultsDirectory"/>, one a line.</summary>
    public const string ResultsList = "results.list";

    /// <summary>The folder the source package is unpacked into.</summary>
    public const string SourceDirectory = "src";

    /// <summary>The word the state file uses for an outcome (<c>outcome=</c> line).</summary>
    public static string OutcomeWord(BuildOutcome outcome) => outcome switch
    {
        BuildOutcome.Success => "success",
        BuildOutcome.BuildFailed => "build-failed",
        BuildOutcome.DepWait => "dep-wait",
        BuildOutcome.BadSource => "bad-source",
        BuildOutcome.InfrastructureError => "infrastructure",
        BuildOutcome.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "unknown build outcome"),
    };

    /// <summary>The outcome an <c>outcome=</c> word names, or null for a word the script never writes.</summary>
    public static BuildOutcome? ParseOutcomeWord(string word) => word switch
    {
        "success" => BuildOutcome.Success,
        "build-failed" => BuildOutcome.BuildFailed,
        "dep-wait" => BuildOutcome.DepWait,
        "bad-source" => BuildOutcome.BadSource,
        "infrastructure" => BuildOutcome.InfrastructureError,
        "cancelled" => BuildOutcome.Cancelled,
        _ => null,
    };
}
