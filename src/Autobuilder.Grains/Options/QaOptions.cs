namespace Autobuilder.Grains.Options;

/// <summary>
/// The "Autobuilder:Qa" section: the QA ladder (issue 15), maemo.org's way of moving packages
/// from a development repository through a testing repository into a stable one. Each step is a
/// repository pair with its own rules; without <see cref="Steps"/> the ladder is maemo.org's
/// (<see cref="DefaultLadder"/>), taken only where both repositories are configured and the stage
/// has no rule of its own (<c>PromoteTo</c>) for the pair.
/// </summary>
public sealed class QaOptions
{
    /// <summary>The steps; empty means <see cref="DefaultLadder"/>.</summary>
    public List<QaStepOptions> Steps { get; set; } = [];

    /// <summary>False turns the ladder off (no steps, no reminder) when <see cref="Steps"/> is empty.</summary>
    public bool UseDefaultLadder { get; set; } = true;

    /// <summary>How often the quarantine rules run (an Orleans reminder per distribution of a step's lower repository).</summary>
    public double CheckMinutes { get; set; } = 60;

    /// <summary>
    /// The base distribution's Packages files per product, which installability counts besides our
    /// repositories (dose-debcheck's background): plain, .gz, .xz, or .lz4 as apt keeps them
    /// (read with apt-helper). "{arch}" in a path is the architecture checked; a path may end in a
    /// file-name glob ("*_dists_bookworm_main_binary-{arch}_Packages*").
    /// </summary>
    public Dictionary<string, List<string>> BaseIndices { get; set; } = [];

    /// <summary>A dose-debcheck or lintian run taking longer than this is stopped and counts as failed.</summary>
    public double ToolTimeoutSeconds { get; set; } = 300;

    /// <summary>Decisions (promoted, refused, demoted) each distribution's QA record keeps.</summary>
    public int KeepDecisions { get; set; } = 500;

    /// <summary>maemo.org's ladder: requests into extras-testing with the automatic checks, then 10 days and karma 10 into extras (and community likewise).</summary>
    public static IReadOnlyList<QaStepOptions> DefaultLadder { get; } =
    [
        new() { From = "extras-devel", To = "extras-testing", ByRequest = true },
        new() { From = "extras-testing", To = "extras", MinimumDays = 10, MinimumKarma = 10 },
        new() { From = "community-testing", To = "community", MinimumDays = 10, MinimumKarma = 10 },
    ];
}

/// <summary>One rung of the ladder: how a package moves from <see cref="From"/> to <see cref="To"/>.</summary>
public sealed class QaStepOptions
{
    public string From { get; set; } = "";

    public string To { get; set; } = "";

    /// <summary>
    /// True: a package moves only when its maintainer (owner or uploader) or an operator asks
    /// (<c>repo request-promotion</c>), and then at once if the checks pass. False: the reminder
    /// moves whatever the rules allow.
    /// </summary>
    public bool ByRequest { get; set; }

    /// <summary>Days the version must have been in <see cref="From"/> (quarantine).</summary>
    public double MinimumDays { get; set; }

    /// <summary>Karma (the sum of the votes of the current round) the version needs.</summary>
    public int MinimumKarma { get; set; }

    /// <summary>A −1 marked as blocker holds the package until it is voided.</summary>
    public bool BlockerVotesBlock { get; set; } = true;

    /// <summary>When set, karma below it takes the package out of <see cref="From"/> (demotion, mailed to the maintainer).</summary>
    public int? DemoteBelowKarma { get; set; }

    /// <summary>The maintainer (or an operator) must confirm with <c>repo request-promotion</c> before the rules move it.</summary>
    public bool MaintainerConfirms { get; set; }

    /// <summary>"reset" (a new version in <see cref="From"/> starts with karma 0) or "carry" (earlier votes count on).</summary>
    public string NewRound { get; set; } = "reset";

    /// <summary>An open blocker −1 from an earlier round in <see cref="To"/> refuses the new version (until voided).</summary>
    public bool PreviousRoundBlocks { get; set; } = true;

    /// <summary>Run dose-debcheck: every binary must be installable from <see cref="To"/>, <see cref="InstallableWith"/> and the base.</summary>
    public bool CheckInstallability { get; set; } = true;

    /// <summary>Further repositories whose packages users of <see cref="To"/> also have (e.g. extras for extras-testing).</summary>
    public List<string> InstallableWith { get; set; } = [];

    /// <summary>Lintian tags that refuse the package (lintian runs only when a step names some).</summary>
    public List<string> LintianBlockingTags { get; set; } = [];
}
