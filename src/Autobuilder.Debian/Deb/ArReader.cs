using System.Text;

namespace Autobuilder.Debian.Deb;

/// <summary>
/// Reads the common ar format as deb(5) uses it: the 8-byte magic <c>!&lt;arch&gt;\n</c>, then for
/// each member a 60-byte ASCII header followed by the data, padded with one '\n' to an even offset.
/// deb(5) allows only the common format ("no long filename extensions, but with file names
/// containing an optional trailing slash"), so GNU ('/', '//', '/N') and BSD ('#1/N') long-name
/// members are refused with a clear error rather than misread.
/// </summary>
public sealed class ArReader
{
    /// <summary>The global header of every ar archive.</summary>
    public const string Magic = "!<arch>\n";

    // Header layout (ar(5), deb(5)): name[16] mtime[12] uid[6] gid[6] mode[8] size[10] fmag[2].
    private const int HeaderSize = 60;
    private const int NameOffset = 0, NameLength = 16;
    private const int MtimeOffset = 16, MtimeLength = 12;
    private const int SizeOffset = 48, SizeLength = 10;
    private const int FmagOffset = 58;
    private static ReadOnlySpan<byte> HeaderTerminator => "`\n"u8;

    private readonly Stream _stream;
    private readonly string _source;
    private readonly byte[] _header = new byte[HeaderSize];
    private BoundedReadStream? _current;
    private bool _currentOdd;
    private bool _ended;

    /// <param name="source">The archive's name for error messages (a file name or path).</param>
    public ArReader(Stream stream, string source)
    {
        _stream = stream;
        _source = source;
        Span<byte> magic = stackalloc byte[Magic.Length];
        var n = ReadUpTo(magic);
        if (n == 0)
            throw new DebianFormatException($"{source}: not a .deb: the file is empty");
        if (n < magic.Length || !magic.SequenceEqual("!<arch>\n"u8))
            throw new DebianFormatException($"{source}: not a .deb: not an ar archive (it does not start with '!<arch>')");
    }

    /// <summary>
    /// The next member, or null at the end of the archive. Whatever was not read of the previous
    /// member is skipped first.
    /// </summary>
    public ArMember? Next()
    {
        if (_ended)
            return null;
        SkipCurrent();

        var n = ReadUpTo(_header);
        if (n == 0)
        {
            _ended = true;
            return null;
        }
        if (n < HeaderSize)
            throw new DebianFormatException($"{_source}: truncated: the file ends inside an ar member header");
        if (!_header.AsSpan(FmagOffset, 2).SequenceEqual(HeaderTerminator))
            throw new DebianFormatException($"{_source}: corrupt ar member header (it does not end in '`\\n')");

        var name = ParseName();
        var size = ParseNumber(SizeOffset, SizeLength, name, "size");
        var mtime = ParseNumber(MtimeOffset, MtimeLength, name, "modification time");
        _current = new BoundedReadStream(_stream, size, _source, $"member '{name}'", "file");
        _currentOdd = (size & 1) == 1;
        return new ArMember(name, size, mtime, _current);
    }

    private void SkipCurrent()
    {
        if (_current is null)
            return;
        _current.SkipRest();
        _current = null;
        if (_currentOdd)
        {
            // The padding byte; a missing one at the very end of the file is harmless, as for ar(1).
            Span<byte> pad = stackalloc byte[1];
            if (ReadUpTo(pad) == 0)
                _ended = true;
        }
    }

    private string ParseName()
    {
        foreach (var b in _header.AsSpan(NameOffset, NameLength))
        {
            if (b < ' ' || b >= 0x7F)
                throw new DebianFormatException($"{_source}: corrupt ar member header (the name is not printable ASCII)");
        }
        var raw = Encoding.ASCII.GetString(_header, NameOffset, NameLength).TrimEnd(' ');
        if (raw.StartsWith("#1/", StringComparison.Ordinal))
            throw new DebianFormatException($"{_source}: ar member '{raw}' uses a BSD long file name, which a .deb must not contain (deb(5))");
        if (raw.StartsWith('/'))
            throw new DebianFormatException($"{_source}: ar member '{raw}' is a GNU symbol table or long-name entry, which a .deb must not contain (deb(5))");
        var name = raw.EndsWith('/') ? raw[..^1] : raw;
        if (name.Length == 0)
            throw new DebianFormatException($"{_source}: ar member header has an empty name");
        return name;
    }

    // Numbers are ASCII decimal, left-aligned and space-padded.
    private long ParseNumber(int offset, int length, string member, string what)
    {
        var field = _header.AsSpan(offset, length);
        long value = 0;
        var digits = 0;
        foreach (var b in field)
        {
            if (b == ' ')
            {
                if (digits > 0)
                    break;
                continue;
            }
            if (b < '0' || b > '9')
                throw new DebianFormatException($"{_source}: ar member '{member}' has an invalid {what} field '{Encoding.ASCII.GetString(field).Trim()}'");
            value = value * 10 + (b - '0');
            digits++;
        }
        if (digits == 0)
            throw new DebianFormatException($"{_source}: ar member '{member}' has an empty {what} field");
        return value;
    }

    private int ReadUpTo(Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = _stream.Read(buffer[total..]);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }
}
