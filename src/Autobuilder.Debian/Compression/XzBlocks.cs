using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Autobuilder.Debian.Compression;

/// <summary>
/// Builds one .xz stream out of blocks compressed independently, so that changing part of a big
/// index recompresses only the blocks that changed. apt reads only the first of several
/// concatenated .xz streams (a "Hash Sum mismatch" for the rest), but one stream of many blocks is
/// ordinary .xz (what xz -T writes): stream header, blocks, an index listing each block's sizes,
/// stream footer (xz file format 1.0.4, §2–§4). Blocks come from liblzma, which compresses each as
/// a one-block stream; the block is cut out of it, and the header, index and footer are written
/// here, the CRC32s by liblzma's lzma_crc32.
/// </summary>
public static class XzBlocks
{
    private const int HeaderSize = 12;
    private const int FooterSize = 12;
    private const int CheckCrc64 = 4;
    private const int MinimumDictionary = 4096;

    // Stream flags: a zero byte, then the check type (CRC64, what xz(1) uses by default).
    private static readonly byte[] StreamFlags = [0x00, CheckCrc64];

    /// <summary>The 12-byte stream header every stream made of these blocks starts with.</summary>
    public static ReadOnlyMemory<byte> StreamHeader { get; } = MakeHeader();

    /// <summary>
    /// Compresses <paramref name="data"/> (not empty) as one block with LZMA2 at xz's
    /// <paramref name="preset"/>, but with a dictionary no bigger than the data: the preset's 8 MiB
    /// would only cost memory and time for a block of a few hundred KiB, and decoders allocate it too.
    /// </summary>
    public static unsafe XzBlock Encode(ReadOnlySpan<byte> data, int preset = 6)
    {
        if (data.IsEmpty)
            throw new ArgumentException("an xz block holds at least one byte", nameof(data));
        var options = stackalloc byte[256]; // lzma_options_lzma is ~112 bytes with its reserved fields
        new Span<byte>(options, 256).Clear();
        if (LibLzma.LzmaPreset(options, (uint)preset) != 0)
            throw new ArgumentOutOfRangeException(nameof(preset), preset, "not an xz preset");
        // dict_size is the struct's first member.
        var dictionary = (uint*)options;
        *dictionary = (uint)Math.Clamp(data.Length, MinimumDictionary, (int)*dictionary);
        var filters = stackalloc ulong[4];
        filters[0] = LibLzma.LZMA_FILTER_LZMA2;
        filters[1] = (ulong)(nint)options;
        filters[2] = LibLzma.LZMA_VLI_UNKNOWN;
        filters[3] = 0;

        var output = new byte[(int)LibLzma.StreamBufferBound((nuint)data.Length)];
        nuint length = 0;
        fixed (byte* input = data)
        fixed (byte* o = output)
        {
            var ret = LibLzma.StreamBufferEncode(filters, CheckCrc64, 0, input, (nuint)data.Length, o, &length, (nuint)output.Length);
            if (ret != LibLzma.LZMA_OK)
                throw new InvalidDataException($"xz: {LibLzma.Describe(ret)}");
        }
        return Cut(output.AsSpan(0, (int)length), data.Length);
    }

    /// <summary>The block of a one-block stream: between the stream header and the index the footer points back to.</summary>
    private static XzBlock Cut(ReadOnlySpan<byte> stream, long uncompressed)
    {
        var backward = BinaryPrimitives.ReadUInt32LittleEndian(stream[^8..]);
        var indexSize = (int)((backward + 1) * 4);
        var indexStart = stream.Length - FooterSize - indexSize;
        var index = stream.Slice(indexStart, indexSize);
        // Index: indicator 0x00, number of records (1), unpadded size, uncompressed size.
        var at = 1;
        var records = ReadVli(index, ref at);
        if (index[0] != 0 || records != 1)
            throw new InvalidDataException("xz: liblzma wrote an unexpected index");
        var unpadded = ReadVli(index, ref at);
        var size = ReadVli(index, ref at);
        if (size != (ulong)uncompressed)
            throw new InvalidDataException("xz: liblzma's index does not match the block's size");
        var block = stream[HeaderSize..indexStart].ToArray();
        return new XzBlock(block, (long)unpadded, uncompressed);
    }

    /// <summary>The index and stream footer that close a stream of <paramref name="blocks"/> (none makes a valid empty stream).</summary>
    public static unsafe byte[] StreamTrailer(IEnumerable<XzBlock> blocks)
    {
        var index = new List<byte> { 0x00 };
        var records = new List<byte>();
        ulong count = 0;
        foreach (var b in blocks)
        {
            WriteVli(records, (ulong)b.UnpaddedSize);
            WriteVli(records, (ulong)b.UncompressedSize);
            count++;
        }
        WriteVli(index, count);
        index.AddRange(records);
        while (index.Count % 4 != 0)
            index.Add(0);
        var indexBytes = new byte[index.Count + 4];
        index.CopyTo(indexBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(indexBytes.AsSpan(index.Count), Crc32(indexBytes.AsSpan(0, index.Count)));

        // Footer: CRC32 of (backward size, flags), backward size, flags, "YZ".
        var footer = new byte[FooterSize];
        BinaryPrimitives.WriteUInt32LittleEndian(footer.AsSpan(4), (uint)(indexBytes.Length / 4 - 1));
        StreamFlags.CopyTo(footer.AsSpan(8));
        footer[10] = (byte)'Y';
        footer[11] = (byte)'Z';
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32(footer.AsSpan(4, 6)));
        return [.. indexBytes, .. footer];
    }

    private static byte[] MakeHeader()
    {
        var header = new byte[HeaderSize];
        ReadOnlySpan<byte> magic = [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00];
        magic.CopyTo(header);
        StreamFlags.CopyTo(header.AsSpan(6));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Crc32(StreamFlags));
        return header;
    }

    private static unsafe uint Crc32(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
            return LibLzma.Crc32(p, (nuint)data.Length, 0);
    }

    // Variable-length integers (§1.2): seven bits per byte, low bits first, high bit = more follows.
    private static ulong ReadVli(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 63; shift += 7)
        {
            var b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
        throw new InvalidDataException("xz: a variable-length integer is too long");
    }

    private static void WriteVli(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }
        output.Add((byte)value);
    }
}
