using System.Text;
using System.Text.Unicode;
using Autobuilder.Debian.Compression;
using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Deb;

/// <summary>
/// A binary package (.deb) read from a stream, without dpkg-deb. deb(5): an ar archive whose
/// members are, in this exact order, <c>debian-binary</c> ("2.x"), <c>control.tar</c> (possibly
/// compressed) and <c>data.tar</c> (possibly compressed); members named '_…' may sit between them
/// and must be ignored, and members after data.tar are ignored too. The stream is read once, front
/// to back; a seekable stream lets unread members be skipped by seeking.
/// </summary>
public sealed class DebFile
{
    public const string DebianBinaryMember = "debian-binary";
    public const string ControlTarMember = "control.tar";
    public const string DataTarMember = "data.tar";
    /// <summary>The control.tar entry holding the package's fields (deb(5), "control is mandatory").</summary>
    public const string ControlEntry = "control";
    public const string Md5SumsEntry = "md5sums";

    private const int MaxDebianBinarySize = 4096;

    /// <summary>
    /// The largest control file (one Packages stanza) accepted. Real ones are a few KiB; the
    /// longest in Debian (Provides of a Rust -dev package, Built-Using of a Go one) stay far below.
    /// </summary>
    public const int MaxControlFileSize = 1 << 20;

    /// <summary>How many bytes control.tar may decompress to before it is refused (md5sums of a huge package is some MiB).</summary>
    public const long MaxControlTarBytes = 64L << 20;

    /// <summary>How many entries control.tar may hold before it is refused (a real one has control, md5sums and a few scripts).</summary>
    public const int MaxControlTarEntries = 1000;

    /// <summary>
    /// The memory an xz-compressed member may make the decoder use: enough for xz -9e (64 MiB
    /// dictionary, what dpkg-deb -Zxz -z9 writes), not the 1.5 GiB a hand-made header may ask for.
    /// </summary>
    public const ulong XzMemoryLimit = 128UL << 20;

    private DebFile(string source, string formatVersion, string controlMember, string dataMember, ControlParagraph control,
        IReadOnlyDictionary<string, string>? md5Sums, IReadOnlyList<TarEntry>? dataEntries)
    {
        Source = source;
        FormatVersion = formatVersion;
        ControlMember = controlMember;
        DataMember = dataMember;
        Control = control;
        Md5Sums = md5Sums;
        DataEntries = dataEntries;
    }

    /// <summary>The name the file was read as; every error message starts with it.</summary>
    public string Source { get; }

    /// <summary>The first line of debian-binary, "2.0" for every current package.</summary>
    public string FormatVersion { get; }

    /// <summary>The control member's name, e.g. "control.tar.xz".</summary>
    public string ControlMember { get; }

    /// <summary>The data member's name, e.g. "data.tar.zst".</summary>
    public string DataMember { get; }

    /// <summary>The fields of control.tar's <c>control</c> file.</summary>
    public ControlParagraph Control { get; }

    /// <summary>Path (as in md5sums, no leading "./") → MD5; null unless asked for, empty if the package has none.</summary>
    public IReadOnlyDictionary<string, string>? Md5Sums { get; }

    /// <summary>data.tar's entries in archive order; null unless asked for.</summary>
    public IReadOnlyList<TarEntry>? DataEntries { get; }

