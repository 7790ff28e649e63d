using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Indices;
using Autobuilder.Debian.Tests.Signing;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Indices;

/// <summary>
/// An index kept as blocks (multi-member Packages.gz, multi-block Packages.xz, sums carried on
/// from the last unchanged block) against the real gzip, xz and apt-get.
/// </summary>
public sealed class BlockIndexTests : IClassFixture<BlockIndexTests.Key>
{
    public sealed class Key : IDisposable
    {
        public TestKey Archive { get; } = new("Archive <archive@example.org>");

        public void Dispose() => Archive.Dispose();
    }

    private readonly Key _key;

    public BlockIndexTests(Key key) => _key = key;

    // Small blocks, so a few hundred stanzas make many gzip members and xz blocks, and changes split and merge them.
    private static readonly BlockIndexOptions Small = new() { BlockBytes = 2048 };

    private static IndexEntry Fake(int i, long order) => new($"fake{i}_1.0_amd64", order,
        $"Package: fake{i}\nVersion: 1.0\nArchitecture: amd64\nMaintainer: Nobody <nobody@example.org>\n" +
        $"Filename: pool/main/f/fake{i}/fake{i}_1.0_amd64.deb\nSize: {100 + i}\nDescription: fake package {i}\n" +
        string.Concat(Enumerable.Repeat(" a line to vary the stanza length\n", i % 9)));

    /// <summary>Writes each variant the image lists to <paramref name="folder"/>; returns the paths by entry name.</summary>
    private static Dictionary<string, string> WriteAll(IndexImage image, string folder)
    {
        var paths = new Dictionary<string, string>();
        foreach (var entry in image.Entries)
        {
            var path = Path.Combine(folder, entry.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var f = File.Create(path))
                image.WriteTo(entry.Name, f);
            paths[entry.Name] = path;
        }
        return paths;
    }

    [Fact]
    public void Should_decompress_to_what_a_full_build_gives_When_100_random_adds_and_removes_were_applied_one_by_one()
    {
        // Arrange
        using var dir = new TempDir();
        var random = new Random(20261125);
        var entries = Enumerable.Range(0, 300).Select(i => Fake(i, 1_000 + i)).ToDictionary(e => e.Key);
        using var incremental = new BlockIndex("main/binary-amd64/Packages", Small);
        incremental.Load(entries.Values);
        incremental.Build();
        var next = 300;

        // Act: adds at the end (the common case), adds in the middle (an older order), removals anywhere; a build after each.
        for (var op = 0; op < 100; op++)
        {
            var roll = random.Next(10);
            if (roll < 5 || entries.Count == 0)
            {
                var e = Fake(next, roll == 0 ? random.Next(900, 1_400) : 10_000 + next);
                next++;
                entries[e.Key] = e;
                incremental.Add(e);
            }
            else
            {
                var key = entries.Keys.ElementAt(random.Next(entries.Count));
                entries.Remove(key);
                Assert.True(incremental.Remove(key));
            }
            incremental.Build();
        }
        var image = incremental.Build();
        using var full = new BlockIndex("main/binary-amd64/Packages", Small);
        full.Load(entries.Values);
        var fullImage = full.Build();
        var written = WriteAll(image, dir["incremental"]);
        var writtenFull = WriteAll(fullImage, dir["full"]);

        // Assert: the real tools decompress both variants to the bytes of a fresh full build.
        var expected = File.ReadAllBytes(writtenFull["main/binary-amd64/Packages"]);
        Assert.Equal(expected, File.ReadAllBytes(written["main/binary-amd64/Packages"]));
        Assert.Equal(expected, Tool.RunBytes("gzip", ["-dc", written["main/binary-amd64/Packages.gz"]]));
        Assert.Equal(expected, Tool.RunBytes("xz", ["-dc", written["main/binary-amd64/Packages.xz"]]));
        Assert.Equal(entries.Count, PackagesEntry.ReadAll(new MemoryStream(expected), "full").Count);
        Assert.True(incremental.BlockCount > 20, $"only {incremental.BlockCount} blocks: the test would not exercise members");
        // Release's entries (size and the three sums) equal a fresh computation over the written files.
        foreach (var entry in image.Entries)
        {
            var sums = ChecksumSet.ComputeFile(written[entry.Name]);
            Assert.Equal((sums.Size, sums.Md5, sums.Sha1, sums.Sha256), (entry.Size, entry.Md5!, entry.Sha1!, entry.Sha256!));
        }
        Assert.Equal(fullImage.Entries[0], image.Entries[0]);
    }

