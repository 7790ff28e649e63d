using System.Collections.Concurrent;
using Autobuilder.Grains.Uploads;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>
/// The uploads' read model in memory, as the memory grain storage stands in for the state files:
/// the grain tests have no silo services (the real stores, SQLite and PostgreSQL, are tested in
/// Autobuilder.Silo.Tests against the same filters). Counts what was saved.
/// </summary>
public sealed class FakeUploadIndex : IUploadIndex
{
    private readonly ConcurrentDictionary<string, UploadSummary> _rows = new(StringComparer.Ordinal);

    public int Saves;

    public Task SaveAsync(IReadOnlyCollection<UploadSummary> uploads, CancellationToken ct = default)
    {
        Interlocked.Increment(ref Saves);
        foreach (var u in uploads)
            _rows[u.Id] = u;
        return Task.CompletedTask;
    }

    public Task<UploadPage> QueryAsync(UploadQuery q, CancellationToken ct = default)
    {
        var matches = _rows.Values
            .Where(u => q.Product is not { Length: > 0 } p || u.Product == p)
            .Where(u => q.State is not { Length: > 0 } s || u.State.ToString().Equals(s, StringComparison.OrdinalIgnoreCase) || u.Outcome?.ToString().Equals(s, StringComparison.OrdinalIgnoreCase) == true)
            .Where(u => q.Source is not { Length: > 0 } src || u.Source == src)
            .Where(u => q.Uploader is not { Length: > 0 } a || u.Account == a)
            .Where(u => q.Text is not { Length: > 0 } t || u.Id.Contains(t, StringComparison.OrdinalIgnoreCase) || u.LastReason.Contains(t, StringComparison.OrdinalIgnoreCase))
            .Where(u => q.Since is not { } since || u.ReceivedAt >= since)
            .Where(u => q.Until is not { } until || u.ReceivedAt < until)
            .OrderByDescending(u => u.ReceivedAt).ThenByDescending(u => u.Id, StringComparer.Ordinal)
            .Skip(q.Offset).Take(q.Limit + 1).ToList();
        return Task.FromResult(new UploadPage(matches.Take(q.Limit).ToList(), matches.Count > q.Limit));
    }

    public Task<IReadOnlyList<UploadSummary>> SettledBetweenAsync(DateTimeOffset? after, DateTimeOffset before, int limit, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<UploadSummary>>(_rows.Values.Where(u => u.Settled && (after is not { } a || u.UpdatedAt > a) && u.UpdatedAt <= before)
            .OrderBy(u => u.UpdatedAt).ThenBy(u => u.Id, StringComparer.Ordinal).Take(limit).ToList());

    public Task<int> LastSequenceAsync(string product, string source, string version, CancellationToken ct = default) =>
        Task.FromResult(_rows.Values.Where(u => u.Id.StartsWith($"{product}/{source}_{version}/", StringComparison.Ordinal))
            .Select(u => int.Parse(u.Id.Split('/')[2], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max());
}
