using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Silo.Tests.Execution;

namespace Autobuilder.Silo.Tests.Limits;

/// <summary>
/// <c>autobuilder uploads cancel</c> through the real console against a real silo: a queued build is
/// dropped, a running one is killed; both end Cancelled (not retried) with who and why, the
/// processes are gone and the slots free.
/// </summary>
[Collection(LimitsCollection.Name)]
public sealed class CancelTests(LimitsFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    /// <summary>Drops a package whose build sleeps, and waits until its sleep runs; returns the upload id and the sleep's marker.</summary>
    private async Task<(string Id, string Sleep)> SleeperRunningAsync(string name)
    {
        var sleep = BuildProcesses.UniqueSleepSeconds();
        Uploads.Drop(Silo, new SourcePackage(Name: name, RulesBuild: $"sleep {sleep}"), fixture.Scratch);
        var building = await Uploads.WaitAsync(Silo, name, d => d.Summary.State == UploadState.Building, "Building", TimeSpan.FromSeconds(120));
        await BuildProcesses.StartedAsync(sleep, TimeSpan.FromSeconds(120));
        return (building.Summary.Id, sleep);
    }

    private ToolResult Cancel(string id, string reason)
    {
        var run = AdminCli.Run(Silo, "uploads", "cancel", id, "--reason", reason);
        Assert.True(run.ExitCode == 0, $"uploads cancel {id} exited {run.ExitCode}: {run.Stdout}{run.Stderr}");
        return run;
    }

    private async Task<UploadDetails> CancelledAsync(string name) =>
        await Uploads.WaitAsync(Silo, name, d => d.Summary.State == UploadState.Done, "Done (cancelled)", TimeSpan.FromSeconds(60));

    [Fact]
    public async Task Should_kill_the_build_end_it_Cancelled_and_free_the_slot_When_a_running_build_is_cancelled()
    {
        // Arrange
        var (id, sleep) = await SleeperRunningAsync("ab-cancel-running");

        // Act
        var run = Cancel(id, "uploaded by mistake");

        // Assert
        Assert.Contains("1 running build(s) being stopped", run.Stdout);
        var done = await CancelledAsync("ab-cancel-running");
        Assert.Equal(UploadState.Cancelled, done.Summary.Outcome);
        var build = Assert.Single(done.Builds);
        Assert.Equal(BuildOutcome.Cancelled, build.Outcome);
        Assert.Equal(1, build.Attempt);
        // The name of the certificate the silo verified (the admin certificate made for this user), not what the console claims.
        var by = Autobuilder.Grains.Security.CertificateNames.ForCurrentUser();
        Assert.Equal($"cancelled by {by}: uploaded by mistake", build.Summary);
        Assert.Contains(done.History, h => h.Reason.StartsWith($"cancelled by {by}: uploaded by mistake: running", StringComparison.Ordinal));
        Assert.Empty(await BuildProcesses.GoneAsync(sleep));
        await fixture.WaitForIdleSlotsAsync();
        var mail = await fixture.WaitForMailAsync($"ab-cancel-running 1.0-1 {SiloProcess.HostArchitecture} (bookworm): CANCELLED");
        Assert.Contains("uploaded by mistake", mail.TextBody);
        // A second cancel finds nothing left to stop, and says so.
        var again = AdminCli.Run(Silo, "uploads", "cancel", id);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no queued or running build to cancel", again.Stdout);
    }

    [Fact]
    public async Task Should_drop_it_from_the_queue_and_end_it_Cancelled_When_a_queued_build_is_cancelled()
    {
        // Arrange: both slots busy, so the third upload's build waits.
        var one = await SleeperRunningAsync("ab-busy-one");
        var two = await SleeperRunningAsync("ab-busy-two");
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-cancel-queued"), fixture.Scratch);
        var queued = await Uploads.WaitAsync(Silo, "ab-cancel-queued", d => d.Summary.State == UploadState.Queued, "Queued", TimeSpan.FromSeconds(60));
        var scheduler = Silo.Grains.GetGrain<IBuildSchedulerGrain>(0);
        Assert.Contains((await scheduler.GetStatusAsync()).Waiting, w => w.BuildId.StartsWith(queued.Summary.Id + "/", StringComparison.Ordinal));

        // Act
        var run = Cancel(queued.Summary.Id, "superseded by hand");

        // Assert
        Assert.Contains("1 queued build(s) cancelled", run.Stdout);
        var done = await CancelledAsync("ab-cancel-queued");
        Assert.Equal(UploadState.Cancelled, done.Summary.Outcome);
        var build = Assert.Single(done.Builds);
        Assert.Equal(BuildOutcome.Cancelled, build.Outcome);
        Assert.Null(build.Started);
        Assert.Null(build.Slot);
        var status = await scheduler.GetStatusAsync();
        Assert.DoesNotContain(status.Waiting, w => w.BuildId.StartsWith(queued.Summary.Id + "/", StringComparison.Ordinal));
        Assert.DoesNotContain(status.Running, w => w.BuildId.StartsWith(queued.Summary.Id + "/", StringComparison.Ordinal));

        // The sleepers go the same way, and free both slots.
        Cancel(one.Id, "test over");
        Cancel(two.Id, "test over");
        Assert.Equal(UploadState.Cancelled, (await CancelledAsync("ab-busy-one")).Summary.Outcome);
        Assert.Equal(UploadState.Cancelled, (await CancelledAsync("ab-busy-two")).Summary.Outcome);
        Assert.Empty(await BuildProcesses.GoneAsync(one.Sleep));
        Assert.Empty(await BuildProcesses.GoneAsync(two.Sleep));
        await fixture.WaitForIdleSlotsAsync();
    }
}
