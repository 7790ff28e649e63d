using System.Text;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Compression;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Indices;
using Autobuilder.Debian.Safety;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Indices;

public sealed class IndexFilesTests
{
    private static readonly ControlParagraph[] Stanzas =
    [
        ControlFile.ParseSingle("Package: a\nVersion: 1\nDescription: first\n line two\n", "t"),
        ControlFile.ParseSingle("Package: b\nVersion: 2\n", "t"),
    ];

    [Fact]
    public void Should_end_every_stanza_with_a_blank_line_When_writing_an_index()
    {
        using var ms = new MemoryStream();

        IndexWriter.Write(ms, Stanzas);

        Assert.Equal("Package: a\nVersion: 1\nDescription: first\n line two\n\nPackage: b\nVersion: 2\n\n", Encoding.UTF8.GetString(ms.ToArray()));
    }

    [Fact]
    public void Should_write_plain_gz_and_xz_with_matching_sums_When_publishing_an_index()
    {
        using var dir = new TempDir();

        var entries = IndexFiles.Write(dir.Path, "main/binary-amd64/Packages", Stanzas);

        Assert.Equal(["main/binary-amd64/Packages", "main/binary-amd64/Packages.gz", "main/binary-amd64/Packages.xz"], entries.Select(e => e.Name));
        foreach (var e in entries)
        {
            var sums = ChecksumSet.ComputeFile(dir[e.Name]);
            Assert.Equal(new FileEntry(e.Name, sums.Size, sums.Md5, sums.Sha1, sums.Sha256), e);
        }
        var plain = File.ReadAllBytes(dir["main/binary-amd64/Packages"]);
        Assert.Equal(plain, Tool.RunBytes("gzip", ["-dc", dir["main/binary-amd64/Packages.gz"]]));
        Assert.Equal(plain, Tool.RunBytes("xz", ["-dc", dir["main/binary-amd64/Packages.xz"]]));
        // Nothing but the three files: no temporary left behind.
        Assert.Equal(3, Directory.GetFiles(dir["main/binary-amd64"]).Length);
    }

    [Fact]
    public void Should_still_list_the_uncompressed_sums_When_the_uncompressed_file_is_not_kept()
    {
        using var dir = new TempDir();
        using var expected = new MemoryStream();
        IndexWriter.Write(expected, Stanzas);
        dir.Write("main/source/Sources", "stale\n");

        var entries = IndexFiles.Write(dir.Path, "main/source/Sources", Stanzas,
            new IndexOptions { KeepUncompressed = false, Compressions = [CompressionKind.Xz] });

        var sums = ChecksumSet.Compute(expected.ToArray());
        Assert.Equal(new FileEntry("main/source/Sources", sums.Size, sums.Md5, sums.Sha1, sums.Sha256), entries[0]);
        Assert.Equal("main/source/Sources.xz", entries[1].Name);
        Assert.False(File.Exists(dir["main/source/Sources"]));
        Assert.Equal(["Sources.xz"], Directory.GetFiles(dir["main/source"]).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("../Packages")]
    [InlineData("main/../../Packages")]
    [InlineData("/etc/Packages")]
    public void Should_refuse_the_path_When_it_would_leave_the_suite_folder(string path)
    {
        using var dir = new TempDir();

        Assert.Throws<UnsafeFileNameException>(() => IndexFiles.Write(dir.Path, path, Stanzas));
    }

    [Fact]
    public void Should_link_each_existing_index_under_its_sha256_When_publishing_by_hash()
    {
        using var dir = new TempDir();
        var entries = IndexFiles.Write(dir.Path, "main/binary-amd64/Packages", Stanzas,
            new IndexOptions { KeepUncompressed = false });

        var created = ByHash.Publish(dir.Path, entries);

        // The uncompressed index is not on disk, so it gets no by-hash name.
        Assert.Equal(entries.Skip(1).Select(e => $"main/binary-amd64/by-hash/SHA256/{e.Sha256}"), created);
        foreach (var e in entries.Skip(1))
            Assert.Equal(File.ReadAllBytes(dir[e.Name]), File.ReadAllBytes(dir[ByHash.PathFor(e)]));
    }
}
