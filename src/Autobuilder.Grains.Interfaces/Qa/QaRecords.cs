namespace Autobuilder.Grains;

/// <summary>A request to move SOURCE VERSION up one rung. <see cref="Login"/>: the account asking (its owner or uploader); null: the operator calling.</summary>
[GenerateSerializer, Immutable]
public sealed record PromotionRequest(
    [property: Id(0)] string Source,
    [property: Id(1)] string Version,
    [property: Id(2)] string? Login);

/// <summary>An account's vote: +1 or −1 (a −1 needs a comment; <see cref="Blocker"/> marks a −1 that holds the package).</summary>
[GenerateSerializer, Immutable]
public sealed record QaVote(
    [property: Id(0)] string Source,
    [property: Id(1)] string Version,
    [property: Id(2)] string Login,
    [property: Id(3)] int Value,
    [property: Id(4)] string Comment,
    [property: Id(5)] bool Blocker);

/// <summary>A vote as recorded: who, on which version and round, when, who entered it, and whether (and why) it was voided.</summary>
[GenerateSerializer, Immutable]
public sealed record QaVoteRecord(
    [property: Id(0)] string Login,
    [property: Id(1)] string Version,
    [property: Id(2)] int Round,
    [property: Id(3)] int Value,
    [property: Id(4)] string Comment,
    [property: Id(5)] bool Blocker,
    [property: Id(6)] DateTimeOffset At,
    [property: Id(7)] string EnteredBy,
    [property: Id(8)] string? VoidedReason = null,
    [property: Id(9)] string? VoidedBy = null)
{
    public bool Open => VoidedReason is null;

    public bool OpenBlocker => Open && Blocker && Value < 0;
}

/// <summary>
/// One reason a package does not move (or a request was refused): <see cref="Kind"/> is the
/// check's name, the machine-readable kind ("quarantine", "karma", "blocker", "installable",
/// "lintian", …); <see cref="Text"/> the sentence people read.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record QaReason(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Text,
    [property: Id(2)] string? Field = null,
    [property: Id(3)] string? Expected = null,
    [property: Id(4)] string? Found = null);

/// <summary>The answer to a QA command: done or refused, the sentence, and the reasons one by one.</summary>
[GenerateSerializer, Immutable]
public sealed record QaAnswer(
    [property: Id(0)] bool Ok,
    [property: Id(1)] string Message,
    [property: Id(2)] IReadOnlyList<QaReason> Reasons)
{
    public static QaAnswer Done(string message) => new(true, message, []);

    public static QaAnswer Refused(string message, IReadOnlyList<QaReason>? reasons = null) => new(false, message, reasons ?? []);

    /// <summary>The sentence and its reasons in one line (the audit log's result).</summary>
    public string Describe() => Reasons.Count == 0 ? Message : $"{Message}: {string.Join("; ", Reasons.Select(r => $"{r.Kind}: {r.Text}"))}";
}

/// <summary>What was decided about a package: promoted (and the rule that let it through), refused, demoted.</summary>
[GenerateSerializer, Immutable]
public sealed record QaDecision(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Source,
    [property: Id(3)] string Version,
    [property: Id(4)] string From,
    [property: Id(5)] string? To,
    [property: Id(6)] string Rule,
    [property: Id(7)] string By);

/// <summary>One package's excuse: what it is, where it would go, its karma and votes, and each reason it does not move (none: it moves at the next run).</summary>
[GenerateSerializer, Immutable]
public sealed record QaExcuse(
    [property: Id(0)] string Source,
    [property: Id(1)] string Version,
    [property: Id(2)] string? TargetVersion,
    [property: Id(3)] DateTimeOffset? EnteredAt,
    [property: Id(4)] double? DaysIn,
    [property: Id(5)] int Karma,
    [property: Id(6)] IReadOnlyList<QaVoteRecord> Votes,
    [property: Id(7)] IReadOnlyList<QaReason> Reasons,
    [property: Id(8)] string? Requested = null)
{
    public bool Ready => Reasons.Count == 0;
}

/// <summary>The excuses of one distribution toward the next repository up.</summary>
/// <param name="Step">"extras-testing → extras: 10 days, karma 10", or null when no step leaves here.</param>
/// <param name="LastRun">When the quarantine rules last ran here (the reminder or auto-promote).</param>
[GenerateSerializer, Immutable]
public sealed record QaExcuses(
    [property: Id(0)] string Distribution,
    [property: Id(1)] string? To,
    [property: Id(2)] string? Step,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] IReadOnlyList<QaExcuse> Packages,
    [property: Id(5)] IReadOnlyList<QaDecision> Decisions,
    [property: Id(6)] DateTimeOffset? LastRun = null);

/// <summary>A source's votes in one distribution: the current round's and earlier rounds' open blockers.</summary>
[GenerateSerializer, Immutable]
public sealed record QaVotes(
    [property: Id(0)] string Source,
    [property: Id(1)] string? Version,
    [property: Id(2)] int Round,
    [property: Id(3)] IReadOnlyList<QaVoteRecord> Current,
    [property: Id(4)] IReadOnlyList<QaVoteRecord> EarlierOpenBlockers);

/// <summary>A lintian tag on one of a version's .debs: severity letter (E, W…), binary package, tag, detail.</summary>
[GenerateSerializer, Immutable]
public sealed record QaLintianTag(
    [property: Id(0)] string Severity,
    [property: Id(1)] string Package,
    [property: Id(2)] string Tag,
    [property: Id(3)] string Detail);
