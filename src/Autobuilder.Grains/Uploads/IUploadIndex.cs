namespace Autobuilder.Grains.Uploads;

/// <summary>
/// The uploads' read model: one row per upload (its latest summary), for every upload ever taken.
/// The registry writes it (before it answers), the pages, the API and the console query it, so the
/// registry itself keeps only the uploads still moving and a short recent window in memory.
/// A local SQLite file in role "all", a PostgreSQL table in a cluster (the silo picks the one its
/// grain state uses, as for the account directory).
/// </summary>
public interface IUploadIndex
{
    /// <summary>Adds or replaces these uploads' rows; durable when the task completes.</summary>
    Task SaveAsync(IReadOnlyCollection<UploadSummary> uploads, CancellationToken ct = default);

    /// <summary>One page of the matching uploads, newest first (one query).</summary>
    Task<UploadPage> QueryAsync(UploadQuery query, CancellationToken ct = default);

    /// <summary>
    /// Settled uploads last changed in (<paramref name="after"/>, <paramref name="before"/>], oldest
    /// change first, at most <paramref name="limit"/> (what retention walks through).
    /// </summary>
    Task<IReadOnlyList<UploadSummary>> SettledBetweenAsync(DateTimeOffset? after, DateTimeOffset before, int limit, CancellationToken ct = default);

    /// <summary>The highest sequence number given to an upload of this source version of this product; 0: none.</summary>
    Task<int> LastSequenceAsync(string product, string source, string version, CancellationToken ct = default);
}
