using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// The queue of waiting builds and the table of builder slots (one per cluster, key 0). It hands a
/// waiting build to a free slot that supports its architecture. It never waits on another grain:
/// its outgoing calls are one-way, so no chain of calls can come back to it and deadlock.
/// </summary>
public interface IBuildSchedulerGrain : IGrainWithIntegerKey
{
    /// <summary>Wakes the scheduler and rebuilds its queue from the uploads in flight.</summary>
    [SiloOnly]
    Task StartAsync(IReadOnlyList<string> products);

    /// <summary>Queues builds; a build already queued or running with the same attempt is ignored.</summary>
    [SiloOnly]
    Task EnqueueAsync(IReadOnlyList<QueuedBuild> builds);

    /// <summary>Removes queued builds of an upload (the upload was cancelled or rejected).</summary>
    [SiloOnly]
    Task DropAsync(string uploadId);

    [SiloOnly]
    [OneWay]
    Task SlotChangedAsync(SlotStatus status);

    /// <summary>The slot was removed: it is dropped from the table and never chosen again.</summary>
    [SiloOnly]
    [OneWay]
    Task SlotRemovedAsync(string slot);

    [SiloOnly]
    [OneWay]
    Task HeartbeatAsync(string slot, string buildId, int attempt);

    /// <summary>The slot finished (or refused) an attempt and is free according to its status.</summary>
    [SiloOnly]
    [OneWay]
    Task AttemptEndedAsync(string slot, string buildId, int attempt, SlotStatus status);

    /// <summary>
    /// The queued builds of an upload take <paramref name="priority"/> (an operator's
    /// <c>uploads rescore</c>, through the upload): they move to their new place in the order.
    /// </summary>
    [SiloOnly]
    Task RescoreAsync(string uploadId, int priority);

    [Reader]
    Task<SchedulerStatus> GetStatusAsync();

    /// <summary>
    /// As <see cref="GetStatusAsync"/>, with each waiting build's reason (<c>queue</c>). Apart, so
    /// that the frequent status calls of dashboards and tests cost the scheduler nothing more.
    /// </summary>
    [Reader]
    Task<SchedulerStatus> GetQueueAsync();

    /// <summary>
    /// The silo that ran these slots is gone (cluster membership says so): they get no new builds
    /// until they announce themselves again. A build running on one keeps its lease, and goes back
    /// to its upload when the lease expires.
    /// </summary>
    [SiloOnly]
    [OneWay]
    Task SlotsDownAsync(IReadOnlyList<string> slots, string reason);
}
