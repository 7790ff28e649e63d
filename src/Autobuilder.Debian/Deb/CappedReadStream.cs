namespace Autobuilder.Debian.Deb;

/// <summary>
/// Passes reads through until <c>limit</c> bytes have come, then refuses: a small compressed
/// member that inflates without end (a "zip bomb") stops at the cap with an error naming it,
/// instead of being read to the end.
/// </summary>
internal sealed class CappedReadStream(Stream inner, long limit, string where, string what) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        // One byte more than the cap may be asked for, so that exactly `limit` bytes pass and more fail.
        var allowed = (int)Math.Min(destination.Length, limit - _read + 1);
        var n = inner.Read(destination[..allowed]);
        _read += n;
        if (_read > limit)
            throw new DebianFormatException($"{where}: {what} is more than {limit} bytes once decompressed; refusing to read further");
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
