namespace Autobuilder.Grains.Qa;

/// <summary>
/// What a distribution's QA record keeps (issue 15): per source its round of votes, its last
/// promotion request (or confirmation) with the reasons it got, lintian's findings per version,
/// and the recent decisions. The packages themselves are the distribution's.
/// </summary>
[GenerateSerializer]
public sealed class QaGrainState
{
    [Id(0)] public Dictionary<string, QaRound> Rounds { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public Dictionary<string, QaRequestRecord> Requests { get; set; } = new(StringComparer.Ordinal);
    [Id(2)] public List<QaDecision> Decisions { get; set; } = [];
    [Id(3)] public Dictionary<string, List<LintianTagRecord>> Lintian { get; set; } = new(StringComparer.Ordinal);
    [Id(4)] public DateTimeOffset? LastRunAt { get; set; }
    [Id(5)] public long Runs { get; set; }
}

/// <summary>The votes on one source here: the version of the current round, when it began, its votes, and earlier rounds' open blockers.</summary>
[GenerateSerializer]
public sealed class QaRound
{
    [Id(0)] public string Version { get; set; } = "";
    [Id(1)] public int Number { get; set; } = 1;
    [Id(2)] public DateTimeOffset? StartedAt { get; set; }
    [Id(3)] public List<QaVoteRecord> Votes { get; set; } = [];
    [Id(4)] public List<QaVoteRecord> EarlierBlockers { get; set; } = [];
}

/// <summary>A request (or, on a quarantine step, a confirmation): the version, who asked and for whom, when, and the answer.</summary>
[GenerateSerializer]
public sealed record QaRequestRecord(
    [property: Id(0)] string Version,
    [property: Id(1)] string By,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] bool Promoted,
    [property: Id(4)] List<QaReason> Reasons,
    [property: Id(5)] DateTimeOffset? CheckingSince = null)
{
    /// <summary>Lintian runs on the version's .debs for this request; its answer decides it.</summary>
    public bool Checking => CheckingSince is not null;
}

/// <summary>A lintian tag as kept in the state (plain JSON).</summary>
[GenerateSerializer]
public sealed record LintianTagRecord(
    [property: Id(0)] string Severity,
    [property: Id(1)] string Package,
    [property: Id(2)] string Tag,
    [property: Id(3)] string Detail);
