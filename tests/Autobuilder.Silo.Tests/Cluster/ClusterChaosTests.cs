using Autobuilder.Chaos;
using Autobuilder.Silo.Tests.Uploaders;
using Autobuilder.Testing;
using Xunit.Abstractions;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>
/// Issue 14 point 1 in the four-process cluster (real PostgreSQL; garage, two builders, stage):
/// the chaos driver's mix of 30 real uploads, signed as debsign signs them for the cluster's
/// uploader account, and 8 SIGKILLs of a silo picked at random among the four, each restarted on
/// its own data root at once. The same end checks as in role all: nothing lost, nothing published
/// twice, every outcome with its reason and its mail (read from the garage's outbox), the live
/// archive whole against its pool. AB_CHAOS_SEED=N runs again with the seed a failed run printed.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Chaos")]
public sealed class ClusterChaosTests(ClusterFixture fixture, ITestOutputHelper output)
{
    // Seen passing (seed 1633998670, load 16–52: 30 settled, 8 kills, 301 s with restarts of 24–36 s
    // taking 74 % of it, close to the 5-minute deadline at that load). Seen failing at load 62–83
    // (seed 2049330984): a restarted garage missed Orleans' join pings and stopped itself (exit 134).
    // CI runs at load 5–20 (docs/reliability.md).
    [Fact]
    public async Task Should_lose_nothing_and_publish_nothing_twice_When_garage_builder_and_stage_silos_are_killed_8_times_during_30_uploads()
    {
        // Arrange
        using var work = new TempDir("ab-cluster-chaos-");
        var seed = int.TryParse(Environment.GetEnvironmentVariable("AB_CHAOS_SEED"), out var s) ? s : Random.Shared.Next();
        var driver = new ChaosDriver(new ChaosOptions
        {
            Uploads = 30,
            Kills = 8,
            Seed = seed,
            WorkRoot = work.Path,
            Deadline = TimeSpan.FromMinutes(5),
            // The garage requires uploads signed by an account with the right (as silo-config/garage.json ships).
            MakeSource = (upload, folder) => SignedSource.Build(upload.Package, folder).SignBoth(fixture.Uploader).Dsc,
            Log = line => output.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}"),
        });
        var target = new ClusterTarget(fixture.Garage, fixture.Stage, [.. fixture.Silos],
            Path.Combine(fixture.Garage.DataRoot, "outbox"), poolGrace: TimeSpan.FromHours(24));

        // Act
        var report = await driver.RunAsync(target);

        // Assert
        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0, $"seed {seed}: {string.Join("\n", report.Failures)}");
        Assert.Equal(30, report.Dropped);
        Assert.Equal(30, report.Settled);
        Assert.Equal(8, report.Kills.Count);
        Assert.True(report.DebsChecked > 0, "the live archive was checked");
        // Every silo is up again for the tests that share the cluster.
        Assert.All(fixture.Silos, silo => Assert.NotNull(silo.ProcessId));
    }
}
