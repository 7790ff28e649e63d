namespace Autobuilder.Grains.Stage.Journal;

/// <summary>A distribution's package set as its journal holds it.</summary>
/// <param name="AcceptedChanges">SHA-256 sums of every .changes accepted.</param>
public sealed record JournalContents(long Generation, IReadOnlyList<PackageRecord> Records, IReadOnlyCollection<string> AcceptedChanges);
