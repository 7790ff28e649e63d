namespace Autobuilder.Grains;

/// <summary>What a slot reports when one attempt of a build ends.</summary>
[GenerateSerializer, Immutable]
public sealed record BuildResult(
    [property: Id(0)] string BuildId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string Slot,
    [property: Id(3)] BuildOutcome Outcome,
    [property: Id(4)] string Summary,
    [property: Id(5)] IReadOnlyList<string> MissingDependencies,
    [property: Id(6)] string ResultsFolder,
    [property: Id(7)] string LogPath,
    [property: Id(8)] IReadOnlyList<string> Files,
    [property: Id(9)] DateTimeOffset Started,
    [property: Id(10)] DateTimeOffset Finished)
{
    /// <summary>
    /// The attempt died with the silo process that ran it (killed, crashed, restarted): nothing the
    /// build or the slot did, so it is retried without blaming the slot (the chaos runs' kills made
    /// healthy uploads fail after three restarts on three slots).
    /// </summary>
    [Id(11)] public bool LostWithSilo { get; init; }
}
