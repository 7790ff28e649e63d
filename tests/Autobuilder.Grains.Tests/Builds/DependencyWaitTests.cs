using Autobuilder.BuildRunner;
using Autobuilder.Grains.Tests.Cluster;
using Autobuilder.Grains.Tests.Doubles;

namespace Autobuilder.Grains.Tests.Builds;

/// <summary>
/// Dep-wait released by publish events: the real upload, scheduler and dependency-wait grains, the
/// publishes told to the wait grain as a distribution tells it after a publish.
/// </summary>
public sealed class DependencyWaitTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    private const string Devel = $"{GrainClusterFixture.Repository}/{GrainClusterFixture.Product}";

    private IDependencyWaitGrain Waits => Cluster.Client.GetGrain<IDependencyWaitGrain>(0);

    private Task<SubmittedUpload> DepWaitAsync(string source, params string[] missing) =>
        Cluster.SubmitAsync(source, "1.0", "amd64", script: u =>
        {
            Cluster.Executor.Script(u.Build("amd64"), 1, new ScriptedStep(BuildOutcome.DepWait, MissingDependencies: missing));
            Cluster.Executor.Script(u.Build("amd64"), 2, ScriptedStep.Success);
        });

    private static PublishedBinary Binary(string name, string version, string arch = "amd64", params string[] provides) => new(name, version, arch, provides);

    /// <summary>A dep-wait upload is settled until the wake arrives (one-way): wait for the outcome itself.</summary>
    private Task<UploadDetails> BuiltAsync(string phase, string id) =>
        Eventually.UntilAsync(phase, id, "settled with outcome Published", () => Cluster.DetailsAsync(id),
            d => d.Summary.Settled && d.Summary.Outcome == UploadState.Published, GrainClusterFixture.Describe);

    private async Task<DependencyWait?> WaitOfAsync(string uploadId) =>
        (await Waits.ListAsync()).FirstOrDefault(w => w.UploadId == uploadId);

    [Fact]
    public async Task Should_record_what_the_build_misses_and_its_build_sources_When_a_build_ends_in_dep_wait()
    {
        // Arrange
        var upload = await DepWaitAsync("dw-record", "dw-record-dev (>= 1.2)", "dw-x | dw-y");

        // Act
        await Cluster.WaitForOutcomeAsync("dep-wait", upload.Id, UploadState.DepWait);

        // Assert
        var wait = await WaitOfAsync(upload.Id);
        Assert.NotNull(wait);
        Assert.Equal((upload.Build("amd64"), "amd64", 1), (wait.BuildId, wait.Architecture, wait.Attempt));
        Assert.Equal(["dw-record-dev (>= 1.2)", "dw-x | dw-y"], wait.Missing);
        Assert.Equal([Devel], wait.BuildSources);
    }

    [Fact]
    public async Task Should_queue_the_build_again_with_the_reason_When_its_build_source_published_everything_it_missed()
    {
        // Arrange
        var upload = await DepWaitAsync("dw-wake", "dw-wake-dev (>= 1.2)", "dw-wake-a | dw-wake-b");
        await Cluster.WaitForOutcomeAsync("dep-wait", upload.Id, UploadState.DepWait);

        // Act 1: too old a version, the wrong architecture, another distribution: still waiting.
        await Waits.PublishedAsync(Devel, 7, [Binary("dw-wake-dev", "1.1-1"), Binary("dw-wake-dev", "1.5-1", "armhf")]);
        await Waits.PublishedAsync($"extras-testing/{GrainClusterFixture.Product}", 3, [Binary("dw-wake-dev", "1.5-1"), Binary("dw-wake-b", "1")]);
        // Half of it: still waiting, with the half remembered.
        await Waits.PublishedAsync(Devel, 8, [Binary("dw-wake-dev", "1.2-1")]);
        Assert.NotNull(await WaitOfAsync(upload.Id));
        Assert.Single(Cluster.Executor.RunsOf(upload.Build("amd64")));

        // Act 2: the rest, through a Provides.
        await Waits.PublishedAsync(Devel, 9, [Binary("dw-wake-impl", "2.0-1", "all", "dw-wake-b")]);

        // Assert
        var details = await BuiltAsync("built after the publish", upload.Id);
        Assert.Contains(details.History, h => h.To == UploadState.Queued && h.Reason ==
            $"amd64: build dependencies available, queued again (attempt 2): {Devel} published generation 9 with dw-wake-a | dw-wake-b (by dw-wake-impl 2.0-1); " +
            $"satisfied before: dw-wake-dev 1.2-1 in {Devel}");
        Assert.Equal([1, 2], Cluster.Executor.RunsOf(upload.Build("amd64")).Select(r => r.Attempt));
        Assert.Null(await WaitOfAsync(upload.Id));
    }

    [Fact]
    public async Task Should_wake_at_once_When_the_publish_came_after_the_attempt_started_but_before_its_dep_wait_was_recorded()
    {
        // Arrange: the attempt hangs (it has looked at the archive) while the publish happens.
        var upload = await Cluster.SubmitAsync("dw-race", "1.0", "amd64", script: u =>
        {
            Cluster.Executor.Script(u.Build("amd64"), 1, new ScriptedStep(BuildOutcome.DepWait, Hang: true, MissingDependencies: ["dw-race-dev"]));
            Cluster.Executor.Script(u.Build("amd64"), 2, ScriptedStep.Success);
        });
        await Eventually.UntilAsync("attempt 1 running", upload.Id, "the executor to run attempt 1",
            () => Task.FromResult(Cluster.Executor.IsRunning(upload.Build("amd64"), 1)), r => r, r => r.ToString());

        // Act
        await Waits.PublishedAsync(Devel, 11, [Binary("dw-race-dev", "1.0-1")]);
        Cluster.Executor.Release(upload.Build("amd64"), 1);

        // Assert
        var details = await BuiltAsync("built after the late dep-wait", upload.Id);
        Assert.Contains(details.History, h => h.Reason.Contains($"build dependencies available, queued again (attempt 2): {Devel} published generation 11", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_not_wake_the_next_attempt_When_the_publish_is_older_than_the_attempt()
    {
        // Arrange: published long before the build looked (e.g. a host-mode build, which does not use it).
        await Waits.PublishedAsync(Devel, 12, [Binary("dw-old-dev", "1.0-1")]);
        var upload = await DepWaitAsync("dw-old", "dw-old-dev");

        // Act
        await Cluster.WaitForOutcomeAsync("dep-wait", upload.Id, UploadState.DepWait);
        await Task.Delay(500);

        // Assert: no loop of builds: it waits for the next publish or an operator.
        Assert.Single(Cluster.Executor.RunsOf(upload.Build("amd64")));
        Assert.NotNull(await WaitOfAsync(upload.Id));
    }

    [Fact]
    public async Task Should_forget_the_wait_When_the_upload_is_retried_by_hand()
    {
        // Arrange
        var upload = await DepWaitAsync("dw-retry", "dw-retry-dev");
        await Cluster.WaitForOutcomeAsync("dep-wait", upload.Id, UploadState.DepWait);

        // Act
        await Cluster.Upload(upload.Id).RetryAsync();
        await Cluster.WaitForOutcomeAsync("built after the retry", upload.Id, UploadState.Published);
        await Waits.PublishedAsync(Devel, 13, [Binary("dw-retry-dev", "1.0-1")]);

        // Assert
        Assert.Null(await WaitOfAsync(upload.Id));
        Assert.Equal([1, 2], Cluster.Executor.RunsOf(upload.Build("amd64")).Select(r => r.Attempt));
    }

    [Fact]
    public async Task Should_end_the_wait_as_cancelled_When_an_operator_cancels_an_upload_in_dep_wait()
    {
        // Arrange
        var upload = await DepWaitAsync("dw-cancel", "dw-cancel-dev");
        await Cluster.WaitForOutcomeAsync("dep-wait", upload.Id, UploadState.DepWait);

        // Act
        var answer = await Cluster.Upload(upload.Id).CancelAsync("not needed", "tess");
        await Waits.PublishedAsync(Devel, 14, [Binary("dw-cancel-dev", "1.0-1")]);

        // Assert
        Assert.Equal($"{upload.Id}: 1 build(s) waiting for build dependencies cancelled, 0 queued build(s) cancelled, 0 running build(s) being stopped", answer);
        var details = await Cluster.DetailsAsync(upload.Id);
        Assert.Equal(UploadState.Cancelled, details.Summary.Outcome);
        Assert.Equal(BuildOutcome.Cancelled, Assert.Single(details.Builds).Outcome);
        Assert.Null(await WaitOfAsync(upload.Id));
        Assert.Single(Cluster.Executor.RunsOf(upload.Build("amd64")));
    }

    [Fact]
    public async Task Should_stop_the_older_uploads_wait_When_a_newer_version_of_its_source_is_verified()
    {
        // Arrange
        var older = await DepWaitAsync("dw-super", "dw-super-dev");
        await Cluster.WaitForOutcomeAsync("dep-wait", older.Id, UploadState.DepWait);

        // Act
        var newer = await Cluster.SubmitAsync("dw-super", "2.0", "amd64");
        await Cluster.WaitForOutcomeAsync("newer built", newer.Id, UploadState.Published);

        // Assert
        var details = await Eventually.UntilAsync("older cancelled", older.Id, "outcome Cancelled",
            () => Cluster.DetailsAsync(older.Id), d => d.Summary.Outcome == UploadState.Cancelled, GrainClusterFixture.Describe);
        Assert.Contains(details.History, h => h.Reason.StartsWith($"superseded by {newer.Id} (version 2.0 of dw-super): amd64 no longer wait(s)", StringComparison.Ordinal));
        Assert.Null(await WaitOfAsync(older.Id));
    }
}
