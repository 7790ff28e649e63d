namespace Autobuilder.Grains.Stage;

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
}

/// <summary>A distribution's package set as its journal holds it.</summary>
/// <param name="AcceptedChanges">SHA-256 sums of every .changes accepted.</param>
public sealed record JournalContents(long Generation, IReadOnlyList<PackageRecord> Records, IReadOnlyCollection<string> AcceptedChanges);

/// <summary>One committed change of a distribution: it becomes generation <see cref="Generation"/>.</summary>
/// <param name="Removed">Keys (<see cref="PackageRecord.Key"/>) of records removed.</param>
/// <param name="ChangesSha256">The accepted .changes, when the change came from the queue.</param>
public sealed record JournalBatch(
    long Generation,
    IReadOnlyList<PackageRecord> Added,
    IReadOnlyList<string> Removed,
    string? ChangesSha256,
    string Note,
    DateTimeOffset At);
