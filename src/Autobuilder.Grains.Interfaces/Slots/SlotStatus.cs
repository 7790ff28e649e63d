namespace Autobuilder.Grains;

/// <summary>
/// A slot as the scheduler and the console see it. <see cref="Where"/> is "local" or
/// "user@address:port"; <see cref="Reason"/> says why a slot is offline or draining.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SlotStatus(
    [property: Id(0)] string Slot,
    [property: Id(1)] SlotState State,
    [property: Id(2)] IReadOnlyList<string> Architectures,
    [property: Id(3)] string? CurrentBuild,
    [property: Id(4)] int Attempt,
    [property: Id(5)] DateTimeOffset? LastHeartbeat,
    [property: Id(6)] int ConsecutiveFailures,
    [property: Id(7)] string? Reason,
    [property: Id(8)] string? Where = null,
    [property: Id(9)] IReadOnlyList<SlotBuild>? Recent = null);
