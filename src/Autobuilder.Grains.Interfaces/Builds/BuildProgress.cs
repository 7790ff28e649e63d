namespace Autobuilder.Grains;

public enum BuildState
{
    Waiting,
    Running,
    Finished,
}

/// <summary>How one build of an upload stands, as the upload records it.</summary>
[GenerateSerializer, Immutable]
public sealed record BuildProgress(
    [property: Id(0)] string Architecture,
    [property: Id(1)] BuildType Type,
    [property: Id(2)] BuildState State,
    [property: Id(3)] int Attempt,
    [property: Id(4)] string? Slot,
    [property: Id(5)] BuildOutcome? Outcome,
    [property: Id(6)] string? Summary,
    [property: Id(7)] string? LogPath,
    [property: Id(8)] string? ResultsFolder,
    [property: Id(9)] DateTimeOffset? Started,
    [property: Id(10)] DateTimeOffset? Finished,
    [property: Id(11)] BuildDiagnosis? Diagnosis = null);
