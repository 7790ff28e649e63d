namespace Autobuilder.Grains.Builds;

/// <summary>
/// Why a waiting build waits, in the uploader's words, read from the scheduler's slot table when
/// the queue is listed (never while dispatching, which stays as fast as it was). The table is
/// summed up once per architecture, so listing 10,000 waiting builds over 200 slots costs one
/// pass over the slots per architecture, not one per build. Plain code, no Orleans.
/// </summary>
public sealed class WaitReasons(IReadOnlyList<WaitReasons.Slot> slots)
{
    /// <summary>A slot as the scheduler holds it: <see cref="Free"/> when idle with nothing given to it.</summary>
    public sealed record Slot(string Name, SlotState State, IReadOnlyList<string> Architectures, bool Free, string? Reason);

    /// <summary>The slot table as one architecture sees it.</summary>
    private sealed record View(WaitKind? Kind, string Reason, string? Unavailable, IReadOnlyList<string> Free);

    private readonly Dictionary<string, View> _views = new(StringComparer.Ordinal);

    /// <param name="ahead">Builds of the same architecture before this one in the order.</param>
    public (WaitKind Kind, string Reason) Of(QueuedBuild build, int ahead)
    {
        var arch = build.Build.Architecture;
        if (!_views.TryGetValue(arch, out var view))
            _views[arch] = view = Summarise(arch);
        if (view.Kind is { } settled)
            return (settled, view.Reason);
        if (view.Free.Count == 0)
        {
            var reason = view.Reason;
            if (ahead > 0)
                reason += $"; {ahead} build{(ahead == 1 ? "" : "s")} ahead of it";
            if (view.Unavailable is not null)
                reason += $"; also {view.Unavailable}";
            return (WaitKind.SlotsBusy, reason);
        }
        if (build.AvoidSlots.Count > 0 && view.Free.All(build.AvoidSlots.Contains))
            return (WaitKind.AvoidsFreeSlots,
                $"free slot{(view.Free.Count == 1 ? "" : "s")} {string.Join(", ", view.Free)} failed it before (infrastructure errors); waiting for another {arch} slot");
        return (WaitKind.Dispatching, $"next for free slot {view.Free.First(s => !build.AvoidSlots.Contains(s))}");
    }

    private View Summarise(string arch)
    {
        var fitting = slots.Where(s => s.Architectures.Contains(arch, StringComparer.Ordinal)).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        if (fitting.Count == 0)
            return new View(WaitKind.NoSlot, $"no slot builds {arch}", null, []);
        var usable = fitting.Where(s => s.State is SlotState.Idle or SlotState.Busy).ToList();
        var unavailable = fitting.Where(s => s.State is SlotState.Draining or SlotState.Offline).ToList();
        var described = unavailable.Count > 0 ? Describe(unavailable) : null;
        if (usable.Count == 0)
            return new View(WaitKind.SlotsUnavailable, $"{(unavailable.Count == 1 ? "slot" : "slots")} {described}", described, []);
        var busy = usable.Count == 1 ? $"the only {arch} slot, {usable[0].Name}, is busy" : $"all {usable.Count} {arch} slots busy";
        return new View(null, busy, described, [.. usable.Where(s => s.Free).Select(s => s.Name)]);
    }

    private static string Describe(IEnumerable<Slot> slots) => string.Join(", ", slots.Select(s =>
        s.State == SlotState.Draining ? $"{s.Name} drained"
        : $"{s.Name} offline{(s.Reason is { Length: > 0 } why ? $" ({why})" : "")}"));
}
