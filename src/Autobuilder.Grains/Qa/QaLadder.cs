using System.Globalization;
using Autobuilder.Grains.Options;

namespace Autobuilder.Grains.Qa;

/// <summary>One rung as in effect (issue 15): the repository pair and its rules.</summary>
public sealed record QaStep(QaStepOptions Options)
{
    public string From => Options.From;

    public string To => Options.To;

    public bool CarryVotes => string.Equals(Options.NewRound, "carry", StringComparison.OrdinalIgnoreCase);

    /// <summary>"extras-testing → extras: 10 days, karma 10": the rule as the decisions and excuses name it.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Options.ByRequest)
            parts.Add("by request");
        if (Options.MinimumDays > 0)
            parts.Add($"{Options.MinimumDays.ToString("0.##", CultureInfo.InvariantCulture)} days");
        if (Options.MinimumKarma > 0)
            parts.Add($"karma {Options.MinimumKarma}");
        if (Options.MaintainerConfirms)
            parts.Add("maintainer confirms");
        parts.Add("automatic checks");
        return $"{From} → {To}: {string.Join(", ", parts)}";
    }
}

/// <summary>
/// The ladder as in effect: the configured steps, or maemo.org's default ones whose repositories
/// exist and which the stage's own rule (PromoteTo) does not already cover. <see cref="Problems"/>
/// says what is wrong with configured steps; the silo refuses to start on any.
/// </summary>
public sealed class QaLadder
{
    public QaLadder(AutobuilderOptions options)
    {
        var qa = options.Qa;
        var repositories = options.Stage.Repositories.Count > 0
            ? options.Stage.Repositories.ToDictionary(r => r.Name, r => r.PromoteTo, StringComparer.Ordinal)
            : Stage.StageConfiguration.DefaultRepositories.ToDictionary(r => r, _ => (string?)null, StringComparer.Ordinal);
        var problems = new List<string>();
        var steps = new List<QaStep>();
        if (qa.Steps.Count > 0)
        {
            foreach (var s in qa.Steps)
            {
                var where = $"Autobuilder:Qa:Steps ({s.From} → {s.To})";
                if (!repositories.ContainsKey(s.From))
                    problems.Add($"{where}: From '{s.From}' is not a configured repository ({string.Join(", ", repositories.Keys)})");
                if (!repositories.ContainsKey(s.To))
                    problems.Add($"{where}: To '{s.To}' is not a configured repository ({string.Join(", ", repositories.Keys)})");
                if (s.From == s.To)
                    problems.Add($"{where}: a step goes to another repository");
                if (steps.Any(x => x.From == s.From))
                    problems.Add($"{where}: {s.From} already has a step (one step leaves each repository)");
                if (repositories.GetValueOrDefault(s.From) is { } stageRule)
                    problems.Add($"{where}: the stage already promotes {s.From} to {stageRule} by its own rule (PromoteTo); remove one of the two");
                if (s.MinimumDays < 0 || s.MinimumKarma < 0)
                    problems.Add($"{where}: MinimumDays and MinimumKarma are 0 or more");
                if (s.NewRound is not ("reset" or "carry"))
                    problems.Add($"{where}: NewRound is 'reset' or 'carry', not '{s.NewRound}'");
                foreach (var with in s.InstallableWith.Where(w => !repositories.ContainsKey(w)))
                    problems.Add($"{where}: InstallableWith '{with}' is not a configured repository");
                foreach (var tag in s.LintianBlockingTags.Where(t => t.Length == 0 || !t.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '+' or '.' or '_')))
                    problems.Add($"{where}: '{tag}' is not a lintian tag name");
                steps.Add(new QaStep(s));
            }
        }
        else if (qa.UseDefaultLadder)
        {
            steps.AddRange(QaOptions.DefaultLadder
                .Where(s => repositories.ContainsKey(s.From) && repositories.ContainsKey(s.To) && repositories[s.From] is null)
                .Select(s => new QaStep(s)));
        }
        if (qa.CheckMinutes <= 0)
            problems.Add("Autobuilder:Qa:CheckMinutes must be more than 0");
        if (qa.ToolTimeoutSeconds <= 0)
            problems.Add("Autobuilder:Qa:ToolTimeoutSeconds must be more than 0");
        Steps = steps;
        Problems = problems;
        Check = TimeSpan.FromMinutes(Math.Max(0.01, qa.CheckMinutes));
    }

    public IReadOnlyList<QaStep> Steps { get; }

    public IReadOnlyList<string> Problems { get; }

    public TimeSpan Check { get; }

    /// <summary>The step leaving <paramref name="repository"/>, if any.</summary>
    public QaStep? From(string repository) => Steps.FirstOrDefault(s => s.From == repository);

    /// <summary>The step entering <paramref name="repository"/>, if any.</summary>
    public QaStep? Into(string repository) => Steps.FirstOrDefault(s => s.To == repository);

    /// <summary>
    /// The repositories whose excuses (quarantine steps) read <paramref name="repository"/>'s packages
    /// or indices: the step leaving it, and the steps whose target or InstallableWith it is.
    /// </summary>
    public IEnumerable<string> ExcusesReading(string repository) =>
        Steps.Where(s => !s.Options.ByRequest && (s.From == repository || s.To == repository || s.Options.InstallableWith.Contains(repository)))
            .Select(s => s.From);
}
