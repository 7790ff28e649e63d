using System.Text;
using Autobuilder.Debian.Compression;
using Autobuilder.Debian.Deb;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Deb;

/// <summary>
/// A .deb comes from a build, which is package code: its control member is read with caps on the
/// bytes it inflates to, its entries, the control file's size and xz's memory, each refusal naming
/// the .deb and what was too big.
/// </summary>
public class DebLimitsTests
{
    private const string Control = "Package: bomb\nVersion: 1\nArchitecture: all\nMaintainer: M <m@example.org>\nDescription: d\n";

    /// <summary>A control.tar.gz made by tar and gzip from <paramref name="files"/> (name, size of zeros), then ./control.</summary>
    private static byte[] ControlTar(TempDir dir, IEnumerable<(string Name, long Size)> files, string control = Control)
    {
        var c = Directory.CreateDirectory(dir["ctl-" + Guid.NewGuid().ToString("N")]).FullName;
        var names = new List<string>();
        foreach (var (name, size) in files)
        {
            using (var f = File.Create(Path.Combine(c, name)))
                f.SetLength(size);
            names.Add("./" + name);
        }
        File.WriteAllText(Path.Combine(c, "control"), control);
        names.Add("./control");
        var list = Path.Combine(dir.Path, "names-" + Guid.NewGuid().ToString("N"));
        File.WriteAllLines(list, names);
        var tar = Path.Combine(dir.Path, "control-" + Guid.NewGuid().ToString("N") + ".tar.gz");
        Tool.Run("tar", "-C", c, "-czf", tar, "-T", list).Ok();
        return File.ReadAllBytes(tar);
    }

    private static string Deb(TempDir dir, byte[] controlTar) =>
        DebBuilder.BuildRaw(dir.Path, dir["bomb_1_all.deb"], Encoding.UTF8.GetBytes(Control),
            [("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", controlTar), ("data.tar.gz", null)]);

    [Fact]
    public void Should_refuse_the_control_archive_When_it_inflates_past_the_cap()
    {
        // Given: 80 MiB of zeros before the control file: a few dozen KiB compressed.
        using var dir = new TempDir();
        var deb = Deb(dir, ControlTar(dir, [("zeros", 80L << 20)]));

        // When
        var ex = Assert.Throws<DebianFormatException>(() => DebFile.ReadFile(deb));

        // Then
        Assert.Contains("bomb_1_all.deb: control.tar.gz: the control archive is more than 67108864 bytes once decompressed", ex.Message);
    }

    [Fact]
    public void Should_refuse_the_control_archive_When_it_holds_more_entries_than_the_cap()
    {
        using var dir = new TempDir();
        var deb = Deb(dir, ControlTar(dir, Enumerable.Range(0, DebFile.MaxControlTarEntries + 1).Select(i => ($"f{i}", 0L))));

        var ex = Assert.Throws<DebianFormatException>(() => DebFile.ReadFile(deb));

        Assert.Contains($"control.tar.gz: more than {DebFile.MaxControlTarEntries} entries in the control archive", ex.Message);
    }

    [Fact]
    public void Should_refuse_a_control_file_When_it_is_larger_than_one_stanza_may_be()
    {
        using var dir = new TempDir();
        var huge = Control + "X-Padding: " + new string('x', DebFile.MaxControlFileSize) + "\n";
        var deb = Deb(dir, ControlTar(dir, [], huge));

        var ex = Assert.Throws<DebianFormatException>(() => DebFile.ReadFile(deb));

        Assert.Contains($"'./control' is {huge.Length} bytes, more than the {DebFile.MaxControlFileSize} accepted", ex.Message);
    }

    [Fact]
    public void Should_still_read_a_package_When_it_is_within_every_cap()
    {
        // Control-side neighbours of a real size (an md5sums of some MiB) stay readable.
        using var dir = new TempDir();
        var deb = Deb(dir, ControlTar(dir, [("md5sums", 0), ("postinst", 4 << 20)]));

        var read = DebFile.ReadFile(deb);

        Assert.Equal("bomb", read.Control["Package"]);
    }

    [Fact]
    public void Should_refuse_an_xz_stream_When_it_needs_more_memory_than_allowed()
    {
        // xz -6 asks the decoder for about 9 MiB: with a 1 MiB limit liblzma refuses before allocating.
        using var dir = new TempDir();
        File.WriteAllBytes(dir["plain"], new byte[100_000]);
        var compressed = Tool.RunBytes("xz", ["-6", "-c", dir["plain"]]);

        var ex = Assert.Throws<InvalidDataException>(() =>
        {
            using var s = XzStream.Decompress(new MemoryStream(compressed), memoryLimit: 1 << 20);
            s.CopyTo(Stream.Null);
        });

        Assert.Equal("xz: the stream needs more than the 1 MiB of memory allowed for decompressing it", ex.Message);
    }
}
