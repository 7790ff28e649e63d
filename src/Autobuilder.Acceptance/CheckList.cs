namespace Autobuilder.Acceptance;

/// <summary>
/// An ordered list of checks, cheapest first. A refusal of a <see cref="CheckFlow.Gate"/> or
/// <see cref="CheckFlow.Final"/> check ends the list (dak's way: a later check may rely on what an
/// earlier one established, such as a readable .dsc); refusals of the others are collected, and a
/// check reports everything it found, so an uploader with three bad files hears of all three.
/// <see cref="CheckFlow.Final"/> checks are asked only when nothing refused before them.
/// </summary>
public sealed class CheckList<TContext>(IReadOnlyList<IAcceptanceCheck<TContext>> checks)
{
    public IReadOnlyList<IAcceptanceCheck<TContext>> Checks { get; } = checks;

    public async Task<CheckRun> RunAsync(TContext context)
    {
        var results = new List<CheckResult>();
        var refused = false;
        foreach (var check in Checks)
        {
            if (refused && check.Flow == CheckFlow.Final)
                break;
            var outcome = await check.CheckAsync(context);
            results.Add(new CheckResult(check.Name, check.Question, outcome));
            refused |= outcome.IsRefused;
            if (outcome.IsRefused && check.Flow != CheckFlow.Collect)
                break;
        }
        return new CheckRun(results, Checks.Skip(results.Count).Select(c => c.Name).ToList());
    }
}

/// <summary>One check's answer in a run.</summary>
public sealed record CheckResult(string Check, string Question, CheckOutcome Outcome);

/// <summary>A run of a list: each check asked, in order, and the names of those not asked because an earlier one refused.</summary>
public sealed record CheckRun(IReadOnlyList<CheckResult> Results, IReadOnlyList<string> NotRun)
{
    public IReadOnlyList<CheckRejection> Rejections => [.. Results.SelectMany(r => r.Outcome.Rejections)];

    public bool Accepted => Rejections.Count == 0;
}
