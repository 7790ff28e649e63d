using System.IO.Compression;
using System.Text;

namespace Autobuilder.Benchmarks;

/// <summary>
/// Writes many small, valid .debs quickly: the ar archive (deb(5)), control.tar.gz and data.tar.gz
/// are assembled here byte by byte, because running dpkg-deb 50,000 times would take far longer
/// than the benchmark itself. A sample is checked with dpkg-deb --info by the caller.
/// </summary>
internal static class DebGenerator
{
    private const int Block = 512;

    /// <summary>The relative path of package <paramref name="i"/>: 100 packages per folder, like a pool.</summary>
    public static string RelativePath(int i) => $"pool/main/{i / 100:D4}/bench{i}_1.0-{i % 7}_amd64.deb";

    public static void Generate(string root, int count)
    {
        var data = DataTarGz();
        Parallel.For(0, count, i => Write(Path.Combine(root, RelativePath(i)), i, data));
    }

    public static void Write(string path, int i, byte[] dataTarGz) => Write(path, Control(i), dataTarGz);

    private static string Control(int i) => $"""
            Package: bench{i}
            Version: 1.0-{i % 7}
            Architecture: amd64
            Maintainer: Bench Maker <bench@example.org>
            Installed-Size: 8
            Depends: libc6 (>= 2.36), libbench{i % 13} (>= 0.{i % 5})
            Section: misc
            Priority: optional
            Homepage: https://example.org/bench/{i}
            Description: generated package number {i}
             This package was generated for the scan benchmark.
             .
             It has a two-paragraph long description.

            """.Replace("\r\n", "\n");

    /// <summary>A .deb whose control file is <paramref name="control"/> (a paragraph ending in a newline).</summary>
    public static void Write(string path, string control, byte[] dataTarGz)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var tar = new MemoryStream();
        TarEntry(tar, "./", '5', 0x1ED, []);
        TarEntry(tar, "./control", '0', 0x1A4, Encoding.UTF8.GetBytes(control));
        tar.Write(new byte[2 * Block]);
        var controlTarGz = Gzip(tar.ToArray());

        using var deb = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 4096);
        deb.Write("!<arch>\n"u8);
        ArMember(deb, "debian-binary", "2.0\n"u8);
        ArMember(deb, "control.tar.gz", controlTarGz);
        ArMember(deb, "data.tar.gz", dataTarGz);
    }

    public static byte[] DataTarGz()
    {
        using var tar = new MemoryStream();
        foreach (var dir in new[] { "./", "./usr/", "./usr/share/", "./usr/share/doc/", "./usr/share/doc/bench/" })
            TarEntry(tar, dir, '5', 0x1ED, []);
        TarEntry(tar, "./usr/share/doc/bench/copyright", '0', 0x1A4, "Generated for a benchmark; no copyright.\n"u8.ToArray());
        tar.Write(new byte[2 * Block]);
        return Gzip(tar.ToArray());
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(bytes);
        return ms.ToArray();
    }

    // ar member header (deb(5)): name[16] mtime[12] uid[6] gid[6] mode[8] size[10] "`\n"; data padded to even.
    private static void ArMember(Stream s, string name, ReadOnlySpan<byte> content)
    {
        var header = $"{name,-16}{1700000000,-12}{0,-6}{0,-6}{"100644",-8}{content.Length,-10}`\n";
        s.Write(Encoding.ASCII.GetBytes(header));
        s.Write(content);
        if (content.Length % 2 == 1)
            s.WriteByte((byte)'\n');
    }

    // POSIX ustar header; the checksum is the byte sum with the checksum field counted as spaces.
    private static void TarEntry(Stream s, string name, char type, int mode, byte[] content)
    {
        var h = new byte[Block];
        Encoding.ASCII.GetBytes(name).CopyTo(h, 0);
        Octal(h, 100, 8, mode);
        Octal(h, 108, 8, 0);
        Octal(h, 116, 8, 0);
        Octal(h, 124, 12, content.Length);
        Octal(h, 136, 12, 1700000000);
        h.AsSpan(148, 8).Fill((byte)' ');
        h[156] = (byte)type;
        "ustar\0"u8.CopyTo(h.AsSpan(257));
        "00"u8.CopyTo(h.AsSpan(263));
        "root"u8.CopyTo(h.AsSpan(265));
        "root"u8.CopyTo(h.AsSpan(297));
        var sum = 0;
        foreach (var b in h)
            sum += b;
        Octal(h, 148, 7, sum);
        s.Write(h);
        s.Write(content);
        s.Write(new byte[(Block - content.Length % Block) % Block]);
    }

    private static void Octal(byte[] h, int offset, int length, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        Encoding.ASCII.GetBytes(digits).CopyTo(h, offset);
        h[offset + length - 1] = 0;
    }
}
