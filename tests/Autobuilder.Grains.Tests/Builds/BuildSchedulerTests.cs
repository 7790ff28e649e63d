using Autobuilder.Grains.Tests.Cluster;
using Autobuilder.Grains.Tests.Doubles;

namespace Autobuilder.Grains.Tests.Builds;

/// <summary>
/// The scheduler driven directly with queued builds. Each test has slots of its own for
/// architecture names no other test uses, so the shared scheduler's other slots never take its
/// builds. The builds belong to no upload: their reports reach upload grains that ignore them.
/// </summary>
public sealed class BuildSchedulerTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Should_RunBuildsInParallel_When_TwoSlotsAreFree()
    {
        // Arrange
        var slots = await SlotsAsync("sched-par", ["par-arch"], count: 2);
        var builds = new[] { Queued("sched/par-one", "par-arch"), Queued("sched/par-two", "par-arch") };
        foreach (var b in builds)
            Cluster.Executor.Script(b.Build.Id, 1, ScriptedStep.Hanging);

        // Act
        await Cluster.Scheduler.EnqueueAsync(builds);

        // Assert: both are inside the executor at once, on different slots.
        var running = await Eventually.UntilAsync("both running", "sched/par-*", "both builds in the executor at the same time",
            () => builds.Where(b => Cluster.Executor.IsRunning(b.Build.Id, 1)).ToList(), r => r.Count == 2,
            _ => string.Join(", ", Cluster.Executor.RunningNow));
        Assert.Equal(slots.Select(s => s.Key).Order(), builds.Select(b => Cluster.Executor.RunsOf(b.Build.Id).Single().Slot).Order());
        var status = await Cluster.Scheduler.GetStatusAsync();
        Assert.Equal(builds.Select(b => b.Build.Id).Order(), status.Running.Where(r => r.Architecture == "par-arch").Select(r => r.BuildId).Order());

        await ReleaseAndWaitIdleAsync(builds, slots);
    }

    [Fact]
    public async Task Should_GiveSlotOnlyBuildsOfItsArchitectures_When_BuildsOfSeveralArchitecturesWait()
    {
        // Arrange
        var slotA = new SlotConfig("sched-arch", "a", ["arch-a"], "scripted");
        var slotB = new SlotConfig("sched-arch", "b", ["arch-b"], "scripted");
        await Cluster.ConfigureSlotAsync(slotA);
        await Cluster.ConfigureSlotAsync(slotB);
        var builds = Enumerable.Range(1, 3).SelectMany(i => new[] { Queued($"sched/arch-{i}", "arch-a"), Queued($"sched/arch-{i}", "arch-b") }).ToList();
        var orphan = Queued("sched/arch-orphan", "arch-c");

        // Act
        await Cluster.Scheduler.EnqueueAsync([.. builds, orphan]);

        // Assert
        await Eventually.UntilAsync("all ran", "sched/arch-*", "6 builds run",
            () => builds.Count(b => Cluster.Executor.RunsOf(b.Build.Id).Count == 1), n => n == builds.Count, n => $"{n} run");
        foreach (var b in builds)
        {
            var run = Cluster.Executor.RunsOf(b.Build.Id).Single();
            Assert.Equal(b.Build.Architecture == "arch-a" ? slotA.Key : slotB.Key, run.Slot);
        }
        // No slot builds arch-c: it waits, and goes when its upload is dropped.
        var status = await Cluster.Scheduler.GetStatusAsync();
        Assert.Contains(status.Waiting, w => w.BuildId == orphan.Build.Id);
        Assert.Empty(Cluster.Executor.RunsOf(orphan.Build.Id));
        await Cluster.Scheduler.DropAsync(orphan.Build.UploadId);
        Assert.DoesNotContain((await Cluster.Scheduler.GetStatusAsync()).Waiting, w => w.BuildId == orphan.Build.Id);
    }

    [Fact]
    public async Task Should_DispatchByPriorityThenAge_When_SeveralBuildsWait()
    {
        // Arrange: the only slot is busy while the queue fills.
        var slots = await SlotsAsync("sched-order", ["order-arch"], count: 1);
        var blocker = Queued("sched/order-blocker", "order-arch");
        Cluster.Executor.Script(blocker.Build.Id, 1, ScriptedStep.Hanging);
        await Cluster.Scheduler.EnqueueAsync([blocker]);
        await Eventually.UntilAsync("blocker running", blocker.Build.Id, "running", () => Cluster.Executor.IsRunning(blocker.Build.Id, 1), r => r, _ => string.Join(", ", Cluster.Executor.RunningNow));

        var lowOld = Queued("sched/order-low-old", "order-arch", priority: 0, queuedAt: T0);
        var highNew = Queued("sched/order-high-new", "order-arch", priority: 5, queuedAt: T0.AddMinutes(2));
        var highOld = Queued("sched/order-high-old", "order-arch", priority: 5, queuedAt: T0.AddMinutes(1));
        var mid = Queued("sched/order-mid", "order-arch", priority: 3, queuedAt: T0.AddMinutes(3));
        var lowNew = Queued("sched/order-low-new", "order-arch", priority: 0, queuedAt: T0.AddMinutes(4));
        string[] expected = [highOld.Build.Id, highNew.Build.Id, mid.Build.Id, lowOld.Build.Id, lowNew.Build.Id];

        // Act: queued in an order that is none of the two.
        await Cluster.Scheduler.EnqueueAsync([lowNew, mid]);
        await Cluster.Scheduler.EnqueueAsync([lowOld, highNew, highOld]);

        // Assert: the queue shows the order, and the slot takes them in it.
        var waiting = (await Cluster.Scheduler.GetStatusAsync()).Waiting.Where(w => w.Architecture == "order-arch").Select(w => w.BuildId);
        Assert.Equal(expected, waiting);
        Cluster.Executor.Release(blocker.Build.Id, 1);
        var order = await Eventually.UntilAsync("all ran", "sched/order-*", "the 5 waiting builds run",
            () => Cluster.Executor.Runs.Where(r => expected.Contains(r.BuildId)).Select(r => r.BuildId).ToList(),
            r => r.Count == expected.Length, r => string.Join(", ", r));
        Assert.Equal(expected, order);
        Assert.All(expected, id => Assert.Equal(slots[0].Key, Cluster.Executor.RunsOf(id).Single().Slot));
    }

    [Fact]
    public async Task Should_GiveDrainingSlotNoBuild_When_BuildsWait()
    {
        // Arrange
        var slots = await SlotsAsync("sched-drain", ["drain-arch"], count: 2);
        var (draining, open) = (slots[0], slots[1]);
        await Cluster.Client.GetGrain<IBuilderSlotGrain>(draining.Key).DrainAsync();
        await Cluster.WaitForSlotAsync("drain", draining.Key, SlotState.Draining);
        var builds = Enumerable.Range(1, 4).Select(i => Queued($"sched/drain-{i}", "drain-arch")).ToList();

        // Act
        await Cluster.Scheduler.EnqueueAsync(builds);

        // Assert
        await Eventually.UntilAsync("all ran", "sched/drain-*", "4 builds run",
            () => builds.Count(b => Cluster.Executor.RunsOf(b.Build.Id).Count == 1), n => n == builds.Count, n => $"{n} run");
        Assert.All(builds, b => Assert.Equal(open.Key, Cluster.Executor.RunsOf(b.Build.Id).Single().Slot));

        // Enabled again, the slot takes builds: the drain, not something else, kept it out.
        await Cluster.Client.GetGrain<IBuilderSlotGrain>(draining.Key).EnableAsync();
        await Cluster.WaitForSlotAsync("enable", draining.Key, SlotState.Idle);
        var after = new[] { Queued("sched/drain-after-1", "drain-arch"), Queued("sched/drain-after-2", "drain-arch") };
        foreach (var b in after)
            Cluster.Executor.Script(b.Build.Id, 1, ScriptedStep.Hanging);
        await Cluster.Scheduler.EnqueueAsync(after);
        await Eventually.UntilAsync("both slots busy", "sched/drain-after-*", "one build on each slot",
            () => after.SelectMany(b => Cluster.Executor.RunsOf(b.Build.Id)).Select(r => r.Slot).Order().ToList(),
            s => s.SequenceEqual(slots.Select(x => x.Key).Order()), s => string.Join(", ", s));
        await ReleaseAndWaitIdleAsync(after, slots);
    }

    [Fact]
    public async Task Should_LeaveNoCompatibleSlotIdle_When_BuildsWait()
    {
        // Arrange: two slots for the builds, and one that cannot build them.
        var slots = await SlotsAsync("sched-busy", ["busy-arch"], count: 2);
        var other = new SlotConfig("sched-busy", "other", ["busy-other"], "scripted");
        await Cluster.ConfigureSlotAsync(other);
        var builds = Enumerable.Range(1, 5).Select(i => Queued($"sched/busy-{i}", "busy-arch")).ToList();
        foreach (var b in builds)
            Cluster.Executor.Script(b.Build.Id, 1, ScriptedStep.Hanging);

        // Act
        await Cluster.Scheduler.EnqueueAsync(builds);

        // Assert: after every finished build, the freed slot has the next one; no snapshot shows a
        // compatible slot idle while one waits.
        var finished = 0;
        while (finished < builds.Count)
        {
            var expectRunning = Math.Min(2, builds.Count - finished);
            var status = await Eventually.UntilAsync("refill", $"after {finished} finished", $"{expectRunning} busy-arch builds running",
                () => Cluster.Scheduler.GetStatusAsync(),
                s =>
                {
                    AssertNoIdleSlotWhileWaiting(s, slots);
                    return s.Running.Count(r => r.Architecture == "busy-arch") == expectRunning
                        && builds.Count(b => Cluster.Executor.IsRunning(b.Build.Id, 1)) == expectRunning;
                },
                s => $"running {string.Join(", ", s.Running.Select(r => $"{r.BuildId}@{r.Slot}"))}; waiting {s.Waiting.Count(w => w.Architecture == "busy-arch")}");
            Assert.Equal(builds.Count - finished - expectRunning, status.Waiting.Count(w => w.Architecture == "busy-arch"));
            var next = builds.First(b => Cluster.Executor.IsRunning(b.Build.Id, 1));
            Cluster.Executor.Release(next.Build.Id, 1);
            await Eventually.UntilAsync("finish", next.Build.Id, "out of the executor",
                () => Cluster.Executor.IsRunning(next.Build.Id, 1), r => !r, _ => "still running");
            finished++;
        }
        Assert.DoesNotContain(Cluster.Executor.Runs, r => r.Slot == other.Key);
        foreach (var slot in slots)
            await Cluster.WaitForSlotAsync("idle after", slot.Key, SlotState.Idle);
    }

    [Fact]
    public async Task Should_WaitForAnotherSlot_When_BuildAvoidsTheOnlyIdleSlot()
    {
        // Arrange: slot 2 busy (slot 1 drained while the blocker was dispatched, so it went to
        // slot 2), slot 1 idle; the retry avoids slot 1, where it failed before.
        var slots = await SlotsAsync("sched-avoid", ["avoid-arch"], count: 2);
        var blocker = Queued("sched/avoid-blocker", "avoid-arch");
        Cluster.Executor.Script(blocker.Build.Id, 1, ScriptedStep.Hanging);
        await Cluster.Client.GetGrain<IBuilderSlotGrain>(slots[0].Key).DrainAsync();
        await Cluster.WaitForSlotAsync("drain", slots[0].Key, SlotState.Draining);
        await Cluster.Scheduler.EnqueueAsync([blocker]);
        await Eventually.UntilAsync("blocker running", blocker.Build.Id, "running", () => Cluster.Executor.IsRunning(blocker.Build.Id, 1), r => r, _ => string.Join(", ", Cluster.Executor.RunningNow));
        await Cluster.Client.GetGrain<IBuilderSlotGrain>(slots[0].Key).EnableAsync();
        await Cluster.WaitForSlotAsync("enable", slots[0].Key, SlotState.Idle);
        var retry = Queued("sched/avoid-retry", "avoid-arch") with { Attempt = 2, AvoidSlots = [slots[0].Key] };

        // Act
        await Cluster.Scheduler.EnqueueAsync([retry]);

        // Assert: it waits for the other slot rather than going back where it failed.
        var status = await Cluster.Scheduler.GetStatusAsync();
        Assert.Contains(status.Waiting, w => w.BuildId == retry.Build.Id);
        Assert.Equal(SlotState.Idle, status.Slots.Single(s => s.Slot == slots[0].Key).State);
        Cluster.Executor.Release(blocker.Build.Id, 1);
        var run = await Eventually.UntilAsync("retry ran", retry.Build.Id, "attempt 2 run",
            () => Cluster.Executor.RunsOf(retry.Build.Id), r => r.Count == 1, r => $"{r.Count} run(s)");
        Assert.Equal((2, slots[1].Key), (run[0].Attempt, run[0].Slot));

        // A build that failed on every slot that could run it still runs: on one it avoids.
        var everywhere = Queued("sched/avoid-all", "avoid-arch") with { Attempt = 3, AvoidSlots = [.. slots.Select(s => s.Key)] };
        await Cluster.Scheduler.EnqueueAsync([everywhere]);
        await Eventually.UntilAsync("avoided everywhere ran", everywhere.Build.Id, "attempt 3 run",
            () => Cluster.Executor.RunsOf(everywhere.Build.Id), r => r.Count == 1, r => $"{r.Count} run(s)");
        foreach (var slot in slots)
            await Cluster.WaitForSlotAsync("idle after", slot.Key, SlotState.Idle);
    }

    private static void AssertNoIdleSlotWhileWaiting(SchedulerStatus status, IReadOnlyList<SlotConfig> slots)
    {
        var waiting = status.Waiting.Count(w => w.Architecture == "busy-arch");
        var idle = status.Slots.Where(s => slots.Any(c => c.Key == s.Slot) && s.State == SlotState.Idle).Select(s => s.Slot).ToList();
        Assert.False(waiting > 0 && idle.Count > 0, $"{waiting} build(s) wait while {string.Join(", ", idle)} idle(s)");
    }

    private async Task<IReadOnlyList<SlotConfig>> SlotsAsync(string host, IReadOnlyList<string> architectures, int count)
    {
        var slots = Enumerable.Range(1, count).Select(i => new SlotConfig(host, $"u{i}", architectures, "scripted")).ToList();
        foreach (var slot in slots)
            await Cluster.ConfigureSlotAsync(slot);
        return slots;
    }

    private async Task ReleaseAndWaitIdleAsync(IEnumerable<QueuedBuild> builds, IEnumerable<SlotConfig> slots)
    {
        foreach (var b in builds)
            Cluster.Executor.Release(b.Build.Id, b.Attempt);
        foreach (var slot in slots)
            await Cluster.WaitForSlotAsync("idle after release", slot.Key, SlotState.Idle);
    }

    private static QueuedBuild Queued(string uploadId, string architecture, int priority = 0, DateTimeOffset? queuedAt = null) =>
        new(new BuildRequest($"{uploadId}/{architecture}", uploadId, GrainClusterFixture.Product, "sched", "1.0", architecture, BuildType.Any,
            priority, queuedAt ?? DateTimeOffset.UtcNow, "sched_1.0.dsc", ["sched_1.0.dsc"], "/fake/uploads/sched"), 1, []);
}
