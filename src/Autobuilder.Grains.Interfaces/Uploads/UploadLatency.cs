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

    /// <summary>
    /// The 50th and 95th percentile of each leg over <paramref name="uploads"/> (those that reached
    /// the leg's end), nearest-rank: for <c>autobuilder status</c>.
    /// </summary>
    public static IReadOnlyList<LegPercentiles> Percentiles(IEnumerable<UploadLatency> uploads)
    {
        var legs = uploads.Select(u => u.Legs()).ToList();
        var names = new UploadLatency(DateTimeOffset.UnixEpoch, null, null, null, null, null).Legs().Select(l => l.Leg).ToList();
        return names.Select((name, i) =>
        {
            var took = legs.Select(l => l[i].Took).OfType<TimeSpan>().Order().ToList();
            return new LegPercentiles(name, took.Count, Rank(took, 0.50), Rank(took, 0.95));
        }).ToList();
    }

    private static TimeSpan? Rank(IReadOnlyList<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static TimeSpan? Between(DateTimeOffset? from, DateTimeOffset? to) =>
        from is { } a && to is { } b ? (b - a < TimeSpan.Zero ? TimeSpan.Zero : b - a) : null;
}

/// <summary>One leg's percentiles over recent uploads (null when none reached it).</summary>
public sealed record LegPercentiles(string Leg, int Uploads, TimeSpan? P50, TimeSpan? P95);
