using System.Text;

namespace Autobuilder.Debian.Deb;

/// <summary>
/// A minimal, forward-only tar reader for what a .deb contains (deb(5): v7, pre-POSIX ustar, GNU
/// long names, POSIX ustar/pax). It reads 512-byte headers (POSIX.1-2017 "ustar Interchange
/// Format"), applies GNU <c>././@LongLink</c> entries ('L' name, 'K' link name) and pax extended
/// headers ('x' for the next entry, 'g' for all following ones: path, linkpath, size) to the entry
/// they describe, and refuses any other typeflag, as dpkg does ("Unrecognized tar typeflags are
/// considered an error", deb(5)).
/// </summary>
public sealed class TarReader
{
    private const int BlockSize = 512;
    // Metadata entries (long names, pax records) are small; a bigger one is a corrupt header.
    private const int MaxMetadataSize = 1 << 20;

    // Header layout, POSIX ustar: name[100] mode[8] uid[8] gid[8] size[12] mtime[12] chksum[8]
    // typeflag[1] linkname[100] magic[6] version[2] uname[32] gname[32] devmajor[8] devminor[8] prefix[155].
    private const int NameOffset = 0, NameLength = 100;
    private const int ModeOffset = 100, ModeLength = 8;
    private const int SizeOffset = 124, SizeLength = 12;
    private const int MtimeOffset = 136, MtimeLength = 12;
    private const int ChecksumOffset = 148, ChecksumLength = 8;
    private const int TypeOffset = 156;
    private const int LinkNameOffset = 157, LinkNameLength = 100;
    private const int MagicOffset = 257;
    private const int PrefixOffset = 345, PrefixLength = 155;
    // "ustar\0" + version "00" is POSIX (has a prefix field); "ustar  \0" is GNU (uses that area otherwise).
    private static ReadOnlySpan<byte> PosixMagic => "ustar\0"u8;

    private const byte GnuLongName = (byte)'L';
    private const byte GnuLongLink = (byte)'K';
    private const byte PaxExtended = (byte)'x';
    private const byte PaxGlobal = (byte)'g';

    private readonly Stream _stream;
    private readonly string _source;
    private readonly byte[] _header = new byte[BlockSize];
    private Dictionary<string, string>? _globalPax;
    private BoundedReadStream? _content;
    private long _padding;
    private bool _ended;

    /// <param name="source">What to call the archive in error messages ("x.deb: data.tar.xz").</param>
    public TarReader(Stream stream, string source)
    {
        _stream = stream;
        _source = source;
    }

    /// <summary>The current entry's content (empty for anything but a regular file); valid until <see cref="Next"/>.</summary>
    public Stream Content => _content ?? Stream.Null;

    /// <summary>The next entry, or null at the end of the archive.</summary>
    public TarEntry? Next()
    {
        if (_ended)
            return null;
        SkipContent();

        string? longName = null, longLink = null;
        Dictionary<string, string>? pax = null;
        while (true)
        {
            if (!ReadBlock(_header, atEntryStart: true))
                return End();
            if (IsZeroBlock(_header))
                return End();
            VerifyChecksum();

            var type = _header[TypeOffset];
            var size = ParseNumber(SizeOffset, SizeLength, "size");
            if (type is GnuLongName or GnuLongLink or PaxExtended or PaxGlobal)
            {
                var data = ReadMetadata(size, type);
                switch (type)
                {
                    case GnuLongName: longName = CString(data); break;
                    case GnuLongLink: longLink = CString(data); break;
                    case PaxExtended: ParsePax(data, pax ??= new(StringComparer.Ordinal)); break;
                    default: ParsePax(data, _globalPax ??= new(StringComparer.Ordinal)); break;
                }
                continue;
            }

            var entryType = type switch
            {
                (byte)'0' or 0 or (byte)'7' => TarEntryType.RegularFile,
                (byte)'1' => TarEntryType.HardLink,
                (byte)'2' => TarEntryType.SymbolicLink,
                (byte)'3' => TarEntryType.CharacterDevice,
                (byte)'4' => TarEntryType.BlockDevice,
                (byte)'5' => TarEntryType.Directory,
                (byte)'6' => TarEntryType.Fifo,
                _ => throw new DebianFormatException(
                    $"{_source}: unsupported tar entry type '{(type is >= 0x20 and < 0x7F ? ((char)type).ToString() : $"\\x{type:X2}")}' (dpkg accepts only POSIX ustar, pax and GNU long-name entries)"),
            };

            var name = longName ?? Pax(pax, "path") ?? HeaderName();
            var link = longLink ?? Pax(pax, "linkpath") ?? FieldString(LinkNameOffset, LinkNameLength);
            if (Pax(pax, "size") is { } paxSize)
            {
                if (!long.TryParse(paxSize, out size) || size < 0)
                    throw new DebianFormatException($"{_source}: pax header of '{name}' has an invalid size '{paxSize}'");
            }
            // Only regular files carry data; for links, devices and directories the size field is ignored.
            if (entryType != TarEntryType.RegularFile)
                size = 0;
            var mode = (int)ParseNumber(ModeOffset, ModeLength, "mode");
            var mtime = ParseNumber(MtimeOffset, MtimeLength, "mtime");
            StartContent(size, $"'{name}'");
            return new TarEntry(name, entryType, size, mode, mtime,
                entryType is TarEntryType.HardLink or TarEntryType.SymbolicLink ? link : null);
        }
    }

