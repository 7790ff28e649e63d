using Autobuilder.Debian.Deb;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Deb;

public class TarReaderTests
{
    // 121 characters: longer than ustar's 100-byte name field, so each format stores it its own
    // way (GNU ././@LongLink, pax path, ustar prefix).
    private static readonly string LongName = new string('d', 60) + "/" + new string('n', 60);

    private static List<TarEntry> ReadAll(string tarFile)
    {
        using var stream = File.OpenRead(tarFile);
        var tar = new TarReader(stream, tarFile);
        var list = new List<TarEntry>();
        while (tar.Next() is { } e)
            list.Add(e);
        return list;
    }

    private static TempDir Tree()
    {
        var dir = new TempDir();
        dir.Write("src/file.txt", "twelve bytes");
        dir.Write($"src/{LongName}", "long");
        Directory.CreateDirectory(dir["src/empty"]);
        File.CreateSymbolicLink(dir["src/link"], "file.txt");
        return dir;
    }

    [Theory]
    [InlineData("gnu")]
    [InlineData("posix")]
    [InlineData("ustar")]
    [InlineData("v7")]
    public void Should_list_names_sizes_and_types_as_tar_does_When_written_in_each_format(string format)
    {
        using var dir = Tree();
        var withLong = format != "v7"; // v7 cannot store a 120-byte name at all
        var members = withLong ? new[] { "./file.txt", "./empty", "./link", "./" + LongName } : ["./file.txt", "./empty", "./link"];
        Tool.Run("tar", ["--format=" + format, "--no-recursion", "-C", dir["src"], "-cf", dir["t.tar"], .. members]).Ok();

        var entries = ReadAll(dir["t.tar"]);

        var expected = Tool.Run("tar", "-tf", dir["t.tar"]).Ok().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, entries.Select(e => e.Name));
        Assert.Equal((TarEntryType.RegularFile, 12L), (entries[0].Type, entries[0].Size));
        Assert.Equal(TarEntryType.Directory, entries[1].Type);
        Assert.Equal((TarEntryType.SymbolicLink, "file.txt"), (entries[2].Type, entries[2].LinkName));
        if (withLong)
            Assert.Equal(("./" + LongName, 4L), (entries[3].Name, entries[3].Size));
    }

    [Fact]
    public void Should_use_the_pax_path_When_the_name_is_not_ascii()
    {
        using var dir = new TempDir();
        dir.Write("src/café-ünïcode.txt", "x");
        Tool.Run("tar", "--format=posix", "-C", dir["src"], "-cf", dir["t.tar"], "./café-ünïcode.txt").Ok();

        var entries = ReadAll(dir["t.tar"]);

        Assert.Equal("./café-ünïcode.txt", Assert.Single(entries).Name);
    }

    [Fact]
    public void Should_refuse_a_header_When_its_checksum_is_wrong()
    {
        using var dir = Tree();
        Tool.Run("tar", "-C", dir["src"], "-cf", dir["t.tar"], "./file.txt").Ok();
        var bytes = File.ReadAllBytes(dir["t.tar"]);
        bytes[0] ^= 0x20; // change the name without fixing the checksum

        var tar = new TarReader(new MemoryStream(bytes), "t.tar");
        var ex = Assert.Throws<DebianFormatException>(() => tar.Next());

        Assert.Contains("checksum", ex.Message);
    }

    [Fact]
    public void Should_report_truncation_When_the_archive_ends_inside_a_file()
    {
        using var dir = new TempDir();
        dir.Write("src/big", new string('b', 5000));
        Tool.Run("tar", "-C", dir["src"], "-cf", dir["t.tar"], "./big").Ok();
        var bytes = File.ReadAllBytes(dir["t.tar"])[..2048];

        var tar = new TarReader(new MemoryStream(bytes), "t.tar");
        var entry = tar.Next()!;
        var ex = Assert.Throws<DebianFormatException>(() => tar.ReadContent(entry, 1 << 20));

        Assert.Contains("t.tar: truncated", ex.Message);
    }
}
