namespace Autobuilder.Grains.Builds;

/// <summary>
/// Why a waiting build waits, in the uploader's words, read from the scheduler's slot table when
/// the queue is listed (never while dispatching, which stays as fast as it was). Plain code, no
/// Orleans: the scheduler hands it the table.
/// </summary>
public static class WaitReasons
{
    /// <summary>A slot as the scheduler holds it: <see cref="Free"/> when idle with nothing given to it.</summary>
    public sealed record Slot(string Name, SlotState State, IReadOnlyList<string> Architectures, bool Free, string? Reason);

    /// <param name="ahead">Builds of the same architecture before this one in the order.</param>
    public static (WaitKind Kind, string Reason) Of(QueuedBuild build, IReadOnlyList<Slot> slots, int ahead)
    {
        var arch = build.Build.Architecture;
        var fitting = slots.Where(s => s.Architectures.Contains(arch, StringComparer.Ordinal)).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        if (fitting.Count == 0)
            return (WaitKind.NoSlot, $"no slot builds {arch}");
        var usable = fitting.Where(s => s.State is SlotState.Idle or SlotState.Busy).ToList();
        var unavailable = fitting.Where(s => s.State is SlotState.Draining or SlotState.Offline).ToList();
        if (usable.Count == 0)
            return (WaitKind.SlotsUnavailable, $"{(unavailable.Count == 1 ? "slot" : "slots")} {Describe(unavailable)}");
        var free = usable.Where(s => s.Free).ToList();
        if (free.Count == 0)
        {
            var reason = usable.Count == 1 ? $"the only {arch} slot, {usable[0].Name}, is busy" : $"all {usable.Count} {arch} slots busy";
            if (ahead > 0)
                reason += $"; {ahead} build{(ahead == 1 ? "" : "s")} ahead of it";
            if (unavailable.Count > 0)
                reason += $"; also {Describe(unavailable)}";
            return (WaitKind.SlotsBusy, reason);
        }
        var avoided = free.Where(s => build.AvoidSlots.Contains(s.Name, StringComparer.Ordinal)).ToList();
        if (avoided.Count == free.Count)
            return (WaitKind.AvoidsFreeSlots,
                $"free slot{(avoided.Count == 1 ? "" : "s")} {string.Join(", ", avoided.Select(s => s.Name))} failed it before (infrastructure errors); waiting for another {arch} slot");
        return (WaitKind.Dispatching, $"next for free slot {free.First(s => !build.AvoidSlots.Contains(s.Name, StringComparer.Ordinal)).Name}");
    }

    private static string Describe(IEnumerable<Slot> slots) => string.Join(", ", slots.Select(s =>
        s.State == SlotState.Draining ? $"{s.Name} drained"
        : $"{s.Name} offline{(s.Reason is { Length: > 0 } why ? $" ({why})" : "")}"));
}
