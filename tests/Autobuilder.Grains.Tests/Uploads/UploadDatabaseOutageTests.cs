using Autobuilder.Grains.Tests.Cluster;
using Autobuilder.Grains.Tests.Doubles;

namespace Autobuilder.Grains.Tests.Uploads;

/// <summary>
/// Issue 14 point 5 at grain level: the grains' state cannot be written or read for a while (the
/// cluster's database away, played by <see cref="FakeOutageGrainStorage"/>; the real PostgreSQL
/// stop and kill is DatabaseOutageTests in the silo tests). Nothing may wait for a silo restart.
/// </summary>
public sealed class UploadDatabaseOutageTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_write_its_state_and_publish_by_itself_When_its_build_ended_while_the_state_could_not_be_written()
    {
        // Arrange: a build running, then the upload's state writes refused.
        var upload = await Cluster.SubmitAsync("db-away", "1.0-1", "amd64",
            script: u => Cluster.Executor.Script(u.Build("amd64"), 1, ScriptedStep.Hanging));
        await Eventually.UntilAsync("before the outage", upload.Id, "Building", () => Cluster.DetailsAsync(upload.Id),
            d => d.Summary.State == UploadState.Building, GrainClusterFixture.Describe);
        Cluster.Storage.Down(upload.Id, reads: false, writes: true);
        int writesDuring;
        try
        {
            // Act: the build ends during the outage (its slot's report fails on the upload's write).
            Cluster.Executor.Release(upload.Build("amd64"), 1);
            var waiting = await Eventually.UntilAsync("during the outage", upload.Id, "its state listed for a retry and tried at least three times",
                () => Cluster.Client.GetGrain<IDeliveryRetriesGrain>(0).ListAsync(),
                l => l.Any(d => d.Kind == DeliveryKind.State && d.What.Contains(upload.Id, StringComparison.Ordinal) && d.Attempts >= 3),
                Describe);

            // Assert: waiting, backing off, saying why; nothing offered on a state that is not stored.
            var entry = waiting.Single(d => d.Kind == DeliveryKind.State && d.What.Contains(upload.Id, StringComparison.Ordinal));
            Assert.Contains("the database could not be reached", entry.LastError);
            // Three failed tries at 0.2 s doubling: the next one is 0.2 + 0.4 + 0.8 s after the first failure
            // (without back-off it would be 0.6 s); grain timers may fire a few milliseconds early (one run: 1.398 s).
            Assert.True(entry.NextTry - entry.Since >= TimeSpan.FromSeconds(1.3), $"no back-off: since {entry.Since:O}, next {entry.NextTry:O}");
            Assert.DoesNotContain(FakeDistributionGrain.Offers, o => o.UploadId == upload.Id);
            Assert.NotEqual(UploadState.Done, (await Cluster.DetailsAsync(upload.Id)).Summary.State);
            writesDuring = Cluster.Storage.Done(upload.Id, write: true);
        }
        finally
        {
            Cluster.Storage.Up(upload.Id);
        }

        // Assert: the database is back; the upload writes what it held and finishes, with no restart and no second build.
        var done = await Cluster.WaitForOutcomeAsync("after the outage", upload.Id, UploadState.Published);
        Assert.True(Cluster.Storage.Done(upload.Id, write: true) > writesDuring, "the upload's state was never written after the outage");
        var build = Assert.Single(done.Builds);
        Assert.Equal(1, build.Attempt);
        Assert.Single(FakeDistributionGrain.Offers, o => o.UploadId == upload.Id);
        Assert.Single(Cluster.Executor.RunsOf(upload.Build("amd64")));
        await Eventually.UntilAsync("after the outage", upload.Id, "its state no longer listed for a retry",
            () => Cluster.Client.GetGrain<IDeliveryRetriesGrain>(0).ListAsync(),
            l => !l.Any(d => d.What.Contains(upload.Id, StringComparison.Ordinal)), Describe);
    }

    [Fact]
    public async Task Should_report_the_result_again_until_its_upload_takes_it_When_the_upload_cannot_be_read_at_first()
    {
        // Arrange: a slot of its own (no upload builds for its architecture, so the scheduler never
        // uses it) runs a build whose upload's state cannot be read: the upload cannot be activated.
        var slot = new SlotConfig("db-away-host", "ab1", ["s390x"], "scripted");
        await Cluster.ConfigureSlotAsync(slot);
        const string uploadId = GrainClusterFixture.Product + "/db-unread_1.0-1/1";
        var buildId = $"{uploadId}/s390x";
        var request = new BuildRequest(buildId, uploadId, GrainClusterFixture.Product, "db-unread", "1.0-1", "s390x", BuildType.Any, 0,
            DateTimeOffset.UtcNow, "db-unread_1.0-1.dsc", ["db-unread_1.0-1.dsc"], "/fake/uploads/db-unread");
        Cluster.Storage.Down(uploadId, reads: true, writes: true);
        try
        {
            // Act
            await Cluster.Client.GetGrain<IBuilderSlotGrain>(slot.Key).StartAsync(new BuildAssignment(request, 1, slot.Key));
            var waiting = await Eventually.UntilAsync("upload unreadable", buildId, "the result listed for a new report, tried at least twice",
                () => Cluster.Client.GetGrain<IDeliveryRetriesGrain>(0).ListAsync(),
                l => l.Any(d => d.Kind == DeliveryKind.BuildResult && d.What.Contains(buildId, StringComparison.Ordinal) && d.Attempts >= 2),
                Describe);

            // Assert: the slot is free meanwhile; the report waits with the database's words.
            Assert.Contains("the database could not be reached", waiting.Single(d => d.Kind == DeliveryKind.BuildResult && d.What.Contains(buildId, StringComparison.Ordinal)).LastError);
            var status = await Cluster.Client.GetGrain<IBuilderSlotGrain>(slot.Key).GetStatusAsync();
            Assert.Equal(SlotState.Idle, status.State);
            Assert.Equal(0, Cluster.Storage.Done(uploadId, write: false));
        }
        finally
        {
            Cluster.Storage.Up(uploadId);
        }

        // Assert: the upload is reached once it can be read, and the report leaves the list.
        await Eventually.UntilAsync("upload readable again", buildId, "the result reported and no longer listed",
            () => Cluster.Client.GetGrain<IDeliveryRetriesGrain>(0).ListAsync(),
            l => !l.Any(d => d.What.Contains(buildId, StringComparison.Ordinal)), Describe);
        Assert.True(Cluster.Storage.Done(uploadId, write: false) >= 1, "the upload was never activated to take the report");
        Assert.Null(await Cluster.Client.GetGrain<IBuilderSlotGrain>(slot.Key).RemoveAsync());
    }

    private static string Describe(IReadOnlyList<PendingDelivery> list) =>
        list.Count == 0 ? "nothing listed" : string.Join("; ", list.Select(d => $"{d.Kind} {d.What} ×{d.Attempts} (next {d.NextTry:HH:mm:ss.fff}): {d.LastError}"));
}
