namespace Autobuilder.Grains.Slots;

[GenerateSerializer]
public sealed class BuilderSlotGrainState
{
    [Id(0)] public SlotConfig? Config { get; set; }
    [Id(1)] public BuildAssignment? Current { get; set; }
    /// <summary>The silo process that started <see cref="Current"/>; another process cannot still be running it.</summary>
    [Id(2)] public string? Incarnation { get; set; }
    [Id(3)] public bool Draining { get; set; }
    [Id(4)] public int ConsecutiveFailures { get; set; }
    [Id(5)] public DateTimeOffset? Started { get; set; }
    /// <summary>Why the host does not answer; the slot is Offline and probes until it does.</summary>
    [Id(6)] public string? HostDown { get; set; }
    /// <summary>Why the slot is held Offline for an operator (too many infrastructure failures in a row).</summary>
    [Id(7)] public string? Held { get; set; }
    /// <summary>
    /// The slot's last builds, newest last (at most <see cref="BuilderSlotGrain.HistoryKept"/>). Written with
    /// the slot's other writes, not for its own sake (a build's end costs no write): a crash may lose the
    /// entries since the slot's last write.
    /// </summary>
    [Id(8)] public List<SlotBuild> History { get; set; } = [];
}
