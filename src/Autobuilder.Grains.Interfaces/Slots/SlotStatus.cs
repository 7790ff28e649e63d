namespace Autobuilder.Grains;

[GenerateSerializer, Immutable]
public sealed record SlotStatus(
    [property: Id(0)] string Slot,
    [property: Id(1)] SlotState State,
    [property: Id(2)] IReadOnlyList<string> Architectures,
    [property: Id(3)] string? CurrentBuild,
    [property: Id(4)] int Attempt,
    [property: Id(5)] DateTimeOffset? LastHeartbeat,
    [property: Id(6)] int ConsecutiveFailures,
    [property: Id(7)] string? Reason);
