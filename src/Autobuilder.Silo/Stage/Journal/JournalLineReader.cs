namespace Autobuilder.Silo.Stage.Journal;

/// <summary>
/// The complete lines of a journal file, read through one reused buffer that grows only to the
/// longest line. A last line without its newline (cut off by a crash) is not returned.
/// </summary>
internal sealed class JournalLineReader(Stream stream)
{
    private byte[] _buffer = new byte[1 << 20];
    private int _start, _end;
    private long _consumed;
    private bool _ended;

    /// <summary>File offset just after the last line returned (its newline included).</summary>
    public long Position => _consumed;

    /// <summary>The next line without its newline; valid until the next call. Null at the end.</summary>
    public ReadOnlyMemory<byte>? Next()
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = new ReadOnlyMemory<byte>(_buffer, _start, newline);
                _start += newline + 1;
                _consumed += newline + 1;
                return line;
            }
            if (_ended)
                return null;
            // Keep the partial line at the front, grow for a line longer than the buffer, read more.
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
                Array.Resize(ref _buffer, _buffer.Length * 2);
            var n = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0)
                _ended = true;
            _end += n;
        }
    }
}
