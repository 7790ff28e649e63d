namespace Autobuilder.Grains.Stage.Journal;

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
