namespace Autobuilder.Grains;

/// <summary>
/// What the log of a failed build says went wrong: the error lines found in it (each "line N: text",
/// at most a few dozen, each cut to a few hundred characters; <see cref="OmittedErrorLines"/> more
/// were found), and, when an earlier upload of the same source built on this architecture, a
/// unified diff of the failing region against that good build's log (<see cref="DiffAgainst"/>:
/// its upload id), with times, paths and versions normalised so only what changed shows.
/// <see cref="Note"/> says why a part is missing (no earlier good build, its log no longer kept …).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BuildDiagnosis(
    [property: Id(0)] IReadOnlyList<string> ErrorLines,
    [property: Id(1)] int OmittedErrorLines,
    [property: Id(2)] string? Diff,
    [property: Id(3)] string? DiffAgainst,
    [property: Id(4)] string? Note);
