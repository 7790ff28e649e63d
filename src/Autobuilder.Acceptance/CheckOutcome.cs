namespace Autobuilder.Acceptance;

/// <summary>What one check answered: passed, refused (with one rejection per thing it found), or skipped (and why).</summary>
public sealed record CheckOutcome
{
    private CheckOutcome(IReadOnlyList<CheckRejection> rejections, string? skipped)
    {
        Rejections = rejections;
        Skipped = skipped;
    }

    public static CheckOutcome Passed { get; } = new([], null);

    public static CheckOutcome Refused(IReadOnlyList<CheckRejection> rejections) =>
        rejections.Count == 0 ? throw new ArgumentException("a refusal names at least one reason", nameof(rejections)) : new(rejections, null);

    /// <summary>The check could not be asked here: <paramref name="why"/> names what it needs (a live directory, the configuration…).</summary>
    public static CheckOutcome Skip(string why) => new([], why);

    public IReadOnlyList<CheckRejection> Rejections { get; }

    public string? Skipped { get; }

    public bool IsRefused => Rejections.Count > 0;
}
