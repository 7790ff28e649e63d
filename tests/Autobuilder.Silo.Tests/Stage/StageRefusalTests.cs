using System.Text.Json;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>Bad .changes and refused promotions: each gives its reason, and nothing stops the queue.</summary>
[Collection(StageCollection.Name)]
public sealed class StageRefusalTests(StageFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;
    private const string Devel = "extras-devel/bookworm";

    private async Task<StageRejection> RejectedAsync(string distribution, string changesName, string reasonPart)
    {
        var details = await StageQueue.WaitForRejectionAsync(Silo, distribution, changesName);
        var rejection = details.Status.Rejections.Last(r => r.Changes == changesName);
        Assert.Contains(rejection.Reasons, r => r.Contains(reasonPart, StringComparison.Ordinal));
        Assert.StartsWith(Path.Combine(Silo.DataRoot, "repo-rejected"), rejection.Folder);
        Assert.True(File.Exists(Path.Combine(rejection.Folder, changesName)), $"{changesName} was not moved to {rejection.Folder}");
        var report = File.ReadAllText(Path.Combine(rejection.Folder, "REJECTED.txt"));
        Assert.Contains(reasonPart, report);
        // One rejection per reason, each naming its check in the record and in REJECTED.txt.
        Assert.Equal(rejection.Reasons, rejection.Checks?.Select(c => c.Reason));
        Assert.All(rejection.Checks!, c => Assert.Contains($"\ncheck: {c.Check}\n", report, StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(StageQueue.Queue(Silo, distribution.Split('/')[0]), changesName)), "the rejected .changes is still queued");
        return rejection;
    }

    [Fact]
    public async Task Should_reject_each_bad_changes_with_its_reason_into_its_own_folder_and_keep_taking_good_ones()
    {
        // Arrange: a .deb changed after dpkg-genchanges summed it; the same bad upload twice; an unreadable .changes.
        void Corrupt(string folder)
        {
            var deb = Path.Combine(folder, "ab-badsum_1.0-1_amd64.deb");
            var bytes = File.ReadAllBytes(deb);
            bytes[^3] ^= 0xFF;
            File.WriteAllBytes(deb, bytes);
        }
        StageQueue.Drop(Silo, new StagePackage("ab-badsum"), fixture.Scratch, tamper: Corrupt);
        var first = await RejectedAsync(Devel, "ab-badsum_1.0-1_amd64.changes", "ab-badsum_1.0-1_amd64.deb: checksum mismatch");
        StageQueue.Drop(Silo, new StagePackage("ab-badsum"), fixture.Scratch, tamper: Corrupt);
        File.WriteAllText(Path.Combine(StageQueue.Queue(Silo, "extras-devel"), "ab-garbage_1.0_amd64.changes"), "Source: ab-garbage\nthis line has no colon\n");

        // Act
        StageQueue.Drop(Silo, new StagePackage("ab-after-bad"), fixture.Scratch);

        // Assert
        await StageQueue.WaitForAsync(Silo, Devel, "ab-after-bad", "1.0-1");
        await RejectedAsync(Devel, "ab-garbage_1.0_amd64.changes", "expected 'Field: value'");
        var details = await StageQueue.WaitAsync(Silo, Devel, d => d.Status.Rejections.Count(r => r.Changes == "ab-badsum_1.0-1_amd64.changes") == 2, "rejecting ab-badsum twice");
        var second = details.Status.Rejections.Last(r => r.Changes == "ab-badsum_1.0-1_amd64.changes");
        Assert.NotEqual(first.Folder, second.Folder);
        Assert.True(File.Exists(Path.Combine(first.Folder, "ab-badsum_1.0-1_amd64.deb")));
        Assert.DoesNotContain(details.Sources, s => s.Source == "ab-badsum");
    }

    [Fact]
    public async Task Should_reject_a_version_that_is_not_newer_than_the_distribution_holds()
    {
        // Arrange
        StageQueue.Drop(Silo, new StagePackage("ab-older", Version: "2.0-1"), fixture.Scratch);
        await StageQueue.WaitForAsync(Silo, Devel, "ab-older", "2.0-1");

        // Act: the epoch makes 1:0.5-1 newer (dpkg ordering); 1.9-1 is then older.
        StageQueue.Drop(Silo, new StagePackage("ab-older", Version: "1:0.5-1"), fixture.Scratch);
        await StageQueue.WaitForAsync(Silo, Devel, "ab-older", "1:0.5-1");
        StageQueue.Drop(Silo, new StagePackage("ab-older", Version: "1.9-1"), fixture.Scratch);

        // Assert
        await RejectedAsync(Devel, "ab-older_1.9-1_amd64.changes", "ab-older 1.9-1 (amd64) is not newer than 1:0.5-1, which extras-devel/bookworm holds");
    }

    [Fact]
    public async Task Should_reject_an_upload_queued_for_a_repository_that_takes_packages_only_by_promotion()
    {
        // Act
        StageQueue.Drop(Silo, new StagePackage("ab-direct"), fixture.Scratch, repository: "extras");

        // Assert
        await RejectedAsync("extras/bookworm", "ab-direct_1.0-1_amd64.changes", "extras does not take packages from the builder");
    }

    [Fact]
    public async Task Should_refuse_promotions_with_their_reasons()
    {
        // Arrange: ab-half is built for amd64 only, ab-have is already in extras-testing (and newer there).
        StageQueue.Drop(Silo, new StagePackage("ab-half", Architectures: ["amd64"]), fixture.Scratch);
        StageQueue.Drop(Silo, new StagePackage("ab-have", Version: "1.0-1", Architectures: ["amd64", "i386"]), fixture.Scratch);
        await StageQueue.WaitForAsync(Silo, Devel, "ab-half", "1.0-1");
        await StageQueue.WaitForAsync(Silo, Devel, "ab-have", "1.0-1");
        Assert.True(AutobuilderCli.Run(Silo, "repo", "promote", "ab-have", "1.0-1", "--from", "extras-devel", "--to", "extras-testing").ExitCode == 0);
        StageQueue.Drop(Silo, new StagePackage("ab-have", Version: "0.9-1", Architectures: ["amd64", "i386"]), fixture.Scratch, repository: "community-testing");
        await StageQueue.WaitForAsync(Silo, "community-testing/bookworm", "ab-have", "0.9-1");

        // Act
        var missingArch = AutobuilderCli.Run(Silo, "repo", "promote", "ab-half", "1.0-1", "--from", "extras-devel", "--to", "extras-testing", "--json");
        var same = AutobuilderCli.Run(Silo, "repo", "promote", "ab-have", "1.0-1", "--from", "extras-devel/bookworm", "--to", "extras-testing/bookworm");
        var older = AutobuilderCli.Run(Silo, "repo", "promote", "ab-have", "0.9-1", "--from", "community-testing", "--to", "extras-testing");
        var absent = AutobuilderCli.Run(Silo, "repo", "promote", "ab-have", "7.0-1", "--from", "extras-devel", "--to", "extras-testing");
        var unknown = AutobuilderCli.Run(Silo, "repo", "promote", "ab-have", "1.0-1", "--from", "extras-devel", "--to", "nowhere");

        // Assert
        Assert.Equal(1, missingArch.ExitCode);
        var json = JsonDocument.Parse(missingArch.Stdout).RootElement;
        Assert.False(json.GetProperty("ok").GetBoolean());
        Assert.Equal("ab-half 1.0-1 is not built for every architecture in extras-devel/bookworm: missing ab-half for i386", json.GetProperty("message").GetString());
        Assert.Equal(1, same.ExitCode);
        Assert.Contains("ab-have 1.0-1 is already in extras-testing/bookworm", same.Stderr);
        Assert.Equal(1, older.ExitCode);
        Assert.Contains("ab-have 0.9-1 cannot be promoted: not newer than 1.0-1, which extras-testing/bookworm holds", older.Stderr);
        Assert.Equal(1, absent.ExitCode);
        Assert.Contains("ab-have 7.0-1 is not in extras-devel/bookworm (it has ab-have 1.0-1)", absent.Stderr);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("there is no repository 'nowhere'", unknown.Stderr);
        var testing = await Silo.Grains.GetGrain<IDistributionGrain>("extras-testing/bookworm").GetDetailsAsync();
        Assert.DoesNotContain(testing.Sources, s => s.Source == "ab-half");
    }
}
