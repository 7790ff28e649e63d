using Autobuilder.BuildRunner;
using Autobuilder.Grains.Tests.Cluster;
using Autobuilder.Grains.Tests.Doubles;

namespace Autobuilder.Grains.Tests.Uploads;

/// <summary>
/// A build whose attempt died with the silo that ran it (the chaos run's kills) is built again
/// without blaming the slot: before, three restarts during one build on three slots failed a
/// healthy upload as "gave up after 3 attempts on 3 slots".
/// </summary>
public sealed class LostWithSiloTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    [Fact]
    public async Task Should_build_again_without_blaming_the_slot_When_attempts_are_lost_with_their_silo()
    {
        // Arrange: attempts 1 and 2 run until the test reports them lost; attempt 3 builds.
        var upload = await Cluster.SubmitAsync("lost-with-silo", "1.0", "amd64", script: u =>
        {
            Cluster.Executor.Script(u.Build("amd64"), 1, ScriptedStep.Hanging);
            Cluster.Executor.Script(u.Build("amd64"), 2, ScriptedStep.Hanging);
        });
        var build = upload.Build("amd64");
        var slots = new List<string>();

        // Act: each running attempt is reported lost as a restarted silo reports it.
        foreach (var attempt in new[] { 1, 2 })
        {
            var running = await Eventually.UntilAsync($"attempt {attempt} running", build, $"attempt {attempt} recorded as running",
                () => Cluster.DetailsAsync(upload.Id), d => d.Builds.Single() is { State: BuildState.Running } b && b.Attempt == attempt, GrainClusterFixture.Describe);
            var slot = running.Builds.Single().Slot!;
            slots.Add(slot);
            var now = DateTimeOffset.UtcNow;
            await Cluster.Upload(upload.Id).BuildFinishedAsync(new BuildResult(build, attempt, slot, BuildOutcome.InfrastructureError,
                "the builder's silo restarted during the build", [], "", "", [], now, now) { LostWithSilo = true });
            // The executor's own end of that attempt comes later and is stale: it changes nothing.
            Cluster.Executor.Release(build, attempt);
        }
        var done = await Cluster.WaitForOutcomeAsync("built at the third attempt", upload.Id, UploadState.Published);

        // Assert
        Assert.Equal(2, done.History.Count(h => h.Reason.Contains("not held against the slot", StringComparison.Ordinal)));
        Assert.Contains(done.History, h => h.Reason == $"amd64: attempt lost with its silo on {slots[1]} (the builder's silo restarted during the build; " +
            $"not held against the slot); building again, attempt 3 (2 of at most {GrainClusterFixture.MaxInfrastructureAttempts} attempts lost)");
        Assert.DoesNotContain(done.History, h => h.Reason.Contains("retrying elsewhere", StringComparison.Ordinal));
        var finished = Assert.Single(done.Builds);
        Assert.Equal((BuildOutcome.Success, 3), (finished.Outcome!.Value, finished.Attempt));
    }
}