    [Fact]
    public void Should_put_a_newer_entry_in_the_last_block_When_it_is_added_after_the_others()
    {
        // Arrange
        using var index = new BlockIndex("main/binary-amd64/Packages", Small);
        index.Load(Enumerable.Range(0, 100).Select(i => Fake(i, i)));
        var before = index.Build();
        var blocks = index.BlockCount;

        // Act
        index.Add(Fake(100, 100));
        var after = index.Build();

        // Assert: at most one more block, and the new stanza is the file's last.
        Assert.InRange(index.BlockCount, blocks, blocks + 1);
        using var plain = new MemoryStream();
        after.WriteTo("main/binary-amd64/Packages", plain);
        Assert.EndsWith(Fake(100, 100).Stanza + "\n", System.Text.Encoding.UTF8.GetString(plain.ToArray()), StringComparison.Ordinal);
        Assert.NotEqual(before.Entries[0].Sha256, after.Entries[0].Sha256);
    }

    [Fact]
    public void Should_write_valid_empty_files_When_the_index_holds_nothing()
    {
        // Arrange
        using var dir = new TempDir();
        using var index = new BlockIndex("main/binary-amd64/Packages");

        // Act
        var written = WriteAll(index.Build(), dir.Path);

        // Assert
        Assert.Empty(File.ReadAllBytes(written["main/binary-amd64/Packages"]));
        Assert.Empty(Tool.RunBytes("gzip", ["-dc", written["main/binary-amd64/Packages.gz"]]));
        Assert.Empty(Tool.RunBytes("xz", ["-dc", written["main/binary-amd64/Packages.xz"]]));
    }

    [Fact]
    public void Should_refuse_to_write_an_image_When_the_index_changed_after_it_was_built()
    {
        // Arrange
        using var index = new BlockIndex("main/binary-amd64/Packages");
        index.Add(Fake(1, 1));
        var image = index.Build();
        index.Add(Fake(2, 2));

        // Act
        var ex = Record.Exception(() => image.WriteTo("main/binary-amd64/Packages.gz", Stream.Null));

        // Assert
        Assert.IsType<InvalidOperationException>(ex);
    }

    [Theory]
    [InlineData("gz")]
    [InlineData("xz")]
    public void Should_let_apt_update_and_download_When_the_only_compressed_index_is_made_of_many_blocks(string compression)
    {
        // Arrange: one real package among 2,000 listed ones, blocks of 4 KiB (hundreds of members),
        // the uncompressed Packages listed in Release but not written (as the stage publishes).
        using var dir = new TempDir();
        var root = dir["repo"];
        var (deb, control) = TestPackages.BuildDeb(dir["build"], Path.Combine(root, "pool/main/r/real"), "real", "1.0-1");
        var options = new BlockIndexOptions { BlockBytes = 4096, Gzip = compression == "gz", Xz = compression == "xz" };
        using var index = new BlockIndex("main/binary-amd64/Packages", options);
        index.Load(Enumerable.Range(0, 1_000).Select(i => Fake(i, i)));
        var real = PackagesEntry.FromControl(control, Path.GetRelativePath(root, deb), ChecksumSet.ComputeFile(deb));
        index.Build();
        index.Add(new IndexEntry("real_1.0-1_amd64", 500, real.Paragraph.ToString()));
        foreach (var i in Enumerable.Range(1_000, 1_000))
            index.Add(Fake(i, i));
        var image = index.Build();
        var suite = Path.Combine(root, "dists", "bench");
        foreach (var entry in image.Entries.Skip(1))
        {
            using var f = File.Create(Path.Combine(Directory.CreateDirectory(Path.Combine(suite, "main/binary-amd64")).FullName, Path.GetFileName(entry.Name)));
            image.WriteTo(entry.Name, f);
        }
        ReleaseWriter.Write(suite, new ReleaseFile
        {
            Suite = "bench",
            Codename = "bench",
            Date = DateTimeOffset.UtcNow,
            Architectures = ["amd64"],
            Components = ["main"],
            Files = image.Entries,
        }, _key.Archive.Signer);
        using var apt = new AptSandbox($"deb [signed-by={_key.Archive.PublicKeyring}] file:{root} bench main");

        // Act
        var update = apt.Update();

        // Assert
        Assert.True(update.ExitCode == 0, update.Stdout + update.Stderr);
        Assert.DoesNotContain("W:", update.Stderr);
        Assert.True(index.BlockCount > 100, $"{index.BlockCount} blocks");
        Assert.False(File.Exists(Path.Combine(suite, "main/binary-amd64/Packages")));
        Assert.Contains("Candidate: 1.0", apt.Run("apt-cache", "policy", "fake1999").Ok().Stdout);
        var dump = apt.Run("apt-cache", "dumpavail").Ok().Stdout;
        Assert.Equal(2_001, dump.Split("\nPackage: ").Length);
        apt.Run("apt-get", "download", "real").Ok();
        Assert.Equal(File.ReadAllBytes(deb), File.ReadAllBytes(Path.Combine(apt.Downloads, Path.GetFileName(deb))));
        Assert.Single(image.Entries, e => e.Name.EndsWith("." + compression, StringComparison.Ordinal));
    }
}
