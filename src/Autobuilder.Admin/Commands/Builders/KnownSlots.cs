using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;

namespace Autobuilder.Admin.Commands.Builders;

/// <summary>Every slot the cluster knows, each with its own fresh status (probe heartbeats included).</summary>
public static class KnownSlots
{
    public static async Task<IReadOnlyList<SlotStatus>> ListAsync(ClusterConnection cluster)
    {
        var scheduler = await cluster.Grains.GetGrain<IBuildSchedulerGrain>(0).GetStatusAsync();
        // The scheduler's table may lag a slot by one message; the slot itself is the authority.
        var fresh = await Task.WhenAll(scheduler.Slots.Select(s => cluster.Grains.GetGrain<IBuilderSlotGrain>(s.Slot).GetStatusAsync()));
        return fresh.Where(s => s.Reason != "not configured").OrderBy(s => s.Slot, StringComparer.Ordinal).ToList();
    }

    /// <summary>The slot's status, or a <see cref="ConsoleException"/> naming the slots there are.</summary>
    public static async Task<SlotStatus> RequireAsync(ClusterConnection cluster, string slot)
    {
        var all = await ListAsync(cluster);
        return all.FirstOrDefault(s => s.Slot == slot)
            ?? throw new ConsoleException($"no slot '{slot}' (slots: {(all.Count == 0 ? "none" : string.Join(", ", all.Select(s => s.Slot)))})");
    }
}
