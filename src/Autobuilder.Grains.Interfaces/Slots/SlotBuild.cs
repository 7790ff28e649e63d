namespace Autobuilder.Grains;

/// <summary>One past build of a slot: which upload and attempt, how it ended, when and how long it ran.</summary>
[GenerateSerializer, Immutable]
public sealed record SlotBuild(
    [property: Id(0)] string BuildId,
    [property: Id(1)] string UploadId,
    [property: Id(2)] string Architecture,
    [property: Id(3)] int Attempt,
    [property: Id(4)] BuildOutcome Outcome,
    [property: Id(5)] DateTimeOffset Started,
    [property: Id(6)] DateTimeOffset Ended,
    [property: Id(7)] string Summary)
{
    public TimeSpan Duration => Ended - Started;
}
