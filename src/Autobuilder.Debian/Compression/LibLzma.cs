using System.Runtime.InteropServices;

namespace Autobuilder.Debian.Compression;

/// <summary>
/// The few liblzma entry points we need (xz-utils' liblzma.so.5, which dpkg itself links, so it is
/// on every Debian system). No managed xz encoder is both maintained and served here; liblzma is
/// the reference implementation and produces exactly what xz(1) does.
/// </summary>
internal static partial class LibLzma
{
    private const string Library = "liblzma.so.5";

    internal const int LZMA_OK = 0;
    internal const int LZMA_STREAM_END = 1;
    internal const int LZMA_RUN = 0;
    internal const int LZMA_FINISH = 3;
    internal const int LZMA_MEMLIMIT_ERROR = 6;
    internal const int LZMA_CHECK_CRC64 = 4;
    internal const uint LZMA_CONCATENATED = 0x08;

    /// <summary>lzma_stream from lzma/base.h; must start zeroed (LZMA_STREAM_INIT).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct LzmaStream
    {
        public nint NextIn;
        public nuint AvailIn;
        public ulong TotalIn;
        public nint NextOut;
        public nuint AvailOut;
        public ulong TotalOut;
        public nint Allocator;
        public nint Internal;
        public nint ReservedPtr1, ReservedPtr2, ReservedPtr3, ReservedPtr4;
        public ulong ReservedInt1, ReservedInt2;
        public nuint ReservedInt3, ReservedInt4;
        public int ReservedEnum1, ReservedEnum2;
    }

    [LibraryImport(Library, EntryPoint = "lzma_easy_encoder")]
    internal static unsafe partial int EasyEncoder(LzmaStream* strm, uint preset, int check);

    [LibraryImport(Library, EntryPoint = "lzma_stream_decoder")]
    internal static unsafe partial int StreamDecoder(LzmaStream* strm, ulong memlimit, uint flags);

    [LibraryImport(Library, EntryPoint = "lzma_code")]
    internal static unsafe partial int Code(LzmaStream* strm, int action);

    internal const ulong LZMA_FILTER_LZMA2 = 0x21;
    internal const ulong LZMA_VLI_UNKNOWN = ulong.MaxValue;

    /// <summary>Fills an lzma_options_lzma (lzma/lzma12.h) with a preset's values; returns non-zero on failure.</summary>
    [LibraryImport(Library, EntryPoint = "lzma_lzma_preset")]
    internal static unsafe partial byte LzmaPreset(byte* options, uint preset);

    /// <summary>Encodes a buffer as one complete .xz stream with the given filter chain (an lzma_filter array ending in LZMA_VLI_UNKNOWN).</summary>
    [LibraryImport(Library, EntryPoint = "lzma_stream_buffer_encode")]
    internal static unsafe partial int StreamBufferEncode(ulong* filters, int check, nint allocator, byte* input, nuint inputSize,
        byte* output, nuint* outputPosition, nuint outputSize);

    [LibraryImport(Library, EntryPoint = "lzma_stream_buffer_bound")]
    internal static partial nuint StreamBufferBound(nuint uncompressedSize);

    [LibraryImport(Library, EntryPoint = "lzma_crc32")]
    internal static unsafe partial uint Crc32(byte* buffer, nuint size, uint crc);

    [LibraryImport(Library, EntryPoint = "lzma_end")]
    internal static unsafe partial void End(LzmaStream* strm);

    internal static string Describe(int ret) => ret switch
    {
        5 => "not enough memory",
        6 => "memory limit reached",
        7 => "not in .xz format",
        8 => "unsupported xz options",
        9 => "corrupt xz data",
        10 => "xz data ends early",
        11 => "liblzma programming error",
        _ => $"liblzma error {ret}",
    };
}
