using Autobuilder.BuildRunner;
using Autobuilder.Grains.Tests.Cluster;
using Autobuilder.Grains.Tests.Doubles;

namespace Autobuilder.Grains.Tests.Uploads;

public sealed class UploadRetryTests(GrainClusterFixture cluster) : GrainTest(cluster)
{
    private static readonly ScriptedStep InfrastructureError = new(BuildOutcome.InfrastructureError, Summary: "fake: disk full");

    [Fact]
    public async Task Should_RetryOnAnotherSlot_When_AttemptEndsInInfrastructureError()
    {
        // Arrange
        var upload = await Cluster.SubmitAsync("retry-infra", "1.0", "amd64",
            script: u => Cluster.Executor.Script(u.Build("amd64"), 1, InfrastructureError));

        // Assert
        var details = await Cluster.WaitForOutcomeAsync("built after a retry", upload.Id, UploadState.Published);
        var runs = Cluster.Executor.RunsOf(upload.Build("amd64"));
        Assert.Equal([1, 2], runs.Select(r => r.Attempt));
        Assert.NotEqual(runs[0].Slot, runs[1].Slot);
        Assert.Contains(details.History, h => h.Reason == $"amd64: infrastructure error on {runs[0].Slot} (fake: disk full); retrying elsewhere, attempt 2 (failed on 1 of at most 3 slots)");
        var build = Assert.Single(details.Builds);
        Assert.Equal((BuildOutcome.Success, 2, runs[1].Slot), (build.Outcome!.Value, build.Attempt, build.Slot));
        // Only the final result is mailed: a retried infrastructure error is not news for the uploader.
        Assert.Equal("retry-infra 1.0 amd64 (fremantle): built", Assert.Single(Cluster.Mail.AboutBuilds(upload.Id)).Subject);
    }

