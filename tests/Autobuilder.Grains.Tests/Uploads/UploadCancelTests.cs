using Autobuilder.BuildRunner;
using Autobuilder.Grains.Tests.Cluster;
using Autobuilder.Grains.Tests.Doubles;

namespace Autobuilder.Grains.Tests.Uploads;

/// <summary>Cancel and supersede in the grains: the running attempt is stopped through the slot and ends Cancelled, never retried.</summary>
public sealed class UploadCancelTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    private Task WaitRunningAsync(SubmittedUpload upload) =>
        Eventually.UntilAsync("build running", upload.Id, "attempt 1 inside the executor",
            () => Task.FromResult(Cluster.Executor.IsRunning(upload.Build("amd64"), 1)), running => running, running => $"running: {running}");

    [Fact]
    public async Task Should_stop_the_running_attempt_and_end_Cancelled_without_retry_When_an_operator_cancels()
    {
        // Arrange
        var upload = await Cluster.SubmitAsync("cancel-running", "1.0", "amd64",
            script: u => Cluster.Executor.Script(u.Build("amd64"), 1, ScriptedStep.Hanging));
        await WaitRunningAsync(upload);

        // Act
        var answer = await Cluster.Upload(upload.Id).CancelAsync("wrong tarball", "tess");

        // Assert
        Assert.Equal($"{upload.Id}: 0 queued build(s) cancelled, 1 running build(s) being stopped", answer);
        var details = await Cluster.WaitForOutcomeAsync("cancelled", upload.Id, UploadState.Cancelled);
        var build = Assert.Single(details.Builds);
        Assert.Equal((BuildOutcome.Cancelled, 1, "cancelled by tess: wrong tarball"), (build.Outcome!.Value, build.Attempt, build.Summary));
        Assert.Single(Cluster.Executor.RunsOf(upload.Build("amd64")));
        Assert.Equal("cancel-running 1.0 amd64 (fremantle): CANCELLED", Assert.Single(Cluster.Mail.About(upload.Id)).Subject);
        Assert.DoesNotContain(Cluster.Offered, c => c.ResultsFolder.Contains(upload.Id, StringComparison.Ordinal));
        Assert.Equal($"{upload.Id} is Done (Cancelled): no queued or running build to cancel", await Cluster.Upload(upload.Id).CancelAsync("again", "tess"));
    }

    [Fact]
    public async Task Should_stop_the_older_uploads_build_and_build_the_newer_When_a_newer_version_is_verified()
    {
        // Arrange
        var older = await Cluster.SubmitAsync("supersede-me", "1.0", "amd64",
            script: u => Cluster.Executor.Script(u.Build("amd64"), 1, ScriptedStep.Hanging));
        await WaitRunningAsync(older);

        // Act
        var newer = await Cluster.SubmitAsync("supersede-me", "1.1", "amd64");

        // Assert
        await Cluster.WaitForOutcomeAsync("newer built", newer.Id, UploadState.Published);
        var details = await Cluster.WaitForOutcomeAsync("older superseded", older.Id, UploadState.Cancelled);
        var build = Assert.Single(details.Builds);
        Assert.Equal(BuildOutcome.Cancelled, build.Outcome);
        Assert.Equal($"superseded by {newer.Id} (version 1.1 of supersede-me)", build.Summary);
        Assert.Contains($"superseded by {newer.Id}", Assert.Single(Cluster.Mail.About(older.Id)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_leave_a_finished_older_upload_as_it_is_When_a_newer_version_arrives()
    {
        // Arrange: the older upload finished already; a newer one must not change it.
        var older = await Cluster.SubmitAsync("supersede-done", "1.0", "amd64");
        await Cluster.WaitForOutcomeAsync("older built", older.Id, UploadState.Published);

        // Act
        var newer = await Cluster.SubmitAsync("supersede-done", "1.1", "amd64");

        // Assert
        await Cluster.WaitForOutcomeAsync("newer built", newer.Id, UploadState.Published);
        var details = await Cluster.DetailsAsync(older.Id);
        Assert.Equal(UploadState.Published, details.Summary.Outcome);
        Assert.DoesNotContain(details.History, h => h.Reason.Contains("superseded", StringComparison.Ordinal));
    }
}
