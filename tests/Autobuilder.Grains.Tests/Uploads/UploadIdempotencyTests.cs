using Autobuilder.BuildRunner;
using Autobuilder.Grains.Services;
using Autobuilder.Grains.Tests.Cluster;
using Autobuilder.Grains.Tests.Doubles;

namespace Autobuilder.Grains.Tests.Uploads;

public sealed class UploadIdempotencyTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_RecordAndBuildOnce_When_SameTicketIsReceivedAgain()
    {
        // Arrange: the build hangs, so the repeats arrive while the upload is still in flight.
        var id = await Cluster.Client.GetGrain<IUploadRegistryGrain>(GrainClusterFixture.Product).RegisterAsync("ticket-idem-receive", "idem-receive", "1.0");
        Assert.Equal(id, await Cluster.Client.GetGrain<IUploadRegistryGrain>(GrainClusterFixture.Product).RegisterAsync("ticket-idem-receive", "idem-receive", "1.0"));
        Cluster.Executor.Script($"{id}/amd64", 1, ScriptedStep.Hanging);
        var folder = StubUploadInspector.FolderOf("ticket-idem-receive");
        Cluster.Inspector.Script("ticket-idem-receive", new UploadInspection("idem-receive", "1.0", "amd64", GrainClusterFixture.Uploader, ["idem-receive_1.0.dsc"], []));
        var received = new UploadReceived("ticket-idem-receive", GrainClusterFixture.Product, DateTimeOffset.UtcNow);

        // Act: intake delivers the ticket twice at once, and once more while the build runs.
        await Task.WhenAll(Cluster.Upload(id).ReceiveAsync(received), Cluster.Upload(id).ReceiveAsync(received));
        await Eventually.UntilAsync("build started", $"{id}/amd64", "attempt 1 running in the executor",
            () => Cluster.Executor.IsRunning($"{id}/amd64", 1), r => r, r => r ? "running" : $"not running; runs: {Cluster.Executor.RunsOfUpload(id).Count}");
        await Cluster.Upload(id).ReceiveAsync(received);
        Cluster.Executor.Release($"{id}/amd64", 1);
        var done = await Cluster.WaitForOutcomeAsync("upload to Done", id, UploadState.Published);
        await Cluster.Upload(id).ReceiveAsync(received);

        // Assert
        var after = await Cluster.DetailsAsync(id);
        Assert.Equal(done.History.Count, after.History.Count);
        Assert.Single(after.History, h => h.To == UploadState.Received);
        Assert.Single(after.History, h => h.To == UploadState.Verified);
        Assert.Single(after.History, h => h.Reason.Contains("attempt 1 started on", StringComparison.Ordinal));
        Assert.Single(Cluster.Inspector.Inspected, f => f == folder);
        Assert.Single(Cluster.Executor.RunsOfUpload(id));
        Assert.Single(Cluster.Mail.AboutBuilds(id));
        Assert.Single(Cluster.Offered, c => c.ResultsFolder.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_ChangeNothing_When_BuildFinishedIsForStaleAttemptOrRepeated()
    {
        // Arrange
        var upload = await Cluster.SubmitAsync("idem-finish", "2.0", "amd64", script: u => Cluster.Executor.Script(u.Build("amd64"), 1, ScriptedStep.Hanging));
        var build = upload.Build("amd64");
        await Eventually.UntilAsync("build running", build, "the upload to record attempt 1 as running",
            () => Cluster.DetailsAsync(upload.Id), d => d.Builds.Single().State == BuildState.Running, GrainClusterFixture.Describe);
        var running = await Cluster.DetailsAsync(upload.Id);
        var slot = running.Builds.Single().Slot!;

        // Act: reports for attempts that are not the current one.
        var now = DateTimeOffset.UtcNow;
        await Cluster.Upload(upload.Id).BuildFinishedAsync(Result(build, 2, slot, BuildOutcome.BuildFailed, now));
        await Cluster.Upload(upload.Id).BuildFinishedAsync(Result(build, 0, slot, BuildOutcome.InfrastructureError, now));
        await Cluster.Upload(upload.Id).BuildFinishedAsync(Result($"{upload.Id}/mipsel", 1, slot, BuildOutcome.BuildFailed, now));
        var afterStale = await Cluster.DetailsAsync(upload.Id);

        Cluster.Executor.Release(build, 1);
        var done = await Cluster.WaitForOutcomeAsync("upload to Done", upload.Id, UploadState.Published);
        // The same attempt reported again, once as it was and once with another outcome.
        var repeat = Result(build, 1, slot, BuildOutcome.Success, now);
        await Cluster.Upload(upload.Id).BuildFinishedAsync(repeat);
        await Cluster.Upload(upload.Id).BuildFinishedAsync(repeat with { Outcome = BuildOutcome.BuildFailed });
        var afterRepeat = await Cluster.DetailsAsync(upload.Id);

        // Assert
        Assert.Equal(running.History.Count, afterStale.History.Count);
        Assert.Equal(running.Builds, afterStale.Builds);
        Assert.Equal(UploadState.Building, afterStale.Summary.State);
        Assert.Equal(done.History.Count, afterRepeat.History.Count);
        Assert.Equal(done.Builds, afterRepeat.Builds);
        Assert.Equal((UploadState.Done, UploadState.Published), (afterRepeat.Summary.State, afterRepeat.Summary.Outcome));
        Assert.Single(Cluster.Mail.AboutBuilds(upload.Id));
        Assert.Single(Cluster.Offered, c => c.ResultsFolder.Contains(upload.Id, StringComparison.Ordinal));
    }

    private static BuildResult Result(string buildId, int attempt, string slot, BuildOutcome outcome, DateTimeOffset at) =>
        new(buildId, attempt, slot, outcome, "sent by the test", [], $"/fake/results/{buildId}/{attempt}", $"/fake/logs/{buildId}/{attempt}.log", [], at, at);
}
