using Autobuilder.BuildRunner;
using Autobuilder.Grains.Tests.Cluster;

namespace Autobuilder.Grains.Tests.Slots;

/// <summary>A slot's status carries its last builds: which upload and attempt, the outcome, when and how long.</summary>
public sealed class SlotHistoryTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_ListTheBuildInTheSlotsHistory_When_ItEnds()
    {
        // Given / When: one armhf build (only builder3 builds armhf) runs to the end.
        var upload = await Cluster.SubmitAsync("slot-history", "1.0-1", "armhf");
        await Cluster.WaitForOutcomeAsync("build on builder3", upload.Id, UploadState.Published);

        // Then: the slot and the scheduler's view of it (what the pages show) both list it.
        var slot = await Cluster.Client.GetGrain<IBuilderSlotGrain>("builder3/ab3").GetStatusAsync();
        var entry = Assert.Single(slot.Recent ?? [], b => b.UploadId == upload.Id);
        Assert.Equal("armhf", entry.Architecture);
        Assert.Equal(1, entry.Attempt);
        Assert.Equal(BuildOutcome.Success, entry.Outcome);
        Assert.True(entry.Ended >= entry.Started, $"ended {entry.Ended:O} before it started {entry.Started:O}");
        Assert.InRange(slot.Recent!.Count, 1, Autobuilder.Grains.Slots.BuilderSlotGrain.HistoryKept);
        // The slot tells the scheduler once the upload has the result: it may come just after the outcome.
        await Eventually.UntilAsync("scheduler's view of builder3", upload.Id, "the slot's status there to list the build",
            async () => (await Cluster.Scheduler.GetStatusAsync()).Slots.Single(s => s.Slot == "builder3/ab3"),
            s => s.Recent?.Any(b => b.UploadId == upload.Id) == true,
            s => $"{s.Recent?.Count ?? 0} recent build(s): {string.Join(", ", s.Recent?.Select(b => b.UploadId) ?? [])}");
    }
}
