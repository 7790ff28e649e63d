using Autobuilder.Debian.Indices;
using Autobuilder.Silo.Qa;

namespace Autobuilder.Silo.Tests.Qa;

/// <summary>
/// A Packages.gz read again after a publish: the stage's own <see cref="BlockIndex"/> writes it as one
/// gzip member per block and recompresses only the blocks a change touched; the installability
/// check reuses the stanzas of every member it read before, and gets exactly what reading the whole
/// file gives. A .gz of another maker (one member cut mid-stanza) is read whole.
/// </summary>
public sealed class DoseIndexTests : IDisposable
{
    private readonly TempDir _dir = new("ab-dose-index-");

    public void Dispose() => _dir.Dispose();

    private static IndexEntry Entry(int i, string version = "1.0-1", long order = 0) =>
        new($"pkg{i}_{version}_amd64", order == 0 ? i : order,
            $"Package: pkg{i}\nVersion: {version}\nArchitecture: amd64\nDepends: pkg{i / 2} (>= 1)\nDescription: package {i}\n a long text dose never reads\n");

    private string Write(BlockIndex index, string name)
    {
        var image = index.Build();
        var path = _dir[name];
        using (var file = File.Create(path))
            image.WriteTo(image.Entries.Single(e => e.Name.EndsWith(".gz", StringComparison.Ordinal)).Name, file);
        return path;
    }

    [Fact]
    public void Should_give_what_a_whole_read_gives_and_reuse_the_untouched_members_When_a_publish_changed_some_blocks()
    {
        // Arrange: 3,000 stanzas in blocks of 16 KiB; then one package replaced by its new version (it
        // moves to the end, its old block shrinks) and one added.
        using var index = new BlockIndex("main/binary-amd64/Packages", new BlockIndexOptions { BlockBytes = 16 * 1024, Xz = false });
        index.Load(Enumerable.Range(0, 3000).Select(i => Entry(i)));
        var first = Write(index, "Packages-1.gz");
        var before = DoseIndex.Read(first, "v1", previous: null, CancellationToken.None);
        Assert.True(index.Remove("pkg1500_1.0-1_amd64"));
        index.Add(Entry(1500, "1.1-1", order: 10_000));
        index.Add(Entry(3000, order: 10_001));
        var second = Write(index, "Packages-2.gz");

        // Act
        var incremental = DoseIndex.Read(second, "v2", before, CancellationToken.None);
        var whole = DoseIndex.Read(second, "v2", CancellationToken.None);

        // Assert
        Assert.True(index.BlockCount > 20, $"{index.BlockCount} blocks");
        Assert.Equal(3000, before.Entries.Count);
        Assert.Equal(whole.Entries.Select(e => e.Text), incremental.Entries.Select(e => e.Text));
        Assert.Equal(3001, incremental.Entries.Count);
        Assert.DoesNotContain("Description", incremental.Entries[0].Text);
        // The stanzas of untouched members are the very ones read before.
        var earlier = before.Entries.ToHashSet(ReferenceEqualityComparer.Instance);
        Assert.InRange(incremental.Entries.Count(earlier.Contains), 2500, 2999);
        Assert.Equal(["pkg1500 1.0-1", "pkg1500 1.1-1", "pkg3000 1.0-1"],
            DoseIndex.Changed(before, incremental).Select(e => $"{e.Package} {e.Version}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Should_read_it_whole_When_a_gzip_member_ends_inside_a_stanza()
    {
        // Arrange: two members cut in the middle of the second stanza (any gzip maker may cut so).
        var text = "Package: a\nVersion: 1\nArchitecture: all\nDepends: b\n\nPackage: b\nVersion: 1\nArchitecture: all\nProvides: c\n\n";
        var path = _dir["cut.gz"];
        using (var file = File.Create(path))
        {
            foreach (var part in new[] { text[..60], text[60..] })
            {
                using var gz = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true);
                gz.Write(System.Text.Encoding.UTF8.GetBytes(part));
            }
        }

        // Act
        var read = DoseIndex.Read(path, "cut", previous: null, CancellationToken.None);

        // Assert
        Assert.Equal(["a", "b"], read.Entries.Select(e => e.Package));
        Assert.Equal(["b", "c"], read.Entries[1].Names);
        Assert.Equal(["b"], read.Entries[0].Needs);
    }
}
