using System.IO.Compression;

namespace Autobuilder.Debian.Compression;

/// <summary>
/// One complete gzip member (RFC 1952 §2.2). A .gz file may hold several members one after the
/// other; gzip(1), zlib and apt read them as one stream (apt checks the whole decompressed result
/// against Release), so an index kept as blocks is one member per block, and a change recompresses
/// only its block.
/// </summary>
public static class GzipMember
{
    /// <summary>Level 6, zlib's default: here as small as 9 (zlib-ng's 9 was even larger on Packages text) at half the time.</summary>
    public const int DefaultLevel = 6;

    /// <summary>
    /// The member for no data, as <c>gzip -n &lt; /dev/null</c> writes it: header, an empty final
    /// deflate block, CRC32 and size 0. (GZipStream writes nothing at all when given nothing, which
    /// is not a gzip file.)
    /// </summary>
    public static ReadOnlySpan<byte> Empty => [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0x00, 0x03, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    public static byte[] Compress(ReadOnlySpan<byte> data, int level = DefaultLevel)
    {
        if (data.IsEmpty)
            return Empty.ToArray();
        using var output = new MemoryStream(data.Length / 4 + 64);
        using (var gzip = new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }
}
