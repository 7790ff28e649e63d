namespace Autobuilder.Grains.Stage.Journal;

/// <summary>
/// The durable package set of a distribution: an append-only journal of committed batches on the
/// stage host. A change costs one append in proportion to the change, never a rewrite of the set.
/// </summary>
public interface IPackageJournal
{
    /// <summary>Replays the committed batches; a batch a crash cut short is dropped.</summary>
    Task<JournalContents> LoadAsync(string repository, string product, CancellationToken ct = default);

    /// <summary>Appends one batch and its commit mark, durably; <paramref name="liveRecords"/> lets the journal decide to compact.</summary>
    Task AppendAsync(string repository, string product, JournalBatch batch, int liveRecords, CancellationToken ct = default);

    /// <summary>Appends several batches, each with its commit mark, in one durable write.</summary>
    Task AppendAsync(string repository, string product, IReadOnlyList<JournalBatch> batches, int liveRecords, CancellationToken ct = default);
}
