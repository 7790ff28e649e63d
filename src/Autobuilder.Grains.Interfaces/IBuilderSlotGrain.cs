using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// One builder slot (key: "host/user"): runs one build at a time through its executor, heartbeats
/// while it runs, and reports the result to the upload and the scheduler. It probes its host while
/// idle or offline, goes Offline when the host stops answering and comes back by itself.
/// </summary>
public interface IBuilderSlotGrain : IGrainWithStringKey
{
    /// <summary>Sets the slot up from configuration at silo start; a build cut off by a restart is reported lost.</summary>
    [SiloOnly]
    Task ConfigureAsync(SlotConfig config);

    /// <summary>Starts an attempt; a slot that is not idle refuses it by reporting back to the scheduler.</summary>
    [SiloOnly]
    [OneWay]
    Task StartAsync(BuildAssignment assignment);

    /// <summary>Tells the scheduler this slot's status (the scheduler asks after it restarts).</summary>
    [SiloOnly]
    [OneWay]
    Task AnnounceAsync();

    /// <summary>The slot finishes its build, if any, and takes no new one.</summary>
    [Operator]
    Task DrainAsync();

    /// <summary>
    /// Undoes a drain and an operator hold (after too many infrastructure failures in a row) and
    /// clears the failure count; a slot whose host is down stays Offline until its probe answers.
    /// </summary>
    [Operator]
    Task EnableAsync();

    /// <summary>Forgets the slot; refused (with the reason) while it runs a build.</summary>
    [SiloOnly]
    Task<string?> RemoveAsync();

    [Reader]
    Task<SlotStatus> GetStatusAsync();

    /// <summary>
    /// Whether this slot is running that attempt now. A read-only question, answered even while
    /// the slot waits on the asking upload (so the two cannot deadlock).
    /// </summary>
    [SiloOnly]
    [AlwaysInterleave]
    Task<bool> IsRunningAsync(string buildId, int attempt);

    /// <summary>
    /// Stops that attempt if this slot runs it (the executor kills the build's processes; the
    /// attempt ends Cancelled and the slot is free again); anything else is ignored. One-way: the
    /// upload that asks may be the grain this slot is waiting on.
    /// </summary>
    [SiloOnly]
    [OneWay]
    Task CancelAsync(string buildId, int attempt, string reason);

    /// <summary>Called by the slot's own build task when the executor is done.</summary>
    [SiloOnly]
    Task CompleteAsync(BuildResult result);

    /// <summary>Called by the slot's own build task when the host stopped answering during the build.</summary>
    [SiloOnly]
    Task HostLostAsync(BuildResult result);

    /// <summary>Called by the slot's own probe task: null when the host answered, else why not.</summary>
    [SiloOnly]
    Task ProbeEndedAsync(string? problem);
}