    public static DebFile ReadFile(string path, DebReadOptions options = DebReadOptions.None)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        return Read(stream, path, options);
    }

    /// <param name="source">The file's name for error messages.</param>
    public static DebFile Read(Stream stream, string source, DebReadOptions options = DebReadOptions.None)
    {
        var ar = new ArReader(stream, source);

        var first = ar.Next() ?? throw new DebianFormatException($"{source}: not a .deb: the ar archive is empty (no '{DebianBinaryMember}' member)");
        if (first.Name != DebianBinaryMember)
            throw new DebianFormatException($"{source}: not a .deb: the first member is '{first.Name}', not '{DebianBinaryMember}'");
        var version = ParseDebianBinary(source, first);

        var controlMember = NextRequired(ar, source, ControlTarMember);
        var controlKind = DebMemberCompression.Parse(source, controlMember.Name, ControlTarMember, isData: false)!.Value;
        var (control, md5Sums) = ReadControlTar(source, controlMember, controlKind, options.HasFlag(DebReadOptions.Md5Sums));

        var dataMember = NextRequired(ar, source, DataTarMember);
        var dataKind = DebMemberCompression.Parse(source, dataMember.Name, DataTarMember, isData: true);
        IReadOnlyList<TarEntry>? entries = null;
        if (options.HasFlag(DebReadOptions.DataEntries))
        {
            if (dataKind is not { } kind)
                throw new DebianFormatException($"{source}: member '{dataMember.Name}': unsupported compression '{Path.GetExtension(dataMember.Name)}' (only none, .gz, .xz and .zst can be read here)");
            entries = ListDataTar(source, dataMember, kind);
        }

        // Later members are for future formats and are ignored (deb(5)); walking them still checks
        // that the file is complete, which a truncated download would not be.
        while (ar.Next() is not null) { }

        return new DebFile(source, version, controlMember.Name, dataMember.Name, control, md5Sums, entries);
    }

    private static string ParseDebianBinary(string source, ArMember member)
    {
        if (member.Size > MaxDebianBinarySize)
            throw new DebianFormatException($"{source}: '{DebianBinaryMember}' is {member.Size} bytes; expected a short version line such as '2.0'");
        var text = Encoding.ASCII.GetString(member.ReadAll());
        var line = text.Split('\n')[0].Trim();
        // deb(5): a new minor number (and new lines) must be accepted; a new major one must not.
        if (!line.StartsWith("2.", StringComparison.Ordinal) || line.Length < 3)
            throw new DebianFormatException($"{source}: unsupported .deb format version '{line}' in '{DebianBinaryMember}' (expected 2.x)");
        return line;
    }

    /// <summary>The next member that is not an ignorable '_' one; it must be <paramref name="expected"/>[.ext].</summary>
    private static ArMember NextRequired(ArReader ar, string source, string expected)
    {
        while (true)
        {
            var member = ar.Next() ?? throw new DebianFormatException($"{source}: member '{expected}' is missing");
            if (member.Name.StartsWith('_'))
                continue;
            if (member.Name.StartsWith(expected, StringComparison.Ordinal))
                return member;
            if (expected == ControlTarMember && member.Name.StartsWith(DataTarMember, StringComparison.Ordinal))
                throw new DebianFormatException($"{source}: member '{ControlTarMember}' is missing (found '{member.Name}' where it should be)");
            throw new DebianFormatException($"{source}: unexpected member '{member.Name}' where '{expected}' was expected (deb(5) order: {DebianBinaryMember}, {ControlTarMember}, {DataTarMember})");
        }
    }

    private static (ControlParagraph Control, IReadOnlyDictionary<string, string>? Md5Sums) ReadControlTar(
        string source, ArMember member, CompressionKind kind, bool wantMd5Sums)
    {
        var where = $"{source}: {member.Name}";
        byte[]? controlBytes = null, md5Bytes = null;
        Decoding(where, () =>
        {
            using var decompressed = Compressions.Decompress(member.Content, kind, leaveOpen: true, XzMemoryLimit);
            var tar = new TarReader(new CappedReadStream(decompressed, MaxControlTarBytes, where, "the control archive"), where);
            var entries = 0;
            while (tar.Next() is { } entry)
            {
                if (++entries > MaxControlTarEntries)
                    throw new DebianFormatException($"{where}: more than {MaxControlTarEntries} entries in the control archive; refusing to read further");
                var name = entry.NormalizedName;
                if (name == ControlEntry)
                    controlBytes = ReadRegular(tar, entry, where, MaxControlFileSize);
                else if (wantMd5Sums && name == Md5SumsEntry)
                    md5Bytes = ReadRegular(tar, entry, where, (int)MaxControlTarBytes);
                // Once we have what we need the rest of control.tar (maintainer scripts …) is skipped.
                if (controlBytes is not null && (!wantMd5Sums || md5Bytes is not null))
                    break;
            }
        });
        if (controlBytes is null)
            throw new DebianFormatException($"{where}: no '{ControlEntry}' file in the control archive");

        var control = ParseControl(source, controlBytes);
        IReadOnlyDictionary<string, string>? md5Sums = null;
        if (wantMd5Sums)
            md5Sums = md5Bytes is null ? new Dictionary<string, string>() : ParseMd5Sums(where, md5Bytes);
        return (control, md5Sums);
    }

    private static byte[] ReadRegular(TarReader tar, TarEntry entry, string where, int maxBytes)
    {
        if (entry.Type != TarEntryType.RegularFile)
            throw new DebianFormatException($"{where}: '{entry.Name}' is a {entry.Type}, not a regular file");
        return tar.ReadContent(entry, maxBytes);
    }

    /// <summary>Strict UTF-8 (Policy §5.1) and deb822 syntax, with errors that name the line and field.</summary>
    internal static ControlParagraph ParseControl(string source, byte[] bytes)
    {
        var controlSource = $"{source} ({ControlEntry})";
        if (!Utf8.IsValid(bytes))
        {
            // Say which field holds the bad byte: that is what the packager has to fix.
            Utf8.ToUtf16(bytes, new char[bytes.Length], out var valid, out _, replaceInvalidSequences: false);
            var lineStart = bytes.AsSpan(0, valid).LastIndexOf((byte)'\n') + 1;
            var line = 1 + bytes.AsSpan(0, valid).Count((byte)'\n');
            var fieldLine = lineStart;
            while (fieldLine > 0 && bytes[fieldLine] is (byte)' ' or (byte)'\t')
                fieldLine = bytes.AsSpan(0, fieldLine - 1).LastIndexOf((byte)'\n') + 1;
            var colon = bytes.AsSpan(fieldLine).IndexOfAny((byte)':', (byte)'\n');
            var field = colon > 0 && bytes[fieldLine + colon] == ':' ? Encoding.UTF8.GetString(bytes, fieldLine, colon) : null;
            throw new ControlFileException(controlSource, line,
                $"{(field is null ? "" : $"field '{field}': ")}not valid UTF-8 (byte 0x{bytes[valid]:X2}); control files must be encoded in UTF-8");
        }
        var text = ControlFile.Decode(bytes, controlSource);
        return ControlFile.ParseSingle(text, controlSource);
    }

    // md5sums: one "<md5>  <path>" line per file (dpkg's format; md5sum(1) output).
    private static Dictionary<string, string> ParseMd5Sums(string where, byte[] bytes)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNo = 0;
        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n'))
        {
            lineNo++;
            if (line.Length == 0)
                continue;
            if (line.Length < 35 || line[32] != ' ' || !line.AsSpan(0, 32).ContainsOnlyHex())
                throw new DebianFormatException($"{where}: {Md5SumsEntry}:{lineNo}: expected '<md5>  <path>'");
            var path = line.AsSpan(33).TrimStart(" *").ToString();
            result[path] = line[..32].ToLowerInvariant();
        }
        return result;
    }

    private static List<TarEntry> ListDataTar(string source, ArMember member, CompressionKind kind)
    {
        var where = $"{source}: {member.Name}";
        var entries = new List<TarEntry>();
        Decoding(where, () =>
        {
            using var decompressed = Compressions.Decompress(member.Content, kind, leaveOpen: true, XzMemoryLimit);
            var tar = new TarReader(decompressed, where);
            while (tar.Next() is { } entry)
                entries.Add(entry);
        });
        return entries;
    }

    /// <summary>Turns a decompressor's own exception into one that names the .deb and the member.</summary>
    private static void Decoding(string where, Action body)
    {
        try
        {
            body();
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or ZstdSharp.ZstdException)
        {
            throw new DebianFormatException($"{where}: corrupt compressed data: {ex.Message}", ex);
        }
    }
}

file static class HexExtensions
{
    public static bool ContainsOnlyHex(this ReadOnlySpan<char> s) => !s.ContainsAnyExcept("0123456789abcdefABCDEF");
}
