using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>A silo killed with SIGKILL in the middle of a publish: live is the old or the new generation, never a mix.</summary>
public sealed class StageCrashTests
{
    [Fact]
    public async Task Should_leave_live_whole_and_lose_nothing_When_the_silo_is_killed_during_a_publish()
    {
        // Arrange
        using var root = new TempDir("ab-stage-crash-");
        await using var silo = new SiloProcess(root["var"], StageFixture.Configure);
        await silo.StartAsync();
        const string dist = "extras-devel/bookworm";
        await StageQueue.WaitAsync(silo, dist, d => d.Status.LiveGeneration is not null, "published once");
        var staging = Path.Combine(silo.DataRoot, "repos", "staging", "extras-devel", "generations", "bookworm");
        var liveGenerations = Path.Combine(StageQueue.Live(silo, "extras-devel"), "dists", ".bookworm");
        var dropped = new List<string>();
        var killedDuringPublish = false;

        // Act: drop packages one by one until a kill lands while a generation folder is half made.
        // A one-package publish takes tens of milliseconds, so the folders are watched (inotify)
        // and polled in a tight loop; the grain is asked only now and then whether it is over.
        using var partialSeen = new ManualResetEventSlim();
        using var watchStaging = Watch(staging, partialSeen);
        for (var i = 0; i < 40 && !killedDuringPublish; i++)
        {
            var name = $"ab-crash{i}";
            var folder = Path.Combine(root["scratch"], name);
            Directory.CreateDirectory(folder);
            var changes = new StagePackage(name, Architectures: ["amd64", "i386"], WithAllPackage: true).Build(folder);
            StagePackage.Drop(changes, StageQueue.Queue(silo, "extras-devel"));
            dropped.Add(name);
            var deadline = DateTime.UtcNow.AddSeconds(20);
            var nextAsk = DateTime.UtcNow;
            while (DateTime.UtcNow < deadline)
            {
                if (partialSeen.IsSet || Partial(staging) || Partial(liveGenerations))
                {
                    await silo.KillNowAsync();
                    killedDuringPublish = true;
                    break;
                }
                if (DateTime.UtcNow >= nextAsk)
                {
                    if ((await silo.Grains.GetGrain<IDistributionGrain>(dist).GetDetailsAsync()).Sources.Any(s => s.Source == name))
                        break; // this publish was too quick to catch; try the next package
                    nextAsk = DateTime.UtcNow.AddMilliseconds(25);
                }
            }
            partialSeen.Reset();
        }
        var keyring = StageQueue.Keyring(silo, "extras-devel");
        var afterKill = LiveTree.AssertConsistent(StageQueue.Live(silo, "extras-devel"), "bookworm", keyring);
        await silo.StartAsync();
        StageQueue.Drop(silo, new StagePackage("ab-after-crash"), root["scratch"]);
        var details = await StageQueue.WaitAsync(silo, dist,
            d => dropped.Append("ab-after-crash").All(n => d.Sources.Any(s => s.Source == n)), "holding every dropped package after the restart");

        // Assert
        Assert.True(killedDuringPublish, "no kill landed during a publish in 15 attempts");
        var (_, packages) = LiveTree.AssertConsistent(StageQueue.Live(silo, "extras-devel"), "bookworm", keyring);
        Assert.All(afterKill.Packages, p => Assert.Contains(packages, q => q.Package == p.Package));
        foreach (var name in dropped.Append("ab-after-crash"))
        {
            Assert.Single(details.Sources, s => s.Source == name);
            Assert.Single(packages, p => p.Package == name);
        }
        Assert.Empty(details.Status.Rejections);
        Assert.Empty(Directory.GetFiles(StageQueue.Queue(silo, "extras-devel")));
        using var apt = StageQueue.Apt(silo, "extras-devel");
        StageQueue.AssertCleanUpdate(apt.Update());
    }

    private static FileSystemWatcher Watch(string folder, ManualResetEventSlim seen)
    {
        var watcher = new FileSystemWatcher(folder) { NotifyFilter = NotifyFilters.DirectoryName };
        watcher.Created += (_, e) =>
        {
            if (e.Name?.EndsWith(".partial", StringComparison.Ordinal) == true)
                seen.Set();
        };
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private static bool Partial(string folder) =>
        Directory.Exists(folder) && Directory.EnumerateDirectories(folder, "*.partial").Any();
}
