using System.Buffers.Binary;
using System.Text;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// The scan cache: for each .deb (by path relative to the scanned folder) the size and mtime it
/// had and its stanza. A compact binary log loaded with one read; stanzas are used in place as
/// slices of that buffer. A scan that changed little appends records for what changed (a new or
/// re-read .deb, a vanished one) instead of rewriting tens of megabytes; when dead records make
/// up most of the file, or the file is new or unusable, it is written whole to a temporary file
/// and renamed over the old one. The header records the scanned folder and the options that shape
/// a stanza; a cache made for another folder or other options, or one that does not parse, is
/// ignored (it is only a cache) and replaced.
/// </summary>
/// <remarks>
/// Layout, little-endian: header = magic, version (int32), SHA512 flag (byte), root (string);
/// then records, each an int32 length of what follows, a kind byte and the relative path
/// (string); a Put record goes on with size (int64), mtime ticks (int64), Filename offset (int32)
/// and the stanza (int32 length + bytes). A string is an int32 byte length + UTF-8. Later records
/// win. A record cut short at the end of the file (a crash while appending) is dropped, and the
/// next append starts where it started.
/// </remarks>
internal sealed class ScanCache
{
    private static ReadOnlySpan<byte> Magic => "AB-DEBSCAN\n"u8;
    private const int FormatVersion = 3;
    private const byte Put = 1;
    private const byte Remove = 2;

    private readonly string _path;
    private readonly string _root;
    private readonly bool _sha512;
    private long _validLength;  // bytes of header + whole records; 0 when the file is unusable
    private int _records;

    private ScanCache(string path, string root, bool sha512)
    {
        _path = path;
        _root = root;
        _sha512 = sha512;
    }

    /// <summary>Entries by relative path; empty when there is no usable cache.</summary>
    public Dictionary<string, ScannedDeb> Entries { get; } = new(StringComparer.Ordinal);

    internal static ScanCache Load(string path, string root, bool sha512, byte[] prefix)
    {
        var cache = new ScanCache(path, root, sha512);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return cache;
        }
        var header = new Reader(bytes, 0, bytes.Length);
        if (!header.Take(Magic.Length).Span.SequenceEqual(Magic) || header.Int32() != FormatVersion
            || header.Byte() != (sha512 ? 1 : 0) || header.String() != root || header.Failed)
            return cache;

        var at = header.Position;
        while (at + 4 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
            if (length <= 0 || length > bytes.Length - at - 4)
                break; // cut short: keep what came before
            var record = new Reader(bytes, at + 4, length);
            var kind = record.Byte();
            var relative = record.String();
            if (kind == Put)
            {
                var size = record.Int64();
                var ticks = record.Int64();
                var offset = record.Int32();
                var template = record.Take(record.Int32());
                if (record.Failed || offset < 0 || offset > template.Length)
                    return Unusable(cache);
                cache.Entries[relative] = new ScannedDeb(relative, size, ticks, template, offset, fromCache: true, prefix);
            }
            else if (kind == Remove && !record.Failed)
                cache.Entries.Remove(relative);
            else
                return Unusable(cache);
            cache._records++;
            at += 4 + length;
        }
        cache._validLength = at;
        return cache;
    }

    private static ScanCache Unusable(ScanCache cache)
    {
        cache.Entries.Clear();
        cache._validLength = 0;
        cache._records = 0;
        return cache;
    }

    /// <summary>Records the result of a scan: appends the changes, or rewrites the file when that is smaller.</summary>
    internal void Save(IReadOnlyList<ScannedDeb> packages, IEnumerable<ScannedDeb> changed, IEnumerable<string> vanished)
    {
        var changes = new MemoryStream();
        var count = 0;
        foreach (var p in changed)
        {
            WritePut(changes, p);
            count++;
        }
        foreach (var relative in vanished)
        {
            WriteRecord(changes, Remove, relative, null);
            count++;
        }
        if (count == 0)
            return;

        // Compact once dead records outnumber live ones; a fresh file has nothing to append to.
        if (_validLength > 0 && _records + count <= 2 * packages.Count + 16)
        {
            using var file = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.Read, 1);
            file.SetLength(_validLength);
            file.Seek(0, SeekOrigin.End);
            file.Write(changes.GetBuffer(), 0, (int)changes.Length);
            return;
        }
        Rewrite(packages);
    }

    private void Rewrite(IReadOnlyList<ScannedDeb> packages)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_path))!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(_path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                file.Write(Magic);
                WriteInt32(file, FormatVersion);
                file.WriteByte(_sha512 ? (byte)1 : (byte)0);
                WriteString(file, _root);
                foreach (var p in packages)
                    WritePut(file, p);
            }
            // No fsync: the rename is atomic for every reader, and after a power cut a cache left
            // short or zeroed fails to parse (or loses its torn tail) and is rebuilt.
            File.Move(temp, _path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    private static void WritePut(Stream s, ScannedDeb p) => WriteRecord(s, Put, p.RelativePath, p);

    private static void WriteRecord(Stream s, byte kind, string relative, ScannedDeb? p)
    {
        var name = Encoding.UTF8.GetBytes(relative);
        var length = 1 + 4 + name.Length + (p is null ? 0 : 8 + 8 + 4 + 4 + p.Template.Length);
        WriteInt32(s, length);
        s.WriteByte(kind);
        WriteInt32(s, name.Length);
        s.Write(name);
        if (p is null)
            return;
        Span<byte> numbers = stackalloc byte[24];
        BinaryPrimitives.WriteInt64LittleEndian(numbers, p.Size);
        BinaryPrimitives.WriteInt64LittleEndian(numbers[8..], p.LastWriteTicks);
        BinaryPrimitives.WriteInt32LittleEndian(numbers[16..], p.FilenameOffset);
        BinaryPrimitives.WriteInt32LittleEndian(numbers[20..], p.Template.Length);
        s.Write(numbers);
        s.Write(p.Template.Span);
    }

    private static void WriteInt32(Stream s, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        s.Write(b);
    }

    private static void WriteString(Stream s, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteInt32(s, bytes.Length);
        s.Write(bytes);
    }

    /// <summary>Reads within [start, start + length); a read past the end sets <see cref="Failed"/> instead of throwing.</summary>
    private sealed class Reader(byte[] bytes, int start, int length)
    {
        private readonly int _end = start + length;

        public int Position { get; private set; } = start;
        public bool Failed { get; private set; }

        public ReadOnlyMemory<byte> Take(int count)
        {
            if (Failed || count < 0 || count > _end - Position)
            {
                Failed = true;
                return ReadOnlyMemory<byte>.Empty;
            }
            var slice = bytes.AsMemory(Position, count);
            Position += count;
            return slice;
        }

        public byte Byte() => Take(1).Span is { Length: 1 } b ? b[0] : (byte)0;
        public int Int32() => Take(4).Span is { Length: 4 } b ? BinaryPrimitives.ReadInt32LittleEndian(b) : 0;
        public long Int64() => Take(8).Span is { Length: 8 } b ? BinaryPrimitives.ReadInt64LittleEndian(b) : 0;
        public string String() => Encoding.UTF8.GetString(Take(Int32()).Span);
    }
}
