using Autobuilder.Grains;
using Autobuilder.Silo.Tests.Stage;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.BuildSources;

/// <summary>
/// A real silo (role all, host-mode slots): a dep-wait survives a silo killed with SIGKILL, and the
/// stage's real publish of what it misses queues it again. Host mode builds only against the
/// builder host's packages, so the woken build waits again — once, not in a loop.
/// </summary>
public sealed class DependencyWaitRestartTests
{
    [Fact]
    public async Task Should_keep_the_wait_across_a_restart_and_release_it_by_the_next_publish_When_the_silo_was_killed()
    {
        // Arrange
        using var root = new TempDir("ab-dwrestart-");
        await using var silo = new SiloProcess(root["var"]);
        await silo.StartAsync();
        Uploads.Drop(silo, new SourcePackage(Name: "ab-dwr-app", BuildDepends: "ab-dwr-lib (>= 2)"), root["scratch"]);
        var waiting = await Uploads.WaitAsync(silo, "ab-dwr-app", d => d.Summary.State == UploadState.Done, "in dep-wait");
        Assert.Equal(UploadState.DepWait, waiting.Summary.Outcome);

        // Act 1
        await silo.KillAsync();
        await silo.StartAsync();

        // Assert 1
        var wait = Assert.Single(await silo.Grains.GetGrain<IDependencyWaitGrain>(0).ListAsync());
        Assert.Equal((waiting.Summary.Id, 1), (wait.UploadId, wait.Attempt));
        Assert.Equal(["ab-dwr-lib (>= 2)"], wait.Missing);

        // Act 2: the stage publishes ab-dwr-lib 2.0-1 in extras-devel.
        StageQueue.Drop(silo, new StagePackage("ab-dwr-lib", "2.0-1"), root["scratch"]);
        var again = await Uploads.WaitAsync(silo, "ab-dwr-app",
            d => d.Builds.Single().Attempt == 2 && d.Summary.State == UploadState.Done, "woken and in dep-wait again", TimeSpan.FromSeconds(120));
        await Task.Delay(TimeSpan.FromSeconds(3));

        // Assert 2
        Assert.Contains(again.History, h => h.Reason.Contains(
            "amd64: build dependencies available, queued again (attempt 2): extras-devel/bookworm published generation", StringComparison.Ordinal)
            && h.Reason.Contains("ab-dwr-lib (>= 2) (by ab-dwr-lib 2.0-1)", StringComparison.Ordinal));
        Assert.Equal(UploadState.DepWait, again.Summary.Outcome);
        var next = Assert.Single(await silo.Grains.GetGrain<IDependencyWaitGrain>(0).ListAsync());
        Assert.Equal(2, next.Attempt);
        var latest = await silo.Grains.GetGrain<IUploadGrain>(waiting.Summary.Id).GetDetailsAsync();
        Assert.Equal(2, latest!.Builds.Single().Attempt);
    }
}
