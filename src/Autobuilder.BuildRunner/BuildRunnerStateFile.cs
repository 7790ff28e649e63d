using System.Globalization;

namespace Autobuilder.BuildRunner;

/// <summary>
/// The <c>state</c> file of a build folder: <c>key=value</c> lines that <c>ab-build-runner</c>
/// replaces atomically on every step, so a reader sees one complete version of it.
/// </summary>
public sealed class BuildRunnerStateFile
{
    private BuildRunnerStateFile(IReadOnlyDictionary<string, string> values, BuildRunnerState state, BuildOutcome? outcome,
        DateTimeOffset? started, DateTimeOffset? finished)
    {
        Values = values;
        State = state;
        Outcome = outcome;
        Started = started;
        Finished = finished;
    }

    /// <summary>Every line, including keys this reader does not know (kept for diagnostics).</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    public BuildRunnerState State { get; }

    /// <summary>Set exactly when <see cref="State"/> is <see cref="BuildRunnerState.Done"/>.</summary>
    public BuildOutcome? Outcome { get; }

    public DateTimeOffset? Started { get; }
    public DateTimeOffset? Finished { get; }

    public string? Mode => Get("mode");
    public string? Architecture => Get("arch");
    public string? BuildType => Get("build_type");
    public string? Dsc => Get("dsc");

    /// <summary>On dep-wait: the unmet build dependencies as dpkg-checkbuilddeps printed them.</summary>
    public string? Missing => Get("missing");

    /// <summary>Installed packages that conflict with the build (an infrastructure error in host mode).</summary>
    public string? Conflicts => Get("conflicts");

    /// <summary>One line saying why the build ended as it did, for people; never parse it.</summary>
    public string? Reason => Get("reason");

    private string? Get(string key) => Values.TryGetValue(key, out var v) ? v : null;

    public static BuildRunnerStateFile Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>
    /// Parses the file strictly: it is written by our own script, so anything unexpected (a line
    /// without '=', a key twice, an unknown state or outcome) is a bug or tampering, not something
    /// to guess around.
    /// </summary>
    public static BuildRunnerStateFile Parse(string text, string source = BuildRunnerFiles.State)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
                continue;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw Invalid(source, $"line {lineNumber} is not key=value");
            var key = line[..eq];
            if (!values.TryAdd(key, line[(eq + 1)..]))
                throw Invalid(source, $"key '{key}' appears twice (line {lineNumber})");
        }

        if (!values.TryGetValue("state", out var stateWord))
            throw Invalid(source, "no state= line");
        var state = stateWord switch
        {
            "init" => BuildRunnerState.Init,
            "setup" => BuildRunnerState.Setup,
            "build" => BuildRunnerState.Build,
            "done" => BuildRunnerState.Done,
            _ => throw Invalid(source, $"unknown state '{stateWord}'"),
        };

        BuildOutcome? outcome = null;
        if (values.TryGetValue("outcome", out var outcomeWord))
            outcome = BuildRunnerFiles.ParseOutcomeWord(outcomeWord) ?? throw Invalid(source, $"unknown outcome '{outcomeWord}'");
        if (state == BuildRunnerState.Done && outcome is null)
            throw Invalid(source, "state is done but there is no outcome= line");
        if (state != BuildRunnerState.Done && outcome is not null)
            throw Invalid(source, $"an outcome is set while the state is still '{stateWord}'");

        return new BuildRunnerStateFile(values, state, outcome,
            Timestamp(values, "started", source), Timestamp(values, "finished", source));
    }

    private static DateTimeOffset? Timestamp(Dictionary<string, string> values, string key, string source)
    {
        if (!values.TryGetValue(key, out var text))
            return null;
        if (!DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var at))
            throw Invalid(source, $"{key}= is not a UTC timestamp: '{text}'");
        return at;
    }

    private static InvalidDataException Invalid(string source, string problem) =>
        new($"{source}: invalid build runner state file: {problem}");
}
