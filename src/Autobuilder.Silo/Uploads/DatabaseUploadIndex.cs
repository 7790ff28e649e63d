using Autobuilder.Grains;
using Autobuilder.Grains.Uploads;
using Autobuilder.Silo.Storage;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Uploads;

/// <summary>
/// The uploads' read model in PostgreSQL behind the database boundary: a driver error leaves as
/// <see cref="DatabaseException"/> saying what the silo was doing ("the database could not be reached
/// while querying the uploads' read model: …"), which the registry's callers on other silos and the
/// console can read (the driver's own exception is no word for an operator).
/// </summary>
public sealed class DatabaseUploadIndex(IUploadIndex inner, ILogger<DatabaseUploadIndex> logger) : IUploadIndex
{
    public Task SaveAsync(IReadOnlyCollection<UploadSummary> uploads, CancellationToken ct = default) =>
        DatabaseBoundary.RunAsync(() => inner.SaveAsync(uploads, ct), "saving uploads to the uploads' read model", logger);

    public Task<UploadPage> QueryAsync(UploadQuery query, CancellationToken ct = default) =>
        DatabaseBoundary.RunAsync(() => inner.QueryAsync(query, ct), "querying the uploads' read model", logger);

    public Task<IReadOnlyList<UploadSummary>> SettledBetweenAsync(DateTimeOffset? after, DateTimeOffset before, int limit, CancellationToken ct = default) =>
        DatabaseBoundary.RunAsync(() => inner.SettledBetweenAsync(after, before, limit, ct), "reading settled uploads from the uploads' read model", logger);

    public Task<int> LastSequenceAsync(string product, string source, string version, CancellationToken ct = default) =>
        DatabaseBoundary.RunAsync(() => inner.LastSequenceAsync(product, source, version, ct), "reading the last upload number from the uploads' read model", logger);
}