    [Fact]
    public async Task Should_FailAfterMaxAttempts_When_EveryAttemptEndsInInfrastructureError()
    {
        // Arrange
        var upload = await Cluster.SubmitAsync("retry-infra-max", "1.0", "amd64", script: u =>
        {
            for (var attempt = 1; attempt <= GrainClusterFixture.MaxInfrastructureAttempts + 1; attempt++)
                Cluster.Executor.Script(u.Build("amd64"), attempt, InfrastructureError);
        });

        // Assert
        var details = await Cluster.WaitForOutcomeAsync("failed after the last attempt", upload.Id, UploadState.Failed);
        var runs = Cluster.Executor.RunsOf(upload.Build("amd64"));
        Assert.Equal([1, 2, 3], runs.Select(r => r.Attempt));
        Assert.NotEqual(runs[0].Slot, runs[1].Slot);
        Assert.Equal(2, details.History.Count(h => h.Reason.Contains("retrying elsewhere", StringComparison.Ordinal)));
        var build = Assert.Single(details.Builds);
        Assert.Equal(BuildOutcome.InfrastructureError, build.Outcome);
        Assert.Equal($"fake: disk full (gave up after 3 attempts on 2 slots: {runs[0].Slot}, {runs[1].Slot})", build.Summary);
        var mail = Assert.Single(Cluster.Mail.About(upload.Id));
        Assert.Equal("retry-infra-max 1.0 amd64 (fremantle): FAILED (builder problem)", mail.Subject);
        Assert.Contains("gave up after 3 attempts on 2 slots", mail.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_NotRetry_When_BuildFails()
    {
        // Arrange
        var upload = await Cluster.SubmitAsync("retry-buildfailed", "1.0", "amd64",
            script: u => Cluster.Executor.Script(u.Build("amd64"), 1, new ScriptedStep(BuildOutcome.BuildFailed, Summary: "fake: make exited 2")));

        // Assert
        var details = await Cluster.WaitForOutcomeAsync("failed", upload.Id, UploadState.Failed);
        Assert.Single(Cluster.Executor.RunsOf(upload.Build("amd64")));
        Assert.DoesNotContain(details.History, h => h.Reason.Contains("retrying", StringComparison.Ordinal));
        Assert.Equal(BuildOutcome.BuildFailed, Assert.Single(details.Builds).Outcome);
        var mail = Assert.Single(Cluster.Mail.About(upload.Id));
        Assert.Equal("retry-buildfailed 1.0 amd64 (fremantle): FAILED", mail.Subject);
        Assert.Contains("fake: make exited 2", mail.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Cluster.Offered, c => c.ResultsFolder.Contains(upload.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_EndInDepWaitNamingMissingDependencies_When_BuildDependenciesAreMissing()
    {
        // Arrange
        string[] missing = ["libfoo-dev (>= 2.0)", "libbar-dev"];
        var upload = await Cluster.SubmitAsync("retry-depwait", "1.0", "amd64",
            script: u => Cluster.Executor.Script(u.Build("amd64"), 1, new ScriptedStep(BuildOutcome.DepWait, MissingDependencies: missing)));

        // Assert
        var details = await Cluster.WaitForOutcomeAsync("dep-wait", upload.Id, UploadState.DepWait);
        Assert.Single(Cluster.Executor.RunsOf(upload.Build("amd64")));
        Assert.Contains(details.History, h => h.To == UploadState.DepWait && h.Reason.Contains("waiting for build dependencies: libfoo-dev (>= 2.0), libbar-dev", StringComparison.Ordinal));
        var mail = Assert.Single(Cluster.Mail.About(upload.Id));
        Assert.Equal("retry-depwait 1.0 amd64 (fremantle): DEP-WAIT", mail.Subject);
        Assert.Contains("Missing build dependencies:\n  libfoo-dev (>= 2.0)\n  libbar-dev", mail.Body.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_BuildFailedArchitecturesAgain_When_FailedUploadIsRetried()
    {
        // Arrange: amd64 fails, armhf builds.
        var upload = await Cluster.SubmitAsync("retry-manual", "1.0", "amd64 armhf",
            script: u => Cluster.Executor.Script(u.Build("amd64"), 1, new ScriptedStep(BuildOutcome.BuildFailed)));
        await Cluster.WaitForOutcomeAsync("failed", upload.Id, UploadState.Failed);

        // Act
        var answer = await Cluster.Upload(upload.Id).RetryAsync();

        // Assert
        Assert.Equal($"{upload.Id}: 1 build(s) queued again", answer);
        var details = await Cluster.WaitForOutcomeAsync("built after retry", upload.Id, UploadState.Published);
        Assert.Contains(details.History, h => h.To == UploadState.Queued && h.Reason == "retry requested: amd64 queued again");
        Assert.Equal([1, 2], Cluster.Executor.RunsOf(upload.Build("amd64")).Select(r => r.Attempt));
        Assert.Single(Cluster.Executor.RunsOf(upload.Build("armhf")));
        // Offered once, when both were built; armhf mailed once, before the retry; amd64 once each for its two ends.
        Assert.Single(Cluster.Offered, c => c.ResultsFolder.Contains(upload.Build("armhf"), StringComparison.Ordinal));
        Assert.Single(Cluster.Offered, c => c.ResultsFolder.Contains(upload.Build("amd64"), StringComparison.Ordinal));
        Assert.Equal(
            ["retry-manual 1.0 (fremantle): published in extras-devel/fremantle", "retry-manual 1.0 amd64 (fremantle): FAILED",
                "retry-manual 1.0 amd64 (fremantle): built", "retry-manual 1.0 armhf (fremantle): built"],
            Cluster.Mail.About(upload.Id).Select(m => m.Subject).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Should_RefuseRetry_When_UploadWasBuilt()
    {
        // Arrange
        var upload = await Cluster.SubmitAsync("retry-built", "1.0", "amd64");
        var before = await Cluster.WaitForOutcomeAsync("built", upload.Id, UploadState.Published);

        // Act
        var answer = await Cluster.Upload(upload.Id).RetryAsync();

        // Assert
        Assert.Equal($"{upload.Id} is Done (Published); only failed or dep-wait uploads can be retried", answer);
        var after = await Cluster.DetailsAsync(upload.Id);
        Assert.Equal(before.History.Count, after.History.Count);
        Assert.Single(Cluster.Executor.RunsOfUpload(upload.Id));
    }

    [Fact]
    public async Task Should_RetryInfrastructureErrorsElsewhereAgain_When_FailedUploadIsRetried()
    {
        // Arrange: attempt 1 fails for the package's own reasons; after the operator's retry the
        // builders have trouble twice before one succeeds.
        var upload = await Cluster.SubmitAsync("retry-manual-infra", "1.0", "amd64", script: u =>
        {
            Cluster.Executor.Script(u.Build("amd64"), 1, new ScriptedStep(BuildOutcome.BuildFailed));
            Cluster.Executor.Script(u.Build("amd64"), 2, InfrastructureError);
            Cluster.Executor.Script(u.Build("amd64"), 3, InfrastructureError);
        });
        await Cluster.WaitForOutcomeAsync("failed", upload.Id, UploadState.Failed);

        // Act
        await Cluster.Upload(upload.Id).RetryAsync();

        // Assert: the retry gets its full share of infrastructure attempts, as a new upload would.
        var details = await Cluster.WaitForOutcomeAsync("built after retry", upload.Id, UploadState.Published);
        Assert.Equal([1, 2, 3, 4], Cluster.Executor.RunsOf(upload.Build("amd64")).Select(r => r.Attempt));
        Assert.Contains(details.History, h => h.Reason.EndsWith("retrying elsewhere, attempt 3 (failed on 1 of at most 3 slots)", StringComparison.Ordinal));
        Assert.Contains(details.History, h => h.Reason.EndsWith("retrying elsewhere, attempt 4 (failed on 2 of at most 3 slots)", StringComparison.Ordinal));
    }
}
