using Autobuilder.Debian.Safety;

namespace Autobuilder.BuildRunner;

/// <summary>
/// What one run of <c>ab-build-runner</c> left in its build folder: the outcome, the unmet build
/// dependencies on dep-wait, and the produced files on success.
/// </summary>
public sealed class BuildRunnerResult
{
    private BuildRunnerResult(string buildFolder, BuildOutcome outcome, string? reason, BuildRunnerStateFile? state,
        string? missingRaw, IReadOnlyList<string> files)
    {
        BuildFolder = buildFolder;
        Outcome = outcome;
        Reason = reason;
        State = state;
        MissingBuildDependenciesText = missingRaw;
        MissingBuildDependencies = missingRaw is null
            ? []
            : missingRaw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Files = files;
    }

    public string BuildFolder { get; }
    public BuildOutcome Outcome { get; }

    /// <summary>Why, for people: the runner's <c>reason=</c>, or why this reader overrode it.</summary>
    public string? Reason { get; }

    /// <summary>The state file as read, or null when there was none.</summary>
    public BuildRunnerStateFile? State { get; }

    /// <summary>The <c>depwait</c> file's line, e.g. <c>libfoo-dev (&gt;= 1.2), bar | baz</c>.</summary>
    public string? MissingBuildDependenciesText { get; }

    /// <summary>One relation per entry (alternatives stay together: <c>bar | baz</c>).</summary>
    public IReadOnlyList<string> MissingBuildDependencies { get; }

    /// <summary>Names of the produced files, in <see cref="ResultsDirectory"/>; empty unless the build succeeded.</summary>
    public IReadOnlyList<string> Files { get; }

    public string ResultsDirectory => Path.Combine(BuildFolder, BuildRunnerFiles.ResultsDirectory);

    public string PathOf(string fileName) => FileNames.Combine(ResultsDirectory, fileName, BuildRunnerFiles.ResultsList);

    /// <summary>
    /// Reads the result of a finished run. Pass the runner's exit code when known: the exit code and
    /// the state file must agree, and a runner that died before writing <c>state=done</c> (killed,
    /// host lost) yields <see cref="BuildOutcome.InfrastructureError"/> instead of a guess.
    /// </summary>
    public static BuildRunnerResult Read(string buildFolder, int? exitCode = null)
    {
        var statePath = Path.Combine(buildFolder, BuildRunnerFiles.State);
        if (!File.Exists(statePath))
            return Infrastructure(buildFolder, null, "the runner left no state file" + ExitText(exitCode));

        var state = BuildRunnerStateFile.Load(statePath);
        if (state.State != BuildRunnerState.Done)
            return Infrastructure(buildFolder, state,
                $"the runner stopped in state '{state.State.ToString().ToLowerInvariant()}' without finishing" + ExitText(exitCode));

        var outcome = state.Outcome!.Value;
        if (exitCode is int code && BuildRunnerExitCodes.ToOutcome(code) != outcome)
            return Infrastructure(buildFolder, state,
                $"exit code {code} disagrees with the state file's outcome '{BuildRunnerFiles.OutcomeWord(outcome)}'");

        string? missing = null;
        if (outcome == BuildOutcome.DepWait)
        {
            var depwait = Path.Combine(buildFolder, BuildRunnerFiles.DepWait);
            missing = File.Exists(depwait) ? File.ReadAllText(depwait).Trim() : state.Missing;
        }

        IReadOnlyList<string> files = [];
        if (outcome == BuildOutcome.Success)
            files = ReadResultsList(Path.Combine(buildFolder, BuildRunnerFiles.ResultsList));

        return new BuildRunnerResult(buildFolder, outcome, state.Reason, state, missing, files);
    }

    // The names end up in paths on the executor side; only plain names inside results/ pass.
    private static List<string> ReadResultsList(string path)
    {
        var names = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        foreach (var name in names)
            FileNames.Require(name, path);
        return names;
    }

    private static BuildRunnerResult Infrastructure(string buildFolder, BuildRunnerStateFile? state, string reason) =>
        new(buildFolder, BuildOutcome.InfrastructureError, reason, state, null, []);

    private static string ExitText(int? exitCode) => exitCode is int code ? $" (exit code {code})" : "";
}
