using System.Text;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Deb;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Deb;

public class DebFileTests
{
    [Theory]
    [InlineData("gzip", "control.tar.gz", "data.tar.gz")]
    [InlineData("xz", "control.tar.xz", "data.tar.xz")]
    [InlineData("zstd", "control.tar.zst", "data.tar.zst")]
    [InlineData("none", "control.tar", "data.tar")]
    public void Should_read_the_control_fields_dpkg_deb_reports_When_built_with_each_compression(string compression, string controlMember, string dataMember)
    {
        using var dir = new TempDir();
        var deb = DebBuilder.Build(dir.Path, dir["out/foo.deb"], DebBuilder.SampleControl("foo"), compression);

        var read = DebFile.ReadFile(deb);

        var expected = ControlFile.ParseSingle(Tool.Run("dpkg-deb", "--field", deb).Ok().Stdout, "dpkg-deb --field");
        Assert.Equal(expected.Select(f => (f.Name, f.Value)), read.Control.Select(f => (f.Name, f.Value)));
        Assert.Equal((controlMember, dataMember, "2.0"), (read.ControlMember, read.DataMember, read.FormatVersion));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("xz")]
    [InlineData("zstd")]
    public void Should_list_the_data_entries_dpkg_deb_lists_When_asked_for_them(string compression)
    {
        using var dir = new TempDir();
        var files = new Dictionary<string, string>
        {
            ["usr/bin/tool"] = "#!/bin/sh\n",
            ["usr/share/doc/foo/README"] = "read me\n",
            ["usr/share/" + new string('x', 90) + "/" + new string('y', 90)] = "long path\n",
        };
        var deb = DebBuilder.Build(dir.Path, dir["out/foo.deb"], DebBuilder.SampleControl("foo"), compression, files);

        var read = DebFile.ReadFile(deb, DebReadOptions.DataEntries);

        // dpkg-deb --contents prints "mode owner/group size date time name"; compare names and sizes.
        var expected = Tool.Run("dpkg-deb", "--contents", deb).Ok().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Select(p => (Name: p[5], Size: long.Parse(p[2])));
        Assert.Equal(expected, read.DataEntries!.Select(e => (e.Name, e.Size)));
        Assert.Contains(read.DataEntries!, e => e.NormalizedName == "usr/bin" && e.Type == TarEntryType.Directory);
    }

    [Fact]
    public void Should_read_md5sums_When_the_package_has_them()
    {
        using var dir = new TempDir();
        var deb = DebBuilder.Build(dir.Path, dir["out/foo.deb"], DebBuilder.SampleControl("foo"), "xz",
            md5sums: "5d41402abc4b2a76b9719d911017c592  usr/share/doc/test/README\n");

        var read = DebFile.ReadFile(deb, DebReadOptions.Md5Sums);

        Assert.Equal("5d41402abc4b2a76b9719d911017c592", Assert.Single(read.Md5Sums!, p => p.Key == "usr/share/doc/test/README").Value);
        Assert.Null(read.DataEntries);
    }

    [Fact]
    public void Should_read_the_same_When_the_stream_cannot_seek()
    {
        using var dir = new TempDir();
        var deb = DebBuilder.Build(dir.Path, dir["out/foo.deb"], DebBuilder.SampleControl("foo"), "zstd");

        var read = DebFile.Read(new ArReaderTests.NonSeekable(File.ReadAllBytes(deb)), "foo.deb", DebReadOptions.DataEntries);

        Assert.Equal("foo", read.Control["Package"]);
        Assert.NotEmpty(read.DataEntries!);
    }

    [Fact]
    public void Should_name_the_file_and_say_truncated_When_the_deb_is_cut_short()
    {
        using var dir = new TempDir();
        var deb = DebBuilder.Build(dir.Path, dir["out/foo.deb"], DebBuilder.SampleControl("foo"), "xz");
        File.WriteAllBytes(dir["cut.deb"], File.ReadAllBytes(deb)[..^30]);

        var ex = Assert.Throws<DebianFormatException>(() => DebFile.ReadFile(dir["cut.deb"]));

        Assert.StartsWith(dir["cut.deb"] + ": truncated: member 'data.tar.xz'", ex.Message);
    }

    [Fact]
    public void Should_report_an_unknown_compression_When_the_control_member_is_lz4()
    {
        using var dir = new TempDir();
        var deb = DebBuilder.Build(dir.Path, dir["out/foo.deb"], DebBuilder.SampleControl("foo"), "gzip");
        var bytes = File.ReadAllBytes(deb);
        Rename(bytes, "control.tar.gz", "control.tar.lz4");
        File.WriteAllBytes(deb, bytes);

        var ex = Assert.Throws<DebianFormatException>(() => DebFile.ReadFile(deb));

        Assert.Equal($"{deb}: member 'control.tar.lz4' uses an unknown compression '.lz4' (deb(5) allows none, .gz, .xz or .zst)", ex.Message);
    }

    [Fact]
    public void Should_name_the_field_and_line_When_a_control_field_is_not_utf8()
    {
        using var dir = new TempDir();
        var control = Encoding.UTF8.GetBytes("Package: foo\nVersion: 1.0\nArchitecture: all\nMaintainer: Ren")
            .Concat(new byte[] { 0xE9 }) // Latin-1 'é'
            .Concat(Encoding.UTF8.GetBytes(" <r@example.org>\nDescription: x\n")).ToArray();
        var deb = DebBuilder.BuildRaw(dir.Path, dir["bad.deb"], control);

        var ex = Assert.Throws<ControlFileException>(() => DebFile.ReadFile(deb));

        Assert.Equal($"{deb} (control):4: field 'Maintainer': not valid UTF-8 (byte 0xE9); control files must be encoded in UTF-8", ex.Message);
    }

