using Autobuilder.Grains.Tests.Cluster;
using Autobuilder.Grains.Tests.Doubles;

namespace Autobuilder.Grains.Tests.Builds;

/// <summary>
/// Every waiting build says why it waits, from the scheduler's slot table. Each test has slots of
/// its own for an architecture no other test uses.
/// </summary>
public sealed class QueueReasonTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_SayNoSlotBuildsTheArchitecture_When_NoSlotHasIt()
    {
        // Given a build for an architecture no slot builds
        var build = Queued("reason/none", "reason-none-arch");

        // When it is queued
        await Cluster.Scheduler.EnqueueAsync([build]);

        // Then it waits for that reason
        var entry = await WaitingAsync(build);
        Assert.Equal((WaitKind.NoSlot, "no slot builds reason-none-arch"), (entry.Wait, entry.Reason));
        await Cluster.Scheduler.DropAsync(build.Build.UploadId);
    }

    [Fact]
    public async Task Should_SayAllSlotsBusyAndHowManyAhead_When_EverySlotRunsABuild()
    {
        // Given both slots of the architecture running a build
        var slots = await SlotsAsync("reason-busy", "busy-r-arch", 2);
        var blockers = new[] { Queued("reason/busy-b1", "busy-r-arch"), Queued("reason/busy-b2", "busy-r-arch") };
        foreach (var b in blockers)
            Cluster.Executor.Script(b.Build.Id, 1, ScriptedStep.Hanging);
        await Cluster.Scheduler.EnqueueAsync(blockers);
        await Eventually.UntilAsync("blockers running", "reason/busy-b*", "both running",
            () => blockers.Count(b => Cluster.Executor.IsRunning(b.Build.Id, 1)), n => n == 2, n => $"{n} running");
        var first = Queued("reason/busy-w1", "busy-r-arch");
        var second = Queued("reason/busy-w2", "busy-r-arch");

        // When two more wait
        await Cluster.Scheduler.EnqueueAsync([first, second]);

        // Then both say the slots are busy, the second that one build is ahead of it
        var one = await WaitingAsync(first);
        var two = await WaitingAsync(second);
        Assert.Equal((WaitKind.SlotsBusy, "all 2 busy-r-arch slots busy"), (one.Wait, one.Reason));
        Assert.Equal((WaitKind.SlotsBusy, "all 2 busy-r-arch slots busy; 1 build ahead of it"), (two.Wait, two.Reason));

        await Cluster.Scheduler.DropAsync(first.Build.UploadId);
        await Cluster.Scheduler.DropAsync(second.Build.UploadId);
        foreach (var b in blockers)
            Cluster.Executor.Release(b.Build.Id, 1);
        foreach (var slot in slots)
            await Cluster.WaitForSlotAsync("idle after", slot.Key, SlotState.Idle);
    }

    [Fact]
    public async Task Should_NameTheDrainedSlot_When_TheOnlySlotOfTheArchitectureIsDrained()
    {
        // Given the only slot of the architecture drained
        var slot = (await SlotsAsync("reason-drain", "drain-r-arch", 1))[0];
        await Cluster.Client.GetGrain<IBuilderSlotGrain>(slot.Key).DrainAsync();
        await Cluster.WaitForSlotAsync("drain", slot.Key, SlotState.Draining);
        var build = Queued("reason/drained", "drain-r-arch");

        // When a build of it is queued
        await Cluster.Scheduler.EnqueueAsync([build]);

        // Then it names the slot
        var entry = await WaitingAsync(build);
        Assert.Equal((WaitKind.SlotsUnavailable, "slot reason-drain/u1 drained"), (entry.Wait, entry.Reason));
        Assert.Empty(Cluster.Executor.RunsOf(build.Build.Id));

        // And once enabled again the slot takes it
        await Cluster.Client.GetGrain<IBuilderSlotGrain>(slot.Key).EnableAsync();
        await Eventually.UntilAsync("ran after enable", build.Build.Id, "run once", () => Cluster.Executor.RunsOf(build.Build.Id).Count, n => n == 1, n => $"{n} runs");
        await Cluster.WaitForSlotAsync("idle after", slot.Key, SlotState.Idle);
    }

    [Fact]
    public async Task Should_SayItAvoidsTheFreeSlot_When_TheOnlyFreeSlotFailedItBefore()
    {
        // Given slot u2 busy and slot u1 free, but the build failed on u1 before
        var slots = await SlotsAsync("reason-avoid", "avoid-r-arch", 2);
        await Cluster.Client.GetGrain<IBuilderSlotGrain>(slots[0].Key).DrainAsync();
        await Cluster.WaitForSlotAsync("drain", slots[0].Key, SlotState.Draining);
        var blocker = Queued("reason/avoid-blocker", "avoid-r-arch");
        Cluster.Executor.Script(blocker.Build.Id, 1, ScriptedStep.Hanging);
        await Cluster.Scheduler.EnqueueAsync([blocker]);
        await Eventually.UntilAsync("blocker running", blocker.Build.Id, "running", () => Cluster.Executor.IsRunning(blocker.Build.Id, 1), r => r, _ => "not running");
        await Cluster.Client.GetGrain<IBuilderSlotGrain>(slots[0].Key).EnableAsync();
        await Cluster.WaitForSlotAsync("enable", slots[0].Key, SlotState.Idle);
        var retry = Queued("reason/avoid-retry", "avoid-r-arch") with { Attempt = 2, AvoidSlots = [slots[0].Key] };

        // When its retry is queued
        await Cluster.Scheduler.EnqueueAsync([retry]);

        // Then it says so
        var entry = await WaitingAsync(retry);
        Assert.Equal(WaitKind.AvoidsFreeSlots, entry.Wait);
        Assert.Equal("free slot reason-avoid/u1 failed it before (infrastructure errors); waiting for another avoid-r-arch slot", entry.Reason);

        Cluster.Executor.Release(blocker.Build.Id, 1);
        await Eventually.UntilAsync("retry ran", retry.Build.Id, "run", () => Cluster.Executor.RunsOf(retry.Build.Id).Count, n => n == 1, n => $"{n} runs");
        foreach (var slot in slots)
            await Cluster.WaitForSlotAsync("idle after", slot.Key, SlotState.Idle);
    }

    [Fact]
    public void Should_SayWhatItMisses_When_ABuildIsInDepWait()
    {
        // Given a build in dep-wait as the dep-wait grain lists it
        var wait = new DependencyWait("fremantle/b_1.0/1/armhf", "fremantle/b_1.0/1", "armhf",
            ["libfoo-dev (>= 1.2)", "libbar-dev | libbaz-dev"], ["extras-devel/fremantle"], DateTimeOffset.UtcNow);

        // When the queue lists it
        var entry = DependencyWaitEntries.From(wait);

        // Then it says what it waits for
        Assert.Equal((WaitKind.DependencyWait, "waiting for libfoo-dev (>= 1.2), libbar-dev | libbaz-dev"), (entry.Wait, entry.Reason));
        Assert.Equal((wait.BuildId, "armhf", (string?)null), (entry.BuildId, entry.Architecture, entry.Slot));
    }

    private async Task<QueueEntry> WaitingAsync(QueuedBuild build) =>
        (await Eventually.UntilAsync("listed as waiting", build.Build.Id, "in the waiting list with a reason",
            async () => (await Cluster.Scheduler.GetQueueAsync()).Waiting.FirstOrDefault(w => w.BuildId == build.Build.Id),
            w => w?.Reason is not null && w.Wait is not WaitKind.Dispatching,
            w => w is null ? "not waiting" : $"{w.Wait}: {w.Reason}"))!;

    private async Task<IReadOnlyList<SlotConfig>> SlotsAsync(string host, string architecture, int count)
    {
        var slots = Enumerable.Range(1, count).Select(i => new SlotConfig(host, $"u{i}", [architecture], "scripted")).ToList();
        foreach (var slot in slots)
            await Cluster.ConfigureSlotAsync(slot);
        return slots;
    }

    private static QueuedBuild Queued(string uploadId, string architecture) =>
        new(new BuildRequest($"{uploadId}/{architecture}", uploadId, GrainClusterFixture.Product, "reason", "1.0", architecture, BuildType.Any,
            0, DateTimeOffset.UtcNow, "reason_1.0.dsc", ["reason_1.0.dsc"], "/fake/uploads/reason"), 1, []);
}
