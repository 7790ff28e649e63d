using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Compression;
using Autobuilder.Debian.Indices;
using Autobuilder.Debian.Signing;
using Autobuilder.Debian.Tests.Indices;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Stage.Publishing;
using Autobuilder.Silo.Stage;
using Autobuilder.Silo.Stage.LiveTree;
using Autobuilder.Silo.Stage.Publishing;
using Autobuilder.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>
/// The publisher's kept indices, updated change by change, against the same set published from
/// scratch: the real DistributionPublisher, gpg, gzip, xz and apt-get.
/// </summary>
public sealed class IncrementalPublishTests
{
    private static readonly string[] Architectures = ["amd64", "i386"];

    private static (DistributionPublisher Publisher, RepositoryConfig Repository) Publisher(TempDir dir, string name)
    {
        var options = new AutobuilderOptions
        {
            DataRoot = dir[name],
            Products = ["bookworm"],
            Architectures = [.. Architectures],
            Stage = new StageOptions
            {
                GnupgHome = dir["gnupg"],
                Repositories = [new RepositoryOptions { Name = "bench", Components = ["main", "contrib"] }],
            },
        };
        var configuration = new StageConfiguration(options);
        var keys = new SigningKeys(NullLogger<SigningKeys>.Instance);
        return (new DistributionPublisher(configuration, keys, new LocalLiveTree(), new RsyncLiveTree(configuration, NullLogger<RsyncLiveTree>.Instance), NullLogger<DistributionPublisher>.Instance), configuration.Get("bench"));
    }

    private static PackageRecord Record(int i, int version, Random random, DateTimeOffset at)
    {
        var arch = random.Next(8) switch { 0 => "all", 1 => "source", < 5 => "amd64", _ => "i386" };
        var component = random.Next(4) == 0 ? "contrib" : "main";
        var name = $"pkg{i}";
        var v = $"1.{version}";
        var stanza = arch == "source"
            ? $"Package: {name}\nVersion: {v}\nArchitecture: any\nDirectory: pool/{component}/p/{name}\nFiles:\n 0123456789abcdef0123456789abcdef 12 {name}_{v}.dsc\n"
            : $"Package: {name}\nVersion: {v}\nArchitecture: {arch}\nFilename: pool/{component}/p/{name}/{name}_{v}_{arch}.deb\nSize: {i}\n" +
              $"Description: package {i}\n" + string.Concat(Enumerable.Repeat(" padding to vary the size of a stanza\n", i % 40));
        return new PackageRecord(name, v, arch, component, name, v, [], stanza, at);
    }

    private static async Task<string> PublishAsync(DistributionPublisher publisher, RepositoryConfig repo, long generation,
        IReadOnlyCollection<PackageRecord> all, Dictionary<string, PackageRecord?>? changed)
    {
        await publisher.PublishAsync(new PublishRequest(repo, "bookworm", generation, all, [], [], DateTimeOffset.UtcNow)
        {
            Since = generation - 1,
            Changed = changed,
        });
        return Path.Combine(repo.LivePath, "dists", "bookworm");
    }

    [Fact]
    public async Task Should_publish_what_a_full_regeneration_publishes_When_100_random_adds_and_removes_went_out_one_publish_each()
    {
        // Arrange: 3,000 records over two components, two architectures, "all" and sources.
        using var dir = new TempDir();
        var (publisher, repo) = Publisher(dir, "incremental");
        var random = new Random(11);
        var clock = DateTimeOffset.UtcNow.AddDays(-1);
        var set = Enumerable.Range(0, 3_000).Select(i => Record(i, 0, random, clock.AddSeconds(i / 10))).ToDictionary(r => r.Key);
        await PublishAsync(publisher, repo, 1, set.Values, null);
        var next = 3_000;

        // Act: each change published on its own, as the grain does — new packages, new versions replacing old ones, removals.
        string suite = "";
        for (var generation = 2; generation <= 101; generation++)
        {
            clock = clock.AddMinutes(1);
            var changed = new Dictionary<string, PackageRecord?>();
            switch (random.Next(3))
            {
                case 0:
                    var added = Record(next++, 0, random, clock);
                    set[added.Key] = changed[added.Key] = added;
                    break;
                case 1:
                    var old = set.Values.ElementAt(random.Next(set.Count));
                    var newer = Record(int.Parse(old.Package[3..], System.Globalization.CultureInfo.InvariantCulture), 1 + generation, random, clock);
                    set.Remove(old.Key);
                    changed[old.Key] = null;
                    set[newer.Key] = changed[newer.Key] = newer;
                    break;
                default:
                    var gone = set.Keys.ElementAt(random.Next(set.Count));
                    set.Remove(gone);
                    changed[gone] = null;
                    break;
            }
            suite = await PublishAsync(publisher, repo, generation, set.Values.ToList(), changed);
        }
        var (fresh, freshRepo) = Publisher(dir, "full");
        var freshSuite = await PublishAsync(fresh, freshRepo, 101, set.Values.ToList(), null);

        // Assert: every index decompresses to the fresh one's bytes; Release lists the same uncompressed sums.
        var release = ReleaseFile.Load(Path.Combine(suite, "Release"));
        var freshRelease = ReleaseFile.Load(Path.Combine(freshSuite, "Release"));
        Assert.Equal(freshRelease.Files.Select(f => f.Name), release.Files.Select(f => f.Name));
        Assert.Contains(release.Files, f => f.Name == "contrib/source/Sources.xz");
        foreach (var f in release.Files.Where(f => Compressions.FromFileName(f.Name) != CompressionKind.None))
        {
            var content = LiveTree.Decompressed(Path.Combine(suite, f.Name)).ToArray();
            Assert.Equal(LiveTree.Decompressed(Path.Combine(freshSuite, f.Name)).ToArray(), content);
            // The sums Release gives equal a fresh computation, for the file and for its uncompressed form.
            Assert.Equal(f.Sha256, ChecksumSet.ComputeFile(Path.Combine(suite, f.Name)).Sha256);
            var plain = release.Files.Single(p => p.Name == f.Name[..f.Name.LastIndexOf('.')]);
            var sums = ChecksumSet.Compute(new MemoryStream(content));
            Assert.Equal((plain.Size, plain.Md5, plain.Sha1, plain.Sha256), (sums.Size, sums.Md5, sums.Sha1, sums.Sha256));
            Assert.Equal(freshRelease.Files.Single(p => p.Name == plain.Name), plain);
        }
        var listed = LiveTree.Decompressed(Path.Combine(suite, "main/binary-amd64/Packages.gz")).ToArray();
        var expected = set.Values.Count(r => r.Component == "main" && r.Architecture is "amd64" or "all");
        Assert.Equal(expected, PackagesEntry.ReadAll(new MemoryStream(listed), "incremental").Count);

        // And apt takes it, signature and all.
        var keyring = Path.Combine(repo.LivePath, "archive-keyring.gpg");
        Assert.Equal(SignatureStatus.Valid, new Gpgv(keyring).VerifyClearSigned(Path.Combine(suite, "InRelease")).Status);
        using var apt = new AptSandbox($"deb [signed-by={keyring}] file:{repo.LivePath} bookworm main contrib");
        StageQueue.AssertCleanUpdate(apt.Update());
        Assert.Equal(set.Values.Count(r => r.Architecture is "amd64" or "all"),
            apt.Run("apt-cache", "dumpavail").Ok().Stdout.Split("\nPackage: ").Length);
    }
}
