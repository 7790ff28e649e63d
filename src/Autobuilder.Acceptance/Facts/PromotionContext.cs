namespace Autobuilder.Acceptance;

/// <summary>A binary package of the version asked to move: its name and architecture ("all" for architecture-independent).</summary>
public sealed record PromotionBinary(string Package, string Architecture);

/// <summary>A binary dose-debcheck found not installable, and why in its words (the missing relation or the conflict).</summary>
public sealed record Uninstallable(string Package, string Version, string Architecture, IReadOnlyList<string> Reasons);

/// <summary>One tag lintian emitted: its severity letter (E, W, I, P, X, O), package and tag, and the rest of the line.</summary>
public sealed record LintianTag(string Severity, string Package, string Tag, string Detail);

/// <summary>A vote as the rules read it: who, +1/−1, the comment, blocker or not.</summary>
public sealed record VoteFact(string Login, int Value, string Comment, bool Blocker, string Version);

/// <summary>The rules of the ladder step the package would take (issue 15's quarantine and karma).</summary>
public sealed record LadderRules(
    string Step,
    double MinimumDays,
    int MinimumKarma,
    bool BlockerVotesBlock,
    bool MaintainerConfirms,
    bool PreviousRoundBlocks,
    IReadOnlyCollection<string> LintianBlockingTags);

/// <summary>
/// What the promotion checks of one source version see (issue 15): where it is and where it would
/// go, its binaries, what the target holds, dose-debcheck's and lintian's findings, its votes and
/// time in the lower repository. A fact left null was not gathered; the checks that need it are skipped.
/// </summary>
public sealed class PromotionContext
{
    public required string Source { get; init; }

    public required string Version { get; init; }

    /// <summary>"repository/product" the package is in.</summary>
    public required string From { get; init; }

    /// <summary>"repository/product" it would move to.</summary>
    public required string To { get; init; }

    public required LadderRules Rules { get; init; }

    public required DateTimeOffset Now { get; init; }

    /// <summary>Its binaries in <see cref="From"/>; null when not looked at.</summary>
    public IReadOnlyList<PromotionBinary>? Binaries { get; init; }

    /// <summary>Architectures both repositories cover (narrowed by the .dsc's Architecture field when the source is published).</summary>
    public IReadOnlyList<string> NeededArchitectures { get; init; } = [];

    /// <summary>The newest version of the source <see cref="To"/> holds; null when none.</summary>
    public string? TargetVersion { get; init; }

    /// <summary>dose-debcheck's uninstallable binaries of this version; null when it did not run (<see cref="InstallabilitySkipped"/> says why).</summary>
    public IReadOnlyList<Uninstallable>? Uninstallable { get; init; }

    public string? InstallabilitySkipped { get; init; }

    /// <summary>Why installability could not be judged although dose-debcheck ran (the version's binaries are not in the published indices): a refusal, not a skip.</summary>
    public string? InstallabilityUnknown { get; init; }

    /// <summary>What installability was judged against, for the reason text ("extras-testing/bookworm and its base").</summary>
    public string InstallableAgainst { get; init; } = "";

    /// <summary>Lintian's tags on the version's .debs; null when it did not run (<see cref="LintianSkipped"/> says why).</summary>
    public IReadOnlyList<LintianTag>? Lintian { get; init; }

    public string? LintianSkipped { get; init; }

    /// <summary>When the version entered <see cref="From"/>; null when unknown.</summary>
    public DateTimeOffset? EnteredAt { get; init; }

    /// <summary>The open votes of the current round.</summary>
    public IReadOnlyList<VoteFact> Votes { get; init; } = [];

    /// <summary>Open blocker −1s of earlier rounds in <see cref="To"/> (an older version voted down there).</summary>
    public IReadOnlyList<VoteFact> EarlierBlockers { get; init; } = [];

    /// <summary>The maintainer (or an operator) confirmed this version's promotion.</summary>
    public bool Confirmed { get; init; }

    public int Karma => Votes.Sum(v => v.Value);
}
