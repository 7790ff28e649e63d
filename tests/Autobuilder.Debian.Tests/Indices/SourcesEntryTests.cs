using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Indices;
using Autobuilder.Debian.Uploads;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Indices;

public sealed class SourcesEntryTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_write_the_stanza_apt_ftparchive_writes_When_built_from_a_real_dsc(bool native)
    {
        using var dir = new TempDir();
        var dsc = TestPackages.BuildSource(dir["repo/pool/main/h/hello"], "hello", "1.0", native);
        var theirs = ControlFile.ParseSingle(Tool.Run("apt-ftparchive", ["sources", "pool"], workingDirectory: dir["repo"]).Ok().Stdout, "apt-ftparchive");

        var ours = SourcesEntry.FromDsc(DscFile.Load(dsc), "pool/main/h/hello", ChecksumSet.ComputeFile(dsc), Path.GetFileName(dsc));

        // apt-ftparchive also computes Checksums-Sha512, which ChecksumSet does not; all else must agree, in order.
        Assert.Equal(theirs.Without("Checksums-Sha512").ToString(), ours.Paragraph.ToString());
        Assert.Equal(Path.GetFileName(dsc), ours.Files[0].Name);
        Assert.Equal(ours.Files[0], ours.Dsc);
    }

    [Fact]
    public void Should_put_overrides_in_apt_order_When_section_and_priority_are_given()
    {
        using var dir = new TempDir();
        var dsc = TestPackages.BuildSource(dir.Path, "hello", "1.0", native: true);

        var entry = SourcesEntry.FromDsc(DscFile.Load(dsc), "pool/main/h/hello", ChecksumSet.ComputeFile(dsc), Path.GetFileName(dsc),
            section: "devel", priority: "optional");

        var names = entry.Paragraph.Select(f => f.Name).ToList();
        Assert.Equal(["Package", "Format", "Binary", "Architecture", "Version", "Priority", "Section", "Maintainer"], names.Take(8));
        Assert.Equal("devel", entry.Section);
        Assert.Equal("optional", entry.Priority);
        Assert.Equal("pool/main/h/hello", entry.Directory);
    }

    [Fact]
    public void Should_read_files_in_the_dsc_layout_When_parsing_a_Sources_stanza()
    {
        var md5 = new string('a', 32);
        var sha256 = new string('c', 64);
        var p = ControlFile.ParseSingle(
            "Package: hello\nBinary: hello, hello-doc\nVersion: 1.0-1\nDirectory: pool/main/h/hello\n" +
            $"Files:\n {md5} 10 hello_1.0-1.dsc\n {md5} 20 hello_1.0.orig.tar.gz\n" +
            $"Checksums-Sha256:\n {sha256} 10 hello_1.0-1.dsc\n {sha256} 20 hello_1.0.orig.tar.gz\n", "Sources");

        var entry = new SourcesEntry(p);

        Assert.Equal(["hello", "hello-doc"], entry.Binaries);
        Assert.Equal([new FileEntry("hello_1.0-1.dsc", 10, md5, null, sha256), new FileEntry("hello_1.0.orig.tar.gz", 20, md5, null, sha256)], entry.Files);
    }

    [Fact]
    public void Should_reject_stanza_When_Files_is_missing()
    {
        var p = ControlFile.ParseSingle("Package: hello\nVersion: 1.0-1\n", "Sources");

        var ex = Assert.Throws<DebianFormatException>(() => new SourcesEntry(p));

        Assert.Contains("Files", ex.Message);
    }
}
