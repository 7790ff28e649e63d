namespace Autobuilder.Grains;

/// <summary>Why a build waits, as a kind a script can test (<c>queue --json</c>); the words are in <see cref="QueueEntry.Reason"/>.</summary>
public enum WaitKind
{
    /// <summary>No slot in the table builds its architecture.</summary>
    NoSlot,
    /// <summary>Every slot that could take it runs another build.</summary>
    SlotsBusy,
    /// <summary>The only slots that build its architecture are drained or offline.</summary>
    SlotsUnavailable,
    /// <summary>The free slots are ones that failed it with infrastructure errors; it waits for another.</summary>
    AvoidsFreeSlots,
    /// <summary>A free slot is about to take it (the next dispatch).</summary>
    Dispatching,
    /// <summary>Its build dependencies are missing (dep-wait): it is queued again when they are published.</summary>
    DependencyWait,
    /// <summary>The data root's free space is under its reserve (Autobuilder:Disk): nothing is dispatched until space returns.</summary>
    DiskUnderReserve,
}