    [Fact]
    public void Should_name_the_line_When_the_control_file_is_malformed()
    {
        using var dir = new TempDir();
        var deb = DebBuilder.BuildRaw(dir.Path, dir["bad.deb"], "Package: foo\nVersion: 1.0\nthis line has no colon\n");

        var ex = Assert.Throws<ControlFileException>(() => DebFile.ReadFile(deb));

        Assert.Equal($"{deb} (control):3: expected 'Field: value', found 'this line has no colon'", ex.Message);
    }

    [Fact]
    public void Should_say_it_is_not_a_deb_When_given_a_text_file()
    {
        using var dir = new TempDir();
        var path = dir.Write("notes.deb", "just some text\n");

        var ex = Assert.Throws<DebianFormatException>(() => DebFile.ReadFile(path));

        Assert.Contains($"{path}: not a .deb", ex.Message);
    }

    [Fact]
    public void Should_say_the_data_member_is_missing_When_the_archive_has_none()
    {
        using var dir = new TempDir();
        var deb = DebBuilder.BuildRaw(dir.Path, dir["x.deb"], Encoding.UTF8.GetBytes("Package: foo\n"),
            [("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", null)]);

        var ex = Assert.Throws<DebianFormatException>(() => DebFile.ReadFile(deb));

        Assert.Equal($"{deb}: member 'data.tar' is missing", ex.Message);
    }

    [Fact]
    public void Should_say_the_control_member_is_missing_When_data_comes_right_after_debian_binary()
    {
        using var dir = new TempDir();
        var deb = DebBuilder.BuildRaw(dir.Path, dir["x.deb"], Encoding.UTF8.GetBytes("Package: foo\n"),
            [("debian-binary", "2.0\n"u8.ToArray()), ("data.tar.gz", null)]);

        var ex = Assert.Throws<DebianFormatException>(() => DebFile.ReadFile(deb));

        Assert.Contains("member 'control.tar' is missing", ex.Message);
    }

    [Fact]
    public void Should_refuse_format_3_When_debian_binary_says_so()
    {
        using var dir = new TempDir();
        var deb = DebBuilder.BuildRaw(dir.Path, dir["x.deb"], Encoding.UTF8.GetBytes("Package: foo\n"),
            [("debian-binary", "3.0\n"u8.ToArray()), ("control.tar.gz", null), ("data.tar.gz", null)]);

        var ex = Assert.Throws<DebianFormatException>(() => DebFile.ReadFile(deb));

        Assert.Contains("unsupported .deb format version '3.0'", ex.Message);
    }

    [Fact]
    public void Should_ignore_underscore_members_and_trailing_members_When_present()
    {
        using var dir = new TempDir();
        var deb = DebBuilder.BuildRaw(dir.Path, dir["x.deb"], Encoding.UTF8.GetBytes("Package: foo\n"),
            [("debian-binary", "2.0\n"u8.ToArray()), ("_gpgorigin", "sig"u8.ToArray()), ("control.tar.gz", null),
             ("data.tar.gz", null), ("extra", "later"u8.ToArray())]);

        var read = DebFile.ReadFile(deb);

        Assert.Equal("foo", read.Control["Package"]);
    }

    [Fact]
    public void Should_accept_bzip2_data_for_the_control_but_refuse_listing_it_When_data_is_bz2()
    {
        using var dir = new TempDir();
        dir.Write("d/usr/x", "x");
        Tool.Run("tar", "-C", dir["d"], "-cjf", dir["data.tar.bz2"], ".").Ok();
        var deb = DebBuilder.BuildRaw(dir.Path, dir["x.deb"], Encoding.UTF8.GetBytes("Package: foo\n"),
            [("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", null), ("data.tar.bz2", File.ReadAllBytes(dir["data.tar.bz2"]))]);

        var control = DebFile.ReadFile(deb).Control;
        var ex = Assert.Throws<DebianFormatException>(() => DebFile.ReadFile(deb, DebReadOptions.DataEntries));

        Assert.Equal("foo", control["Package"]);
        Assert.Contains("'data.tar.bz2': unsupported compression '.bz2'", ex.Message);
    }

    [Fact]
    public void Should_report_corrupt_data_When_the_compressed_control_is_damaged()
    {
        using var dir = new TempDir();
        var deb = DebBuilder.Build(dir.Path, dir["out/foo.deb"], DebBuilder.SampleControl("foo"), "xz");
        var bytes = File.ReadAllBytes(deb);
        var at = Encoding.ASCII.GetString(bytes).IndexOf("control.tar.xz", StringComparison.Ordinal) + 60;
        for (var i = at + 20; i < at + 40; i++)
            bytes[i] ^= 0x55;
        File.WriteAllBytes(deb, bytes);

        var ex = Assert.Throws<DebianFormatException>(() => DebFile.ReadFile(deb));

        Assert.StartsWith($"{deb}: control.tar.xz: ", ex.Message);
    }

    /// <summary>Renames an ar member in place (the name field is 16 bytes, space-padded).</summary>
    private static void Rename(byte[] deb, string from, string to)
    {
        var at = Encoding.ASCII.GetString(deb).IndexOf(from, StringComparison.Ordinal);
        Assert.True(at > 0);
        Encoding.ASCII.GetBytes(to.PadRight(16)).CopyTo(deb, at);
    }
}
