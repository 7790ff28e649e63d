using System.Text.Json.Nodes;
using Autobuilder.Debian.Indices;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>
/// By-hash files of superseded generations stay for Stage:ByHashMinutes, however many publishes
/// happen meanwhile: a slow client that read an InRelease before a burst must still find the
/// indices it names (apt fetches them by hash), or it gets a 404 and then a hash-sum mismatch.
/// More publishes than the grain's history usually keeps (50) within the window: AptHammerTests.
/// </summary>
public sealed class ByHashRetentionTests
{
    [Fact]
    public async Task Should_serve_the_first_generations_indices_by_hash_When_more_than_KeepGenerations_publishes_follow_within_the_window()
    {
        // Arrange: keep only 2 generation folders, carry by-hash for an hour.
        using var root = new TempDir("ab-byhash-");
        await using var silo = new SiloProcess(root["var"], c => Configure(c, byHashMinutes: 60));
        await silo.StartAsync();
        StageQueue.Drop(silo, new StagePackage("ab-bh0"), root["scratch"]);
        await StageQueue.WaitForAsync(silo, "extras-devel/bookworm", "ab-bh0", "1.0-1");
        var suite = Path.Combine(StageQueue.Live(silo, "extras-devel"), "dists", "bookworm");
        var first = ReleaseFile.Load(Path.Combine(suite, "Release")).Files
            .Where(f => f.Name.EndsWith(".xz", StringComparison.Ordinal) || f.Name.EndsWith(".gz", StringComparison.Ordinal)).ToList();
        Assert.Contains(first, f => f.Name == "main/binary-amd64/Packages.xz");

        // Act: five more publishes, each changing the amd64 Packages.
        for (var i = 1; i <= 5; i++)
        {
            StageQueue.Drop(silo, new StagePackage($"ab-bh{i}"), root["scratch"]);
            await StageQueue.WaitForAsync(silo, "extras-devel/bookworm", $"ab-bh{i}", "1.0-1");
        }

        // Assert: every index the first Release named is still reachable by hash from the live suite.
        var now = ReleaseFile.Load(Path.Combine(suite, "Release")).Files;
        Assert.NotEqual(first.Single(f => f.Name == "main/binary-amd64/Packages.xz").Sha256,
            now.Single(f => f.Name == "main/binary-amd64/Packages.xz").Sha256);
        foreach (var f in first)
            Assert.True(File.Exists(Path.Combine(suite, ByHash.PathFor(f))), $"{f.Name} of the first generation is gone from by-hash");
    }

    [Fact]
    public async Task Should_carry_superseded_indices_for_ByHashMinutes_and_drop_them_after_When_the_window_is_minutes()
    {
        // Arrange: a window of 0.1 minutes (6 s), so both of its ends fit in a test.
        using var root = new TempDir("ab-byhash-");
        await using var silo = new SiloProcess(root["var"], c => Configure(c, byHashMinutes: 0.1));
        await silo.StartAsync();
        StageQueue.Drop(silo, new StagePackage("ab-bz0"), root["scratch"]);
        await StageQueue.WaitForAsync(silo, "extras-devel/bookworm", "ab-bz0", "1.0-1");
        var suite = Path.Combine(StageQueue.Live(silo, "extras-devel"), "dists", "bookworm");
        var first = ReleaseFile.Load(Path.Combine(suite, "Release")).Files.Single(f => f.Name == "main/binary-amd64/Packages.xz");

        // Act: superseded now, and still carried by the next publish within the window …
        StageQueue.Drop(silo, new StagePackage("ab-bz1"), root["scratch"]);
        var superseded = await StageQueue.WaitForAsync(silo, "extras-devel/bookworm", "ab-bz1", "1.0-1");
        StageQueue.Drop(silo, new StagePackage("ab-bz2"), root["scratch"]);
        await StageQueue.WaitForAsync(silo, "extras-devel/bookworm", "ab-bz2", "1.0-1");
        var within = File.Exists(Path.Combine(suite, ByHash.PathFor(first)));
        var supersededAt = superseded.Status.History[^1].At;
        // … but not by a publish once the window since it stopped being live has passed.
        var wait = supersededAt + TimeSpan.FromSeconds(7) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
        StageQueue.Drop(silo, new StagePackage("ab-bz3"), root["scratch"]);
        await StageQueue.WaitForAsync(silo, "extras-devel/bookworm", "ab-bz3", "1.0-1");

        // Assert
        Assert.True(within, "the first generation's index was not carried by hash within the window");
        Assert.False(File.Exists(Path.Combine(suite, ByHash.PathFor(first))), "a superseded index was still carried after ByHashMinutes");
    }

    private static void Configure(JsonObject config, double byHashMinutes)
    {
        config["Autobuilder"]!["Stage"] = new JsonObject
        {
            ["UnreferencedPoolGraceHours"] = 0,
            ["ByHashMinutes"] = byHashMinutes,
            ["KeepGenerations"] = 2,
            ["Repositories"] = new JsonArray(new JsonObject
            {
                ["Name"] = "extras-devel",
                ["Architectures"] = new JsonArray("amd64", "i386"),
                ["AcceptsUploads"] = true,
            }),
        };
    }
}
