using Autobuilder.Debian.Deb;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Deb;

/// <summary>The minimal .deb control reader agrees with dpkg-deb for every member compression dpkg-deb writes.</summary>
public sealed class DebControlReaderTests
{
    [Theory]
    [InlineData("gzip")]
    [InlineData("xz")]
    [InlineData("zstd")]
    [InlineData("none")]
    public void Should_read_the_same_control_paragraph_as_dpkg_deb_When_control_tar_is_compressed_with(string compression)
    {
        // Arrange
        using var dir = new TempDir();
        var tree = dir["tree"];
        Directory.CreateDirectory(Path.Combine(tree, "DEBIAN"));
        Directory.CreateDirectory(Path.Combine(tree, "usr", "share", "doc", "ab-reader"));
        File.WriteAllText(Path.Combine(tree, "usr", "share", "doc", "ab-reader", "README"), "x\n");
        File.WriteAllText(Path.Combine(tree, "DEBIAN", "control"),
            "Package: ab-reader\nVersion: 1:2.0~rc1-3\nArchitecture: amd64\nMaintainer: Zoë <z@example.org>\nSource: ab-src (2.0~rc1-2)\n" +
            "Depends: libc6 (>= 2.36)\nDescription: reader test\n Two lines.\n .\n And a paragraph.\n");
        var deb = dir["ab-reader.deb"];
        Tool.Run("dpkg-deb", $"-Z{compression}", "--build", "--root-owner-group", tree, deb).Ok();

        // Act
        var ours = new DebControlReader().ReadControl(deb);
        var dpkg = new DpkgDebControlReaderForTests().ReadControl(deb);

        // Assert
        Assert.Equal(dpkg.ToString(), ours.ToString());
        Assert.Equal("1:2.0~rc1-3", ours["Version"]);
    }

    [Fact]
    public void Should_refuse_with_the_reason_When_the_file_is_not_a_deb()
    {
        // Arrange
        using var dir = new TempDir();
        var notDeb = dir.Write("fake.deb", "just text, not an ar archive\n");

        // Act
        var error = Assert.Throws<DebianFormatException>(() => new DebControlReader().ReadControl(notDeb));

        // Assert
        Assert.Contains("not a .deb", error.Message);
    }
}
