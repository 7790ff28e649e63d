using System.Text.Json;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>Clean-up, removal and rollback through the console, checked in the live tree and with apt.</summary>
[Collection(StageCollection.Name)]
public sealed class StageMaintenanceTests(StageFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    [Fact]
    public async Task Should_keep_the_newest_versions_and_remove_unreferenced_pool_files_When_cleaning_up()
    {
        // Arrange: four versions; extras-devel keeps 3, so the fourth upload already drops the first.
        foreach (var version in new[] { "1.0-1", "1.1-1", "1.2-1", "1.3-1" })
        {
            StageQueue.Drop(Silo, new StagePackage("ab-clean", Version: version), fixture.Scratch);
            await StageQueue.WaitForAsync(Silo, "extras-devel/bookworm", "ab-clean", version);
        }
        var before = await Silo.Grains.GetGrain<IDistributionGrain>("extras-devel/bookworm").GetSourceVersionsAsync("ab-clean");
        var pool = "pool/main/a/ab-clean/";
        var live = StageQueue.Live(Silo, "extras-devel");

        // Act
        var cleanup = AutobuilderCli.Run(Silo, "repo", "cleanup", "extras-devel/bookworm", "--keep", "1", "--json");

        // Assert
        Assert.Equal(["1.3-1", "1.2-1", "1.1-1"], before);
        Assert.True(cleanup.ExitCode == 0, cleanup.Stdout + cleanup.Stderr);
        Assert.Contains("removed", JsonDocument.Parse(cleanup.Stdout).RootElement.GetProperty("message").GetString());
        var after = await Silo.Grains.GetGrain<IDistributionGrain>("extras-devel/bookworm").GetSourceVersionsAsync("ab-clean");
        Assert.Equal(["1.3-1"], after);
        foreach (var gone in new[] { "1.0-1", "1.1-1", "1.2-1" })
        {
            Assert.False(File.Exists(Path.Combine(live, pool, $"ab-clean_{gone}_amd64.deb")), $"{gone} is still in the live pool");
            Assert.False(File.Exists(Path.Combine(Silo.DataRoot, "repos", "staging", "extras-devel", pool, $"ab-clean_{gone}_amd64.deb")), $"{gone} is still in the staging pool");
        }
        using var apt = StageQueue.Apt(Silo, "extras-devel");
        using var root = new TempDir("ab-root-");
        StageQueue.AssertCleanUpdate(apt.Update());
        Assert.Equal("1.3-1", StageQueue.DownloadAndInstall(apt, "ab-clean", root.Path));
        Assert.DoesNotContain("1.2-1", apt.Run("apt-cache", "policy", "ab-clean").Ok().Stdout);
    }

    [Fact]
    public async Task Should_make_an_earlier_generation_live_again_When_rolling_back()
    {
        // Arrange
        const string dist = "community-testing/bookworm";
        StageQueue.Drop(Silo, new StagePackage("ab-roll", Version: "1.0-1"), fixture.Scratch, repository: "community-testing");
        var good = await StageQueue.WaitForAsync(Silo, dist, "ab-roll", "1.0-1");
        StageQueue.Drop(Silo, new StagePackage("ab-roll", Version: "2.0-1"), fixture.Scratch, repository: "community-testing");
        StageQueue.Drop(Silo, new StagePackage("ab-roll-new", Version: "1.0-1"), fixture.Scratch, repository: "community-testing");
        await StageQueue.WaitForAsync(Silo, dist, "ab-roll", "2.0-1");
        await StageQueue.WaitForAsync(Silo, dist, "ab-roll-new", "1.0-1");
        var target = good.Status.Generation;

        // Act
        var rollback = AutobuilderCli.Run(Silo, "repo", "rollback", dist, "--to", target.ToString());
        var tooNew = AutobuilderCli.Run(Silo, "repo", "rollback", dist, "--to", "9999");

        // Assert
        Assert.True(rollback.ExitCode == 0, rollback.Stderr);
        Assert.Contains($"has the packages of generation {target}", rollback.Stdout);
        var now = await StageQueue.WaitAsync(Silo, dist, d => d.Sources.All(s => s.Source != "ab-roll-new"), "rolled back");
        Assert.True(now.Status.Generation > target, "a rollback is a new generation");
        Assert.Equal(good.Sources.Select(s => $"{s.Source} {s.Version}"), now.Sources.Select(s => $"{s.Source} {s.Version}"));
        Assert.Equal($"rollback to generation {target}", now.Status.History[^1].Note);
        Assert.Equal(1, tooNew.ExitCode);
        Assert.Contains("has no generation 9999 yet", tooNew.Stderr);
        using var apt = StageQueue.Apt(Silo, "community-testing");
        StageQueue.AssertCleanUpdate(apt.Update());
        Assert.Contains("Candidate: 1.0-1", apt.Run("apt-cache", "policy", "ab-roll").Ok().Stdout);
        Assert.DoesNotContain("ab-roll-new", apt.Run("apt-cache", "pkgnames").Ok().Stdout);
    }

    [Fact]
    public async Task Should_list_show_remove_and_sync_through_the_console()
    {
        // Arrange
        StageQueue.Drop(Silo, new StagePackage("ab-console"), fixture.Scratch);
        await StageQueue.WaitForAsync(Silo, "extras-devel/bookworm", "ab-console", "1.0-1");

        // Act
        var list = AutobuilderCli.Run(Silo, "repo", "list", "--json");
        var show = AutobuilderCli.Run(Silo, "repo", "show", "extras-devel/bookworm");
        var remove = AutobuilderCli.Run(Silo, "repo", "remove", "ab-console", "--from", "extras-devel/bookworm");
        var removeAgain = AutobuilderCli.Run(Silo, "repo", "remove", "ab-console", "--from", "extras-devel/bookworm");
        var sync = AutobuilderCli.Run(Silo, "repo", "sync", "extras");

        // Assert
        Assert.True(list.ExitCode == 0, list.Stderr);
        var repos = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList();
        Assert.Equal(["extras-devel", "extras-testing", "extras", "community-testing", "community"], repos);
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains("ab-console", show.Stdout);
        Assert.Contains("in sync", show.Stdout);
        Assert.True(remove.ExitCode == 0, remove.Stderr);
        Assert.Contains("removed 1 package(s) of ab-console 1.0-1 from extras-devel/bookworm", remove.Stdout);
        Assert.Equal(1, removeAgain.ExitCode);
        Assert.Contains("ab-console is not in extras-devel/bookworm", removeAgain.Stderr);
        Assert.True(sync.ExitCode == 0, sync.Stderr);
        Assert.Contains("extras/bookworm: generation", sync.Stdout);
        using var apt = StageQueue.Apt(Silo, "extras-devel");
        StageQueue.AssertCleanUpdate(apt.Update());
        Assert.DoesNotContain("ab-console", apt.Run("apt-cache", "pkgnames").Ok().Stdout);
    }

    [Fact]
    public async Task Should_promote_what_has_waited_long_enough_When_the_promotion_rule_runs()
    {
        // Arrange: community-testing promotes to community after 0 days in the test configuration.
        StageQueue.Drop(Silo, new StagePackage("ab-rule", Architectures: ["amd64", "i386"]), fixture.Scratch, repository: "community-testing");
        await StageQueue.WaitForAsync(Silo, "community-testing/bookworm", "ab-rule", "1.0-1");

        // Act
        var first = AutobuilderCli.Run(Silo, "repo", "auto-promote", "community-testing");
        var second = AutobuilderCli.Run(Silo, "repo", "auto-promote", "community-testing");

        // Assert
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("promoted ab-rule 1.0-1 (2 package(s)) from community-testing/bookworm to community/bookworm", first.Stdout);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.DoesNotContain("ab-rule", second.Stdout);
        await StageQueue.WaitForAsync(Silo, "community/bookworm", "ab-rule", "1.0-1");
        using var apt = StageQueue.Apt(Silo, "community");
        StageQueue.AssertCleanUpdate(apt.Update());
        Assert.Contains("Candidate: 1.0-1", apt.Run("apt-cache", "policy", "ab-rule").Ok().Stdout);
    }
}
