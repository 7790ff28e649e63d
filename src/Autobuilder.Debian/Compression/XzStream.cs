using System.Runtime.InteropServices;

namespace Autobuilder.Debian.Compression;

/// <summary>
/// A one-direction xz stream over liblzma: either decompresses what it reads from the inner
/// stream, or compresses what is written to it (finishing the xz stream on dispose).
/// </summary>
public sealed unsafe class XzStream : Stream
{
    private const int BufferSize = 64 * 1024;
    private readonly Stream _inner;
    private readonly bool _compress;
    private readonly bool _leaveOpen;
    private readonly byte[] _buffer = new byte[BufferSize];
    private LibLzma.LzmaStream* _strm;
    private int _bufferStart, _bufferEnd;
    private bool _innerEnded, _finished;
    private ulong _memoryLimit;

    private XzStream(Stream inner, bool compress, bool leaveOpen)
    {
        _inner = inner;
        _compress = compress;
        _leaveOpen = leaveOpen;
        _strm = (LibLzma.LzmaStream*)NativeMemory.AllocZeroed((nuint)sizeof(LibLzma.LzmaStream));
    }

    /// <summary>
    /// The decoder memory allowed unless the caller says otherwise: xz -9 needs 65 MiB; a header
    /// asking for more (up to 1.5 GiB of dictionary) is refused, not obeyed.
    /// </summary>
    public const ulong DefaultMemoryLimit = 256UL << 20;

    /// <summary>Decompresses <paramref name="inner"/>; concatenated xz streams are read as one, as xz(1) does.</summary>
    /// <param name="memoryLimit">liblzma's memlimit: a stream needing more fails with "memory limit reached".</param>
    public static XzStream Decompress(Stream inner, bool leaveOpen = false, ulong memoryLimit = DefaultMemoryLimit)
    {
        var s = new XzStream(inner, compress: false, leaveOpen);
        s._memoryLimit = memoryLimit;
        s.Check(LibLzma.StreamDecoder(s._strm, memoryLimit, LibLzma.LZMA_CONCATENATED));
        return s;
    }

    /// <summary>Compresses into <paramref name="inner"/> with xz's preset (0–9, 6 is xz's default) and a CRC64 check.</summary>
    public static XzStream Compress(Stream inner, int preset = 6, bool leaveOpen = false)
    {
        var s = new XzStream(inner, compress: true, leaveOpen);
        s.Check(LibLzma.EasyEncoder(s._strm, (uint)preset, LibLzma.LZMA_CHECK_CRC64));
        return s;
    }

    public override bool CanRead => !_compress;
    public override bool CanWrite => _compress;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (_compress)
            throw new NotSupportedException();
        if (_finished || destination.IsEmpty)
            return 0;
        fixed (byte* outPtr = destination)
        fixed (byte* inPtr = _buffer)
        {
            while (true)
            {
                if (_bufferStart == _bufferEnd && !_innerEnded)
                {
                    _bufferStart = 0;
                    _bufferEnd = _inner.Read(_buffer, 0, _buffer.Length);
                    _innerEnded = _bufferEnd == 0;
                }
                _strm->NextIn = (nint)(inPtr + _bufferStart);
                _strm->AvailIn = (nuint)(_bufferEnd - _bufferStart);
                _strm->NextOut = (nint)outPtr;
                _strm->AvailOut = (nuint)destination.Length;
                var ret = LibLzma.Code(_strm, _innerEnded ? LibLzma.LZMA_FINISH : LibLzma.LZMA_RUN);
                _bufferStart = _bufferEnd - (int)_strm->AvailIn;
                var produced = destination.Length - (int)_strm->AvailOut;
                if (ret == LibLzma.LZMA_STREAM_END)
                {
                    _finished = true;
                    return produced;
                }
                Check(ret);
                if (produced > 0)
                    return produced;
                if (_innerEnded && _bufferStart == _bufferEnd)
                    throw new InvalidDataException("xz data ends early (truncated file)");
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> source)
    {
        if (!_compress)
            throw new NotSupportedException();
        fixed (byte* inPtr = source)
        {
            _strm->NextIn = (nint)inPtr;
            _strm->AvailIn = (nuint)source.Length;
            while (_strm->AvailIn > 0)
                Pump(LibLzma.LZMA_RUN);
        }
    }

    private int Pump(int action)
    {
        fixed (byte* outPtr = _buffer)
        {
            _strm->NextOut = (nint)outPtr;
            _strm->AvailOut = (nuint)_buffer.Length;
            var ret = LibLzma.Code(_strm, action);
            var produced = _buffer.Length - (int)_strm->AvailOut;
            if (produced > 0)
                _inner.Write(_buffer, 0, produced);
            if (ret != LibLzma.LZMA_STREAM_END)
                Check(ret);
            return ret;
        }
    }

    public override void Flush() => _inner.Flush();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_strm is null)
            return;
        try
        {
            if (disposing && _compress)
            {
                _strm->NextIn = 0;
                _strm->AvailIn = 0;
                while (Pump(LibLzma.LZMA_FINISH) != LibLzma.LZMA_STREAM_END) { }
                _inner.Flush();
            }
        }
        finally
        {
            LibLzma.End(_strm);
            NativeMemory.Free(_strm);
            _strm = null;
            if (disposing && !_leaveOpen)
                _inner.Dispose();
            base.Dispose(disposing);
        }
    }

    private void Check(int ret)
    {
        if (ret == LibLzma.LZMA_MEMLIMIT_ERROR)
            throw new InvalidDataException($"xz: the stream needs more than the {_memoryLimit >> 20} MiB of memory allowed for decompressing it");
        if (ret != LibLzma.LZMA_OK)
            throw new InvalidDataException($"xz: {LibLzma.Describe(ret)}");
    }
}
