using Autobuilder.Grains.Metrics;

namespace Autobuilder.Grains.Builds;

/// <summary>The scheduler's gauges (builds waiting and running, slots by state): a snapshot published from its own turn.</summary>
public sealed partial class BuildSchedulerGrain
{
    /// <summary>
    /// Counts the queue, the running builds and the slot table into a snapshot the exporter reads.
    /// Called from the lease timer (every few seconds), not per call: a burst of thousands of
    /// enqueued builds costs no count each. Every configured architecture and every slot state is
    /// reported, zero included, so a graph shows 0 rather than a gap.
    /// </summary>
    private void PublishMetrics()
    {
        Dictionary<string, long> Zeroed() => _options.Architectures.ToDictionary(a => a, _ => 0L, StringComparer.Ordinal);
        var waiting = Zeroed();
        foreach (var q in _queue.InOrder())
            waiting[q.Build.Architecture] = waiting.GetValueOrDefault(q.Build.Architecture) + 1;
        var running = Zeroed();
        foreach (var r in _running.Values)
            running[r.Build.Build.Architecture] = running.GetValueOrDefault(r.Build.Build.Architecture) + 1;
        var slots = Enum.GetValues<SlotState>().ToDictionary(AutobuilderMetrics.Label, _ => 0L, StringComparer.Ordinal);
        foreach (var s in _slots.Values)
            slots[AutobuilderMetrics.Label(s.LeaseLost ? SlotState.Offline : s.Status.State)]++;
        AutobuilderMetrics.PublishScheduler(new SchedulerSnapshot(time.GetUtcNow(), waiting, running, slots));
    }
}
