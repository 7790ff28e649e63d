using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.Tests.Execution;

namespace Autobuilder.Silo.Tests.Limits;

/// <summary>
/// Attack packages against a real silo: one whose debian/rules sleeps past the (test-lowered)
/// timeout, one that prints 200 MiB. Each ends with its reason, leaves no process and publishes
/// nothing, and a good upload right after still builds.
/// </summary>
[Collection(LimitsCollection.Name)]
public sealed class BuildLimitsTests(LimitsFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    private void AssertNothingPublished(string source)
    {
        var queued = Directory.Exists(Path.Combine(Silo.DataRoot, "repo-incoming"))
            ? Directory.EnumerateFiles(Path.Combine(Silo.DataRoot, "repo-incoming"), source + "_*", SearchOption.AllDirectories).ToList()
            : [];
        Assert.Empty(queued);
        var pool = Path.Combine(Silo.DataRoot, "repos");
        if (Directory.Exists(pool))
            Assert.Empty(Directory.EnumerateFiles(pool, source + "_*.deb", SearchOption.AllDirectories));
    }

    private async Task GoodUploadStillBuildsAsync(string name, string product = "bookworm")
    {
        Uploads.Drop(Silo, new SourcePackage(Name: name), fixture.Scratch, product);
        var done = await Uploads.WaitAsync(Silo, name, d => d.Summary.State == UploadState.Done, "Done", TimeSpan.FromSeconds(180), product);
        Assert.Equal(UploadState.Published, done.Summary.Outcome);
    }

    [Fact]
    public async Task Should_fail_with_the_timeout_kill_every_process_and_publish_nothing_When_debian_rules_sleeps_past_the_timeout()
    {
        // Arrange
        var sleep = BuildProcesses.UniqueSleepSeconds();
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-sleeper", RulesBuild: $"sleep {sleep}"), fixture.Scratch, LimitsFixture.ShortProduct);

        // Act
        var done = await Uploads.WaitAsync(Silo, "ab-sleeper", d => d.Summary.State == UploadState.Done, "Done", TimeSpan.FromSeconds(300),
            LimitsFixture.ShortProduct);

        // Assert
        Assert.Equal(UploadState.Failed, done.Summary.Outcome);
        var build = Assert.Single(done.Builds);
        Assert.Equal(BuildOutcome.BuildFailed, build.Outcome);
        Assert.Equal($"build timed out after {LimitsFixture.TimeoutSeconds}s", build.Summary);
        Assert.Equal(1, build.Attempt);
        Assert.Contains(done.History, h => h.Reason.Contains($"build timed out after {LimitsFixture.TimeoutSeconds}s", StringComparison.Ordinal));
        Assert.Empty(await BuildProcesses.GoneAsync(sleep));
        Assert.Equal([BuildRunnerFiles.Log], Directory.GetFiles(build.ResultsFolder!).Select(Path.GetFileName));
        AssertNothingPublished("ab-sleeper");
        var mail = await fixture.WaitForMailAsync($"ab-sleeper 1.0-1 {SiloProcess.HostArchitecture} ({LimitsFixture.ShortProduct}): FAILED");
        Assert.Contains("build timed out", mail.TextBody);

        await GoodUploadStillBuildsAsync("ab-after-sleeper", LimitsFixture.ShortProduct);
    }

    [Fact]
    public async Task Should_stop_at_the_log_limit_with_the_reason_and_keep_the_log_small_When_the_build_prints_200_MiB()
    {
        // Arrange
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-loud", RulesBuild: "yes 'all work and no play makes jack a dull boy' | head -c 209715200"),
            fixture.Scratch);

        // Act
        var done = await Uploads.WaitAsync(Silo, "ab-loud", d => d.Summary.State == UploadState.Done, "Done", TimeSpan.FromSeconds(240));

        // Assert
        Assert.Equal(UploadState.Failed, done.Summary.Outcome);
        var build = Assert.Single(done.Builds);
        Assert.Equal(BuildOutcome.BuildFailed, build.Outcome);
        Assert.Equal($"log limit exceeded: the build printed more than {LimitsFixture.LogLimitBytes} bytes", build.Summary);
        Assert.InRange(new FileInfo(build.LogPath!).Length, LimitsFixture.LogLimitBytes, LimitsFixture.LogLimitBytes + 8 * 1024);
        var live = new DataPaths(Silo.DataRoot).LiveLog(done.Summary.Id, build.Architecture, build.Attempt);
        Assert.InRange(new FileInfo(live).Length, LimitsFixture.LogLimitBytes, LimitsFixture.LogLimitBytes + 128 * 1024);
        Assert.Equal([BuildRunnerFiles.Log], Directory.GetFiles(build.ResultsFolder!).Select(Path.GetFileName));
        AssertNothingPublished("ab-loud");
        Assert.Empty(BuildProcesses.WithArgument("all work and no play makes jack a dull boy"));

        await GoodUploadStillBuildsAsync("ab-after-loud");
    }
}
