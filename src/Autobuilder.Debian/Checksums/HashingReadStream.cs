using System.Security.Cryptography;

namespace Autobuilder.Debian.Checksums;

/// <summary>
/// Passes reads through and feeds every byte read to MD5, SHA-1, SHA-256 (and optionally SHA-512),
/// so a file can be parsed and summed in the same single pass. Call <see cref="Finish"/> after the
/// reader is done; it first reads whatever the reader left unread.
/// </summary>
internal sealed class HashingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash? _sha512;
    private long _size;

    public HashingReadStream(Stream inner, bool sha512)
    {
        _inner = inner;
        _sha512 = sha512 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA512) : null;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _size; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        var n = _inner.Read(destination);
        if (n > 0)
        {
            var data = destination[..n];
            _md5.AppendData(data);
            _sha1.AppendData(data);
            _sha256.AppendData(data);
            _sha512?.AppendData(data);
            _size += n;
        }
        return n;
    }

    /// <summary>Reads to the end of the inner stream and returns the sums of everything read.</summary>
    public ChecksumSet Finish(out string? sha512)
    {
        var buffer = new byte[81920];
        while (Read(buffer) > 0) { }
        sha512 = _sha512 is null ? null : Convert.ToHexStringLower(_sha512.GetHashAndReset());
        return new ChecksumSet(_size, Convert.ToHexStringLower(_md5.GetHashAndReset()),
            Convert.ToHexStringLower(_sha1.GetHashAndReset()), Convert.ToHexStringLower(_sha256.GetHashAndReset()));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _md5.Dispose();
            _sha1.Dispose();
            _sha256.Dispose();
            _sha512?.Dispose();
        }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
