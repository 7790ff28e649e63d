using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>
/// apt-get update in a loop over HTTP while packages are published one after another: every update
/// must succeed — no hash sum mismatch, no bad signature — because live changes by one rename and
/// the indices of superseded generations stay reachable by hash.
/// </summary>
public sealed class StageConcurrencyTests
{
    private const int Publishes = 50;

    [Fact]
    public async Task Should_never_fail_apt_update_When_it_runs_in_a_loop_during_50_publishes()
    {
        // Arrange
        using var root = new TempDir("ab-stage-busy-");
        await using var silo = new SiloProcess(root["var"], StageFixture.Configure);
        await silo.StartAsync();
        const string dist = "extras-devel/bookworm";
        await StageQueue.WaitAsync(silo, dist, d => d.Status.LiveGeneration is not null, "published once");
        using var http = new StaticHttpServer(StageQueue.Live(silo, "extras-devel"));
        using var apt = new Debian.Tests.Indices.AptSandbox($"deb [signed-by={StageQueue.Keyring(silo, "extras-devel")}] {http.Url} bookworm main");
        var packages = Enumerable.Range(0, Publishes).Select(i => new StagePackage($"ab-busy{i}", Architectures: ["amd64", "i386"], WithAllPackage: true)).ToList();
        var built = packages.Select(p =>
        {
            var folder = Path.Combine(root["scratch"], p.Name);
            Directory.CreateDirectory(folder);
            return p.Build(folder);
        }).ToList();
        var failures = new List<string>();
        var updates = 0;
        using var stop = new CancellationTokenSource();

        // Act
        var loop = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var update = apt.Update();
                updates++;
                var output = update.Stdout + update.Stderr;
                if (update.ExitCode != 0 || output.Contains("E:", StringComparison.Ordinal) || output.Contains("W:", StringComparison.Ordinal))
                    failures.Add($"update {updates} (exit {update.ExitCode}):\n{output}");
            }
        });
        foreach (var (package, changes) in packages.Zip(built))
        {
            StagePackage.Drop(changes, StageQueue.Queue(silo, "extras-devel"));
            await StageQueue.WaitForAsync(silo, dist, package.Name, package.Version);
        }
        await stop.CancelAsync();
        await loop;

        // Assert
        Assert.True(failures.Count == 0, $"{failures.Count} of {updates} updates failed; the first:\n{failures.FirstOrDefault()}");
        Assert.True(updates >= 10, $"only {updates} updates ran during the publishes");
        var details = await StageQueue.WaitAsync(silo, dist, _ => true, "in sync");
        Assert.True(details.Status.History.Count >= Publishes, $"{details.Status.History.Count} publishes recorded");
        StageQueue.AssertCleanUpdate(apt.Update());
        Assert.Equal(Publishes, apt.Run("apt-cache", "pkgnames", "ab-busy").Ok().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(n => !n.EndsWith("-data", StringComparison.Ordinal)));
    }
}
