namespace Autobuilder.Grains;

/// <summary>
/// A build waiting for a slot: which attempt it is, and the slots that failed it with an
/// infrastructure error (tried elsewhere first).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record QueuedBuild(
    [property: Id(0)] BuildRequest Build,
    [property: Id(1)] int Attempt,
    [property: Id(2)] IReadOnlyList<string> AvoidSlots);
