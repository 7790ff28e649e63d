namespace Autobuilder.Debian.Deb;

/// <summary>
/// A read-only window of the next <c>length</c> bytes of an inner stream, used for archive
/// members. Reading past the inner stream's end before the window is full means the archive was
/// cut short: the error names the archive (<c>source</c>), the member and the container ("file",
/// "archive") that ended. The message is only built on failure; this runs for every member.
/// </summary>
internal sealed class BoundedReadStream : Stream
{
    private readonly Stream _inner;
    private readonly long _length;
    private readonly string _source, _member, _container;
    private long _remaining;

    public BoundedReadStream(Stream inner, long length, string source, string member, string container)
    {
        _inner = inner;
        _length = length;
        _source = source;
        _member = member;
        _container = container;
        _remaining = length;
    }

    private DebianFormatException Truncated(long got) =>
        new($"{_source}: truncated: {_member} should have {_length} bytes but the {_container} ends after {got}");

    public long Remaining => _remaining;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _length - _remaining; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (_remaining == 0 || destination.IsEmpty)
            return 0;
        if (destination.Length > _remaining)
            destination = destination[..(int)_remaining];
        var n = _inner.Read(destination);
        if (n == 0)
            throw Truncated(_length - _remaining);
        _remaining -= n;
        return n;
    }

    /// <summary>Moves past the unread rest: a seek when the inner stream allows it, otherwise reads it.</summary>
    public void SkipRest()
    {
        if (_remaining == 0)
            return;
        if (_inner.CanSeek)
        {
            // A seek past the end would succeed silently; check the length so truncation is still caught.
            var available = _inner.Length - _inner.Position;
            if (available < _remaining)
                throw Truncated(_length - _remaining + Math.Max(0, available));
            _inner.Seek(_remaining, SeekOrigin.Current);
            _remaining = 0;
            return;
        }
        Span<byte> scratch = stackalloc byte[4096];
        while (_remaining > 0)
            _ = Read(scratch);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
