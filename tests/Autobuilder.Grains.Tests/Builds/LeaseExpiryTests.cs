using Autobuilder.BuildRunner;
using Autobuilder.Grains.Tests.Cluster;
using Autobuilder.Grains.Tests.Doubles;

namespace Autobuilder.Grains.Tests.Builds;

public sealed class LeaseExpiryTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_RequeueOnAnotherSlot_When_SlotStopsHeartbeating()
    {
        // Arrange: attempt 1 hangs in the executor.
        var upload = await Cluster.SubmitAsync("lease-lost", "1.0", "amd64",
            script: u => Cluster.Executor.Script(u.Build("amd64"), 1, ScriptedStep.Hanging));
        var build = upload.Build("amd64");
        var lost = await Eventually.UntilAsync("attempt 1 running", build, "attempt 1 in the executor",
            () => Cluster.Executor.RunsOf(build), r => r.Count == 1 && Cluster.Executor.IsRunning(build, 1), r => $"{r.Count} run(s)");
        var lostSlot = lost[0].Slot;

        // Act: the slot's activation goes away as it would with its silo, and its heartbeat timer
        // with it; the build it started is still "running" and nobody reports for it.
        await Cluster.Cluster.DeactivateAsync(Cluster.Client.GetGrain<IBuilderSlotGrain>(lostSlot));

        // Assert: the lease runs out, the build goes back to the queue and is built elsewhere.
        var details = await Cluster.WaitForOutcomeAsync("built after lease expiry", upload.Id, UploadState.Published);
        var runs = Cluster.Executor.RunsOf(build);
        Assert.Equal([1, 2], runs.Select(r => r.Attempt));
        Assert.NotEqual(lostSlot, runs[1].Slot);
        var reason = $"no heartbeat from {lostSlot} for {GrainClusterFixture.LeaseSeconds:0.#} s";
        Assert.Contains(details.History, h => h.Reason == $"amd64: infrastructure error on {lostSlot} ({reason}); retrying elsewhere, attempt 2 (failed on 1 of at most 3 slots)");
        Assert.Equal((BuildOutcome.Success, 2, runs[1].Slot), (details.Builds.Single().Outcome!.Value, details.Builds.Single().Attempt, details.Builds.Single().Slot));

        var slot = (await Cluster.Scheduler.GetStatusAsync()).Slots.Single(s => s.Slot == lostSlot);
        Assert.Equal(SlotState.Offline, slot.State);
        Assert.Equal(reason, slot.Reason);

        // The lost attempt ending late is a stale report: the upload keeps its result, and the
        // slot is back in service.
        Cluster.Executor.Release(build, 1);
        await Cluster.WaitForSlotAsync("lost slot back", lostSlot, SlotState.Idle);
        var after = await Cluster.DetailsAsync(upload.Id);
        Assert.Equal(details.History.Count, after.History.Count);
        Assert.Equal(details.Builds, after.Builds);
        Assert.Single(Cluster.Mail.AboutBuilds(upload.Id));
        Assert.Single(Cluster.Offered, c => c.ResultsFolder.Contains(upload.Id, StringComparison.Ordinal));
    }
}
