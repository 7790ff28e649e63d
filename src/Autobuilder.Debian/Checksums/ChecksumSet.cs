using System.Security.Cryptography;

namespace Autobuilder.Debian.Checksums;

/// <summary>
/// Size and the three sums a Debian upload or index names for a file: MD5 (the <c>Files</c> and
/// <c>MD5Sum</c> fields), SHA-1 and SHA-256. Hex strings are lower case.
/// </summary>
public sealed record ChecksumSet(long Size, string Md5, string Sha1, string Sha256)
{
    private const int BlockSize = 4 << 20;

    /// <summary>
    /// Reads the stream once and computes all three sums. Blocks are hashed by three workers in
    /// parallel while the next block is read, so the whole costs about as much as the slowest sum
    /// (MD5) rather than the total of the three.
    /// </summary>
    public static ChecksumSet Compute(Stream stream)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;

        // Small inputs (most control files, small .debs) are not worth a thread hand-off, nor a
        // 4 MiB buffer (zeroing it cost more than hashing a 1 KiB .deb): a file gets one byte more
        // than its length, so that a short read still says "this was all".
        var firstSize = stream.CanSeek ? (int)Math.Clamp(stream.Length - stream.Position + 1, 1, BlockSize) : BlockSize;
        var first = new byte[firstSize];
        var n = ReadBlock(stream, first);
        if (n < firstSize)
        {
            md5.AppendData(first, 0, n);
            sha1.AppendData(first, 0, n);
            sha256.AppendData(first, 0, n);
            return new ChecksumSet(n, Hex(md5), Hex(sha1), Hex(sha256));
        }

        // Two buffers: the three sums of one block are computed in parallel while the next block is read.
        var buffers = new[] { first, new byte[BlockSize] };
        var current = 0;
        while (n > 0)
        {
            var block = buffers[current];
            var length = n;
            size += length;
            var hashing = Task.WhenAll(
                Task.Run(() => md5.AppendData(block, 0, length)),
                Task.Run(() => sha1.AppendData(block, 0, length)),
                Task.Run(() => sha256.AppendData(block, 0, length)));
            current ^= 1;
            n = ReadBlock(stream, buffers[current]);
            hashing.GetAwaiter().GetResult();
        }
        return new ChecksumSet(size, Hex(md5), Hex(sha1), Hex(sha256));
    }

    public static ChecksumSet ComputeFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Compute(stream);
    }

    public static ChecksumSet Compute(ReadOnlySpan<byte> data) =>
        new(data.Length, Convert.ToHexStringLower(MD5.HashData(data)), Convert.ToHexStringLower(SHA1.HashData(data)),
            Convert.ToHexStringLower(SHA256.HashData(data)));

    private static int ReadBlock(Stream stream, byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    private static string Hex(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetHashAndReset());
}