    /// <summary>Reads the current entry's content into memory, refusing more than <paramref name="maxBytes"/>.</summary>
    public byte[] ReadContent(TarEntry entry, int maxBytes)
    {
        if (entry.Size > maxBytes)
            throw new DebianFormatException($"{_source}: '{entry.Name}' is {entry.Size} bytes, more than the {maxBytes} accepted");
        var bytes = new byte[entry.Size];
        Content.ReadExactly(bytes);
        return bytes;
    }

    private TarEntry? End()
    {
        // The archive ends with two zero blocks; what follows (or a missing second block) is ignored, as tar(1) does.
        _ended = true;
        return null;
    }

    private void StartContent(long size, string name)
    {
        _content = new BoundedReadStream(_stream, size, _source, name, "archive");
        _padding = (BlockSize - size % BlockSize) % BlockSize;
    }

    private void SkipContent()
    {
        if (_content is null)
            return;
        _content.SkipRest();
        _content = null;
        if (_padding > 0)
        {
            Span<byte> pad = stackalloc byte[BlockSize];
            if (!ReadBlock(pad[..(int)_padding], atEntryStart: false))
                throw Truncated();
            _padding = 0;
        }
    }

    private byte[] ReadMetadata(long size, byte type)
    {
        if (size > MaxMetadataSize)
            throw new DebianFormatException($"{_source}: tar '{(char)type}' header claims {size} bytes; refusing more than {MaxMetadataSize}");
        StartContent(size, $"{(char)type} header");
        var data = new byte[size];
        _content!.ReadExactly(data);
        SkipContent();
        return data;
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes; false if the stream ends before the first byte.</summary>
    private bool ReadBlock(Span<byte> buffer, bool atEntryStart)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = _stream.Read(buffer[total..]);
            if (n == 0)
            {
                if (total == 0 && atEntryStart)
                    return false;
                throw Truncated();
            }
            total += n;
        }
        return true;
    }

    private DebianFormatException Truncated() => new($"{_source}: truncated: the tar archive ends inside a block");

    private static bool IsZeroBlock(ReadOnlySpan<byte> block) => !block.ContainsAnyExcept((byte)0);

    // POSIX: the checksum is the sum of all header bytes with the checksum field taken as eight
    // spaces. Some old tars summed signed chars; accept either, as GNU tar does.
    private void VerifyChecksum()
    {
        var stored = ParseNumber(ChecksumOffset, ChecksumLength, "checksum");
        long unsigned = 0, signed = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var b = i is >= ChecksumOffset and < ChecksumOffset + ChecksumLength ? (byte)' ' : _header[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        if (stored != unsigned && stored != signed)
            throw new DebianFormatException($"{_source}: not a tar archive, or a corrupt one (header checksum mismatch)");
    }

    // Numeric fields are octal ASCII padded with spaces or NULs; GNU writes large values in
    // base-256 with the top bit of the first byte set.
    private long ParseNumber(int offset, int length, string what)
    {
        var field = _header.AsSpan(offset, length);
        if ((field[0] & 0x80) != 0)
        {
            if (field[0] == 0xFF)
                throw new DebianFormatException($"{_source}: tar header has a negative {what}");
            long big = field[0] & 0x7F;
            foreach (var b in field[1..])
            {
                if (big > (long.MaxValue >> 8))
                    throw new DebianFormatException($"{_source}: tar header {what} is too large");
                big = (big << 8) | b;
            }
            return big;
        }
        long value = 0;
        var i = 0;
        while (i < field.Length && field[i] == ' ')
            i++;
        for (; i < field.Length && field[i] is >= (byte)'0' and <= (byte)'7'; i++)
            value = value * 8 + (field[i] - '0');
        for (; i < field.Length; i++)
        {
            if (field[i] is not (0 or (byte)' '))
                throw new DebianFormatException($"{_source}: not a tar archive, or a corrupt one (invalid {what} field)");
        }
        return value;
    }

    private string HeaderName()
    {
        var name = FieldString(NameOffset, NameLength);
        if (_header.AsSpan(MagicOffset, PosixMagic.Length).SequenceEqual(PosixMagic))
        {
            var prefix = FieldString(PrefixOffset, PrefixLength);
            if (prefix.Length > 0)
                return prefix + "/" + name;
        }
        return name;
    }

    private string FieldString(int offset, int length) => CString(_header.AsSpan(offset, length));

    // Names are bytes; UTF-8 is what dpkg and pax write. Anything else is shown, not refused: it is
    // only listed, never used as a path here.
    private static string CString(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? bytes[..end] : bytes);
    }

    // A local ('x') record wins over a global ('g') one; an empty value deletes the keyword, so the
    // header's own field applies (POSIX pax, "extended header keyword" rules).
    private string? Pax(Dictionary<string, string>? local, string key)
    {
        string? value = null;
        if (local is null || !local.TryGetValue(key, out value))
            _globalPax?.TryGetValue(key, out value);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    // pax records (POSIX pax "extended header"): "<length> <keyword>=<value>\n", the length counting
    // the whole record in bytes including itself and the newline.
    private void ParsePax(ReadOnlySpan<byte> data, Dictionary<string, string> into)
    {
        while (!data.IsEmpty)
        {
            var space = data.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(data[..space], out var length) || length <= space + 1 || length > data.Length
                || data[length - 1] != '\n')
                throw new DebianFormatException($"{_source}: malformed pax extended header record");
            var record = data[(space + 1)..(length - 1)];
            var eq = record.IndexOf((byte)'=');
            if (eq <= 0)
                throw new DebianFormatException($"{_source}: malformed pax extended header record (no '=')");
            into[Encoding.UTF8.GetString(record[..eq])] = Encoding.UTF8.GetString(record[(eq + 1)..]);
            data = data[length..];
        }
    }
}
