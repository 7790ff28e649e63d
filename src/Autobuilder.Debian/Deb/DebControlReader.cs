using System.Formats.Tar;
using System.Globalization;
using System.Text;
using Autobuilder.Debian.Compression;
using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Deb;

/// <summary>
/// The smallest reader of a .deb's control paragraph that does not run dpkg-deb: the ar archive's
/// control.tar member (none, .gz, .xz or .zst; deb(5)), and in it the "control" file. It reads
/// nothing of data.tar. A stand-in until the full .deb reader (DebFile) is merged; the stage uses
/// it only through <see cref="IDebControlReader"/>.
/// </summary>
public sealed class DebControlReader : IDebControlReader
{
    private const int ArHeaderSize = 60;
    private static readonly byte[] ArMagic = "!<arch>\n"u8.ToArray();

    // A control file is a few KiB; a member this large is a broken or hostile package.
    private const long MaxControlTarSize = 64L << 20;

    public ControlParagraph ReadControl(string debPath)
    {
        using var stream = new FileStream(debPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        var magic = new byte[ArMagic.Length];
        if (stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) != magic.Length || !magic.AsSpan().SequenceEqual(ArMagic))
            throw new DebianFormatException($"{debPath}: not a .deb (no ar archive signature)");

        var header = new byte[ArHeaderSize];
        while (stream.ReadAtLeast(header, ArHeaderSize, throwOnEndOfStream: false) == ArHeaderSize)
        {
            var name = Encoding.ASCII.GetString(header, 0, 16).TrimEnd(' ').TrimEnd('/');
            var sizeText = Encoding.ASCII.GetString(header, 48, 10).Trim();
            if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || header[58] != '`' || header[59] != '\n')
                throw new DebianFormatException($"{debPath}: damaged ar member header near offset {stream.Position - ArHeaderSize}");
            var dataStart = stream.Position;
            if (name.StartsWith("control.tar", StringComparison.Ordinal))
            {
                if (size > MaxControlTarSize)
                    throw new DebianFormatException($"{debPath}: {name} is {size} bytes, too large for a control archive");
                var member = new byte[size];
                stream.ReadExactly(member);
                return ReadControlTar(member, Compressions.FromFileName(name), debPath);
            }
            // Members are padded to an even offset.
            stream.Position = dataStart + size + (size & 1);
        }
        throw new DebianFormatException($"{debPath}: no control.tar member");
    }

    private static ControlParagraph ReadControlTar(byte[] member, CompressionKind compression, string debPath)
    {
        using var compressed = new MemoryStream(member, writable: false);
        using var tarStream = Compressions.Decompress(compressed, compression, leaveOpen: true);
        using var tar = new TarReader(tarStream);
        while (tar.GetNextEntry() is { } entry)
        {
            var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
            if (name != "control" || entry.DataStream is null)
                continue;
            using var text = new MemoryStream();
            entry.DataStream.CopyTo(text);
            return ControlFile.ParseSingle(ControlFile.Decode(text.GetBuffer().AsSpan(0, (int)text.Length), $"{debPath}: control"), $"{debPath}: control");
        }
        throw new DebianFormatException($"{debPath}: control.tar has no 'control' file");
    }
}
