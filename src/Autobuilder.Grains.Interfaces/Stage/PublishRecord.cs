namespace Autobuilder.Grains;

/// <summary>One generation made live: when, with how many packages, and why.</summary>
[GenerateSerializer, Immutable]
public sealed record PublishRecord(
    [property: Id(0)] long Generation,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] int Packages,
    [property: Id(3)] string Note);
