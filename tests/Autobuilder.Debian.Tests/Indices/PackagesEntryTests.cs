using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Indices;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Indices;

public sealed class PackagesEntryTests
{
    [Fact]
    public void Should_write_the_stanza_apt_ftparchive_writes_When_built_from_control_and_sums()
    {
        using var dir = new TempDir();
        var pool = dir["repo/pool/main/h/hello"];
        var (deb, control) = TestPackages.BuildDeb(dir["build"], pool, "hello", "1.0-1", source: "hello-src (1.0-0)");
        var theirs = ControlFile.ParseSingle(Tool.Run("apt-ftparchive", ["packages", "pool"], workingDirectory: dir["repo"]).Ok().Stdout, "apt-ftparchive");

        var ours = PackagesEntry.FromControl(control, "pool/main/h/hello/hello_1.0-1_amd64.deb", ChecksumSet.ComputeFile(deb));

        // apt-ftparchive adds SHA512, which ChecksumSet does not compute; every other field and the order must agree.
        Assert.Equal(theirs.Without("SHA512").ToString(), ours.Paragraph.ToString());
    }

    [Fact]
    public void Should_read_source_name_and_version_When_Source_has_a_version_in_parentheses()
    {
        var entry = new PackagesEntry(Stanza("Source: hello (1.0-1)\n"));

        Assert.Equal("hello", entry.Source);
        Assert.Equal("1.0-1", entry.SourceVersion);
        Assert.Equal("1.0-1+b1", entry.Version);
    }

    [Fact]
    public void Should_use_binary_version_When_Source_names_only_the_package()
    {
        var entry = new PackagesEntry(Stanza("Source: hello\n"));

        Assert.Equal("hello", entry.Source);
        Assert.Equal("1.0-1+b1", entry.SourceVersion);
    }

    [Fact]
    public void Should_use_package_name_When_Source_is_absent()
    {
        var entry = new PackagesEntry(Stanza(""));

        Assert.Equal("hello-bin", entry.Source);
        Assert.Equal(entry.Version, entry.SourceVersion);
        Assert.Equal(new FileEntry("pool/main/h/hello/hello-bin_1.0-1+b1_amd64.deb", 1234, new string('a', 32), null, new string('b', 64)), entry.File);
        Assert.Equal(4L, entry.InstalledSize);
    }

    [Theory]
    [InlineData("Size", "12x")]
    [InlineData("SHA256", "abc")]
    [InlineData("Filename", "")]
    public void Should_reject_stanza_When_a_field_is_malformed(string field, string value)
    {
        var p = Stanza("").With(field, value);

        var ex = Assert.ThrowsAny<DebianFormatException>(() => new PackagesEntry(p, "Packages"));

        Assert.Contains(field, ex.Message);
    }

    private static ControlParagraph Stanza(string extra) => ControlFile.ParseSingle(
        "Package: hello-bin\nVersion: 1.0-1+b1\nArchitecture: amd64\n" + extra +
        "Installed-Size: 4\nFilename: pool/main/h/hello/hello-bin_1.0-1+b1_amd64.deb\nSize: 1234\n" +
        $"MD5sum: {new string('a', 32)}\nSHA256: {new string('b', 64)}\nDescription: x\n", "test");
}
