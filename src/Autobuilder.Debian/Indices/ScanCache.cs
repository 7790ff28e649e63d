using System.Buffers.Binary;
using System.Text;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// The scan cache: for each .deb (by path relative to the scanned folder) the size and mtime it
/// had and its stanza. A compact binary file loaded with one read; stanzas are used in place as
/// slices of that buffer. It is written whole to a temporary file and renamed over the old one,
/// so a crash leaves the old cache or the new one, never a mix. The header records the scanned
/// folder and the options that shape a stanza; a cache made for another folder or other options,
/// or one that does not parse, is ignored (it is only a cache) and replaced.
/// </summary>
/// <remarks>
/// Layout, little-endian: magic, version (int32), SHA512 flag (byte), root (string), count (int32),
/// then per entry: relative path (string), size (int64), mtime ticks (int64), Filename offset
/// (int32), stanza (int32 length + bytes). A string is an int32 byte length + UTF-8.
/// </remarks>
internal static class ScanCache
{
    private static ReadOnlySpan<byte> Magic => "AB-DEBSCAN\n"u8;
    private const int FormatVersion = 2;

    internal static Dictionary<string, ScannedDeb> Load(string path, string root, bool sha512, byte[] prefix)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
        var entries = new Dictionary<string, ScannedDeb>(StringComparer.Ordinal);
        var reader = new Reader(bytes);
        if (!reader.Take(Magic.Length).Span.SequenceEqual(Magic) || reader.Int32() != FormatVersion
            || reader.Byte() != (sha512 ? 1 : 0) || reader.String() != root)
            return [];
        var count = reader.Int32();
        for (var i = 0; i < count; i++)
        {
            var relative = reader.String();
            var size = reader.Int64();
            var ticks = reader.Int64();
            var offset = reader.Int32();
            var template = reader.Take(reader.Int32());
            if (reader.Failed || offset < 0 || offset > template.Length)
                return [];
            entries[relative] = new ScannedDeb(relative, size, ticks, template, offset, fromCache: true, prefix);
        }
        return reader.Failed ? [] : entries;
    }

    internal static void Save(string path, string root, bool sha512, IReadOnlyList<ScannedDeb> packages)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                var number = new byte[8];
                void Int32(int v) { BinaryPrimitives.WriteInt32LittleEndian(number, v); file.Write(number, 0, 4); }
                void Int64(long v) { BinaryPrimitives.WriteInt64LittleEndian(number, v); file.Write(number); }
                void Bytes(ReadOnlySpan<byte> b) { Int32(b.Length); file.Write(b); }
                void String(string s) => Bytes(Encoding.UTF8.GetBytes(s));

                file.Write(Magic);
                Int32(FormatVersion);
                file.WriteByte(sha512 ? (byte)1 : (byte)0);
                String(root);
                Int32(packages.Count);
                foreach (var p in packages)
                {
                    String(p.RelativePath);
                    Int64(p.Size);
                    Int64(p.LastWriteTicks);
                    Int32(p.FilenameOffset);
                    Bytes(p.Template.Span);
                }
            }
            // No fsync: the rename is atomic for every reader, and after a power cut a cache
            // left short or zeroed fails to parse and is simply rebuilt.
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Reads the layout; any read past the end sets <see cref="Failed"/> instead of throwing.</summary>
    private sealed class Reader(byte[] bytes)
    {
        private int _at;

        public bool Failed { get; private set; }

        public ReadOnlyMemory<byte> Take(int length)
        {
            if (Failed || length < 0 || length > bytes.Length - _at)
            {
                Failed = true;
                return ReadOnlyMemory<byte>.Empty;
            }
            var slice = bytes.AsMemory(_at, length);
            _at += length;
            return slice;
        }

        public byte Byte() => Take(1).Span is { Length: 1 } b ? b[0] : (byte)0;
        public int Int32() => Take(4).Span is { Length: 4 } b ? BinaryPrimitives.ReadInt32LittleEndian(b) : 0;
        public long Int64() => Take(8).Span is { Length: 8 } b ? BinaryPrimitives.ReadInt64LittleEndian(b) : 0;
        public string String() => Encoding.UTF8.GetString(Take(Int32()).Span);
    }
}
