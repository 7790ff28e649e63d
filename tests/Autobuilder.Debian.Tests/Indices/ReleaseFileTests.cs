using System.Text.RegularExpressions;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Compression;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Indices;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Indices;

public sealed partial class ReleaseFileTests
{
    private static readonly DateTimeOffset Y2K = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Should_write_fields_in_dak_order_When_formatting_a_Release()
    {
        var release = new ReleaseFile
        {
            Description = "Test suite",
            Components = ["main", "contrib"],
            Architectures = ["amd64", "arm64"],
            AcquireByHash = true,
            ValidUntil = Y2K.AddDays(7),
            Date = Y2K,
            Codename = "sid",
            Version = "1.0",
            Suite = "unstable",
            Label = "Label",
            Origin = "Origin",
            Files = [new FileEntry("main/binary-amd64/Packages", 42, new string('1', 32), new string('2', 40), new string('3', 64))],
        };

        var text = release.ToString();

        Assert.Equal(
            "Origin: Origin\nLabel: Label\nSuite: unstable\nVersion: 1.0\nCodename: sid\n" +
            "Date: Sat, 01 Jan 2000 00:00:00 +0000\nValid-Until: Sat, 08 Jan 2000 00:00:00 +0000\nAcquire-By-Hash: yes\n" +
            "Architectures: amd64 arm64\nComponents: main contrib\nDescription: Test suite\n" +
            $"MD5Sum:\n {new string('1', 32)}               42 main/binary-amd64/Packages\n" +
            $"SHA1:\n {new string('2', 40)}               42 main/binary-amd64/Packages\n" +
            $"SHA256:\n {new string('3', 64)}               42 main/binary-amd64/Packages\n",
            text);
    }

    [Fact]
    public void Should_read_back_what_it_wrote_When_parsing_a_Release()
    {
        var release = new ReleaseFile
        {
            Origin = "O",
            Suite = "s",
            Date = Y2K,
            NotAutomatic = true,
            ButAutomaticUpgrades = true,
            Architectures = ["amd64"],
            Components = ["main"],
            Files = [new FileEntry("main/source/Sources.xz", 7, new string('a', 32), new string('b', 40), new string('c', 64))],
            OtherFields = [new ControlField("Changelogs", "https://example.org/changelogs/@CHANGEPATH@")],
        };

        var back = ReleaseFile.Parse(System.Text.Encoding.UTF8.GetBytes(release.ToString()), "Release");

        Assert.Equal(release.ToString(), back.ToString());
        Assert.Equal(Y2K, back.Date);
        Assert.True(back.NotAutomatic);
        Assert.True(back.ButAutomaticUpgrades);
        Assert.Equal(release.Files, back.Files);
    }

    [Fact]
    public void Should_write_no_checksum_lists_When_there_are_no_files()
    {
        var text = new ReleaseFile { Suite = "s", Date = Y2K }.ToString();

        Assert.Equal("Suite: s\nDate: Sat, 01 Jan 2000 00:00:00 +0000\n", text);
    }

    [Theory]
    [InlineData("Sat, 01 Jan 2000 00:00:00 UTC")]
    [InlineData("Sat, 01 Jan 2000 00:00:00 +0000")]
    [InlineData("Sat, 1 Jan 2000 01:00:00 +0100")]
    [InlineData("Fri, 31 Dec 1999 19:00:00 -0500")]
    public void Should_read_the_same_moment_When_the_date_uses_any_RFC_2822_zone(string text)
    {
        Assert.True(ReleaseDate.TryParse(text, out var when));

        Assert.Equal(Y2K, when);
    }

    [Fact]
    public void Should_write_the_date_as_apt_ftparchive_does_When_formatting()
    {
        using var dir = new TempDir();
        dir.Write("dists/s/main/binary-amd64/Packages", "Package: a\n\n");
        var theirs = ControlFile.ParseSingle(Tool.Run("apt-ftparchive", "release", dir["dists/s"]).Ok().Stdout, "apt-ftparchive")["Date"]!;

        var ours = ReleaseDate.Format(Y2K);

        Assert.Equal("Sat, 01 Jan 2000 00:00:00 +0000", ours);
        Assert.Matches(DateShape(), theirs);
        Assert.Matches(DateShape(), ours);
    }

    [Fact]
    public void Should_list_the_same_files_sizes_and_sums_as_apt_ftparchive_When_indexes_are_written_by_us()
    {
        using var dir = new TempDir();
        var suite = dir["dists/s"];
        var packages = new[] { ControlFile.ParseSingle("Package: a\nVersion: 1\nArchitecture: amd64\n", "t") };
        var sources = new[] { ControlFile.ParseSingle("Package: a\nVersion: 1\n", "t") };
        var entries = IndexFiles.Write(suite, "main/binary-amd64/Packages", packages)
            .Concat(IndexFiles.Write(suite, "main/source/Sources", sources, new IndexOptions { Compressions = [CompressionKind.Xz] }))
            .ToList();
        var theirs = ControlFile.ParseSingle(Tool.Run("apt-ftparchive", "release", suite).Ok().Stdout, "apt-ftparchive");

        var ours = new ReleaseFile { Suite = "s", Date = Y2K, Files = entries }.ToParagraph();

        Assert.Equal(
            ReleaseFile.FromParagraph(theirs, "apt-ftparchive").Files.OrderBy(f => f.Name, StringComparer.Ordinal),
            ReleaseFile.FromParagraph(ours, "ours").Files);
        // Line by line too, so the column layout (sizes right-aligned to 16) is the same.
        foreach (var layout in ChecksumFieldLayout.Release)
            Assert.Equal(Lines(theirs[layout.Field]!), Lines(ours[layout.Field]!));
    }

    private static IEnumerable<string> Lines(string value) => value.Split('\n').Order(StringComparer.Ordinal);

    [GeneratedRegex(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$")]
    private static partial Regex DateShape();
}
