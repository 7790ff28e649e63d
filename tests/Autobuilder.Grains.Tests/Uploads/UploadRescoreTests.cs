using Autobuilder.BuildRunner;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Tests.Cluster;
using Autobuilder.Grains.Tests.Doubles;

namespace Autobuilder.Grains.Tests.Uploads;

/// <summary>
/// <c>uploads rescore</c>: an upload's priority moves its waiting builds in the queue, is kept in
/// its history, and outlives the attempt. The armhf builds queue behind the one armhf slot.
/// </summary>
public sealed class UploadRescoreTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_BuildTheRescoredUploadFirst_When_ItWaitsBehindOlderUploads()
    {
        // Given the only armhf slot busy, and two uploads waiting behind it, oldest first
        var blocker = await Cluster.SubmitAsync("rescore-blocker", "1.0", "armhf",
            script: u => Cluster.Executor.Script(u.Build("armhf"), 1, ScriptedStep.Hanging));
        await Eventually.UntilAsync("blocker running", blocker.Id, "running", () => Cluster.Executor.IsRunning(blocker.Build("armhf"), 1), r => r, _ => "not running");
        var older = await Cluster.SubmitAsync("rescore-older", "1.0", "armhf");
        var newer = await Cluster.SubmitAsync("rescore-newer", "1.0", "armhf");
        Assert.Equal([older.Build("armhf"), newer.Build("armhf")], await WaitingArmhfAsync());

        // When an operator gives the newer one priority 10
        var answer = await Cluster.Upload(newer.Id).RescoreAsync(10, "operator-test");

        // Then it waits first, shows its priority and why it waits, and its history says who moved it
        Assert.Equal($"{newer.Id}: priority 10 (was 0); 1 waiting build(s) reordered", answer);
        var status = await Cluster.Scheduler.GetQueueAsync();
        var waiting = status.Waiting.Where(w => w.Architecture == "armhf").ToList();
        Assert.Equal([newer.Build("armhf"), older.Build("armhf")], waiting.Select(w => w.BuildId));
        Assert.Equal([10, 0], waiting.Select(w => w.Priority));
        Assert.Equal(["the only armhf slot, builder3/ab3, is busy", "the only armhf slot, builder3/ab3, is busy; 1 build ahead of it"],
            waiting.Select(w => w.Reason));
        var details = await Cluster.DetailsAsync(newer.Id);
        Assert.Contains(details.History, h => h.Reason == "priority 0 -> 10, set by operator-test; waiting build(s) armhf reordered");

        // And when the slot frees, the rescored upload is built before the older one
        Cluster.Executor.Release(blocker.Build("armhf"), 1);
        await Cluster.WaitForOutcomeAsync("older built", older.Id, UploadState.Published);
        var newerRun = Cluster.Executor.RunsOf(newer.Build("armhf")).Single();
        var olderRun = Cluster.Executor.RunsOf(older.Build("armhf")).Single();
        Assert.True(newerRun.Started <= olderRun.Started, $"newer started {newerRun.Started:O}, older {olderRun.Started:O}");
    }

    [Fact]
    public async Task Should_RefuseThePriority_When_ItIsOutOfRange()
    {
        // Given a built upload
        var upload = await Cluster.SubmitAsync("rescore-range", "1.0", "amd64");
        await Cluster.WaitForOutcomeAsync("built", upload.Id, UploadState.Published);

        // When an operator asks for a priority out of range
        var answer = await Cluster.Upload(upload.Id).RescoreAsync(BuildPriorityOptions.Max + 1, "operator-test");

        // Then it is refused with the range, and nothing is recorded
        Assert.Equal($"priority {BuildPriorityOptions.Max + 1} refused: it must lie between {BuildPriorityOptions.Min} and {BuildPriorityOptions.Max}", answer);
        Assert.DoesNotContain((await Cluster.DetailsAsync(upload.Id)).History, h => h.Reason.StartsWith("priority", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_KeepThePriorityForTheRetry_When_AFailedUploadIsRescored()
    {
        // Given a failed upload, rescored while nothing of it waits
        var upload = await Cluster.SubmitAsync("rescore-retry", "1.0", "armhf",
            script: u => Cluster.Executor.Script(u.Build("armhf"), 1, new ScriptedStep(BuildOutcome.BuildFailed, Summary: "fake: make exited 2")));
        await Cluster.WaitForOutcomeAsync("failed", upload.Id, UploadState.Failed);
        Assert.Equal($"{upload.Id}: priority -5 (was 0); 0 waiting build(s) reordered", await Cluster.Upload(upload.Id).RescoreAsync(-5, "operator-test"));

        // When it is retried behind a busy slot
        var blocker = await Cluster.SubmitAsync("rescore-retry-blocker", "1.0", "armhf",
            script: u => Cluster.Executor.Script(u.Build("armhf"), 1, ScriptedStep.Hanging));
        await Eventually.UntilAsync("blocker running", blocker.Id, "running", () => Cluster.Executor.IsRunning(blocker.Build("armhf"), 1), r => r, _ => "not running");
        await Cluster.Upload(upload.Id).RetryAsync();

        // Then its retry is queued with that priority
        var entry = (await Cluster.Scheduler.GetQueueAsync()).Waiting.Single(w => w.BuildId == upload.Build("armhf"));
        Assert.Equal((-5, 2), (entry.Priority, entry.Attempt));
        Assert.Contains((await Cluster.DetailsAsync(upload.Id)).History, h => h.Reason == "priority 0 -> -5, set by operator-test; no build waiting now: retries keep it");
        Cluster.Executor.Release(blocker.Build("armhf"), 1);
        await Cluster.WaitForOutcomeAsync("built after the retry", upload.Id, UploadState.Published);
    }

    private async Task<List<string>> WaitingArmhfAsync() =>
        (await Cluster.Scheduler.GetQueueAsync()).Waiting.Where(w => w.Architecture == "armhf").Select(w => w.BuildId).ToList();
}
