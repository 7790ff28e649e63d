namespace Autobuilder.Grains;

/// <summary>
/// A waiting or running build as the scheduler lists it. For a waiting build, <see cref="Reason"/>
/// says in words why it waits and <see cref="Wait"/> what kind of reason that is.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record QueueEntry(
    [property: Id(0)] string BuildId,
    [property: Id(1)] string Architecture,
    [property: Id(2)] int Priority,
    [property: Id(3)] int Attempt,
    [property: Id(4)] DateTimeOffset QueuedAt,
    [property: Id(5)] string? Slot,
    [property: Id(6)] string? Reason = null,
    [property: Id(7)] WaitKind? Wait = null);

/// <summary>The scheduler's view: builds waiting, builds running, and every slot; <see cref="Warnings"/>: settings of the garage an operator should know about (OpenPGP policy "none").</summary>
[GenerateSerializer, Immutable]
public sealed record SchedulerStatus(
    [property: Id(0)] IReadOnlyList<QueueEntry> Waiting,
    [property: Id(1)] IReadOnlyList<QueueEntry> Running,
    [property: Id(2)] IReadOnlyList<SlotStatus> Slots,
    [property: Id(3)] long Dispatched,
    [property: Id(4)] IReadOnlyList<string> Products,
    [property: Id(5)] IReadOnlyList<string>? Warnings = null);
