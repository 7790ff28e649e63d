using System.Security.Cryptography;
using Autobuilder.Debian.Checksums;
using Microsoft.Win32.SafeHandles;

namespace Autobuilder.Silo.Intake;

/// <summary>
/// Copies one uploaded file into the silo's storage and hashes it in the same pass: the sums are
/// those of the bytes written, so what is verified is what is built (a hard link would have shared
/// the uploader's inode, which a second link could rewrite after verification).
/// </summary>
public static class IntakeCopy
{
    private const int SmallFile = 1 << 20;
    private const int Block = 4 << 20;
    private const long WritebackEvery = 64L << 20;

    /// <summary>
    /// Copies exactly <paramref name="expectedSize"/> bytes from the open regular file to a new
    /// <paramref name="destination"/> (flushed to disk); a file that turns out longer or shorter
    /// while it is read is refused with its reason (null sums). <paramref name="giveWay"/>, when
    /// given, runs before each block: a large upload's copy waits there while small ones are taken.
    /// </summary>
    public static ChecksumSet? CopyAndHash(SafeFileHandle source, string destination, long expectedSize, CancellationToken ct, out string? problem,
        Action<CancellationToken>? giveWay = null)
    {
        var name = Path.GetFileName(destination);
        using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        ChecksumSet sums;
        long copied;
        if (expectedSize < SmallFile)
        {
            // One read of one byte more than listed: a short read says it was all.
            var buffer = new byte[expectedSize + 1];
            copied = ReadFull(source, buffer, 0);
            output.Write(buffer, 0, (int)Math.Min(copied, expectedSize));
            var data = buffer.AsSpan(0, (int)Math.Min(copied, expectedSize));
            sums = new ChecksumSet(data.Length, Convert.ToHexStringLower(MD5.HashData(data)),
                Convert.ToHexStringLower(SHA1.HashData(data)), Convert.ToHexStringLower(SHA256.HashData(data)));
        }
        else
        {
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[Block];
            copied = 0;
            long writtenBack = 0;
            while (copied <= expectedSize)
            {
                ct.ThrowIfCancellationRequested();
                giveWay?.Invoke(ct);
                var n = ReadFull(source, buffer, copied);
                if (n == 0)
                    break;
                // Never more than listed is written, whatever the file holds beyond it.
                var keep = (int)Math.Min(n, Math.Max(0, expectedSize - copied));
                output.Write(buffer, 0, keep);
                md5.AppendData(buffer, 0, keep);
                sha1.AppendData(buffer, 0, keep);
                sha256.AppendData(buffer, 0, keep);
                copied += n;
                if (copied - writtenBack >= WritebackEvery)
                {
                    output.Flush();
                    IncomingEntry.StartWriteback(output.SafeFileHandle, writtenBack, copied - writtenBack);
                    writtenBack = copied;
                }
            }
            sums = new ChecksumSet(Math.Min(copied, expectedSize), Hex(md5), Hex(sha1), Hex(sha256));
        }
        if (copied != expectedSize)
        {
            problem = copied > expectedSize
                ? $"{name}: grew beyond the {expectedSize} bytes the .dsc lists while it was being taken (changed upload)"
                : $"{name}: shrank to {copied} bytes while it was being taken, but the .dsc lists {expectedSize} (changed upload)";
            return null;
        }
        output.Flush(flushToDisk: true);
        problem = null;
        return sums;
    }

    /// <summary>Reads the whole file (bounded by the caller's buffer) into memory: for a .dsc or .changes.</summary>
    public static byte[] ReadAll(SafeFileHandle handle, long limit)
    {
        var buffer = new byte[limit + 1];
        var n = ReadFull(handle, buffer, 0);
        return buffer.AsSpan(0, (int)n).ToArray();
    }

    /// <summary>Writes a new file in a folder not yet committed and flushes it to disk (the folder is synced once, by the caller).</summary>
    public static void WriteNew(string path, ReadOnlySpan<byte> content)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }

    private static long ReadFull(SafeFileHandle handle, byte[] buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(total), offset + total);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    private static string Hex(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetHashAndReset());
}
