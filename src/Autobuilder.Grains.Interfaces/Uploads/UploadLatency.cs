namespace Autobuilder.Grains;

/// <summary>
/// When an upload passed each point of its walk (issue 12, "latency per upload"): landing (taken by
/// intake) → verified → first build started → last build finished → published (the distribution's
/// answer) → live (its generation served by the stage host). Null: not reached (yet).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UploadLatency(
    [property: Id(0)] DateTimeOffset Landed,
    [property: Id(1)] DateTimeOffset? Verified,
    [property: Id(2)] DateTimeOffset? BuildStarted,
    [property: Id(3)] DateTimeOffset? Built,
    [property: Id(4)] DateTimeOffset? Published,
    [property: Id(5)] DateTimeOffset? Live)
{
    /// <summary>The legs in walk order: name and duration (null while its end is not reached).</summary>
    public IReadOnlyList<(string Leg, TimeSpan? Took)> Legs() =>
    [
        ("landing→verified", Between(Landed, Verified)),
        ("verified→build started", Between(Verified, BuildStarted)),
        ("build started→built", Between(BuildStarted, Built)),
        ("built→published", Between(Built, Published)),
        ("published→live", Between(Published, Live)),
        ("landing→live", Between(Landed, Live)),
    ];

    private static TimeSpan? Between(DateTimeOffset? from, DateTimeOffset? to) =>
        from is { } a && to is { } b ? (b - a < TimeSpan.Zero ? TimeSpan.Zero : b - a) : null;
}
