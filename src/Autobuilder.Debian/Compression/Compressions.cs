using System.IO.Compression;

namespace Autobuilder.Debian.Compression;

/// <summary>The compressions Debian archives use for .deb members and index files.</summary>
public enum CompressionKind
{
    None,
    Gzip,
    Xz,
    Zstd,
}

public static class Compressions
{
    /// <summary>The kind named by a file name's extension (control.tar.xz, Packages.gz …).</summary>
    public static CompressionKind FromFileName(string name) => Path.GetExtension(name) switch
    {
        ".gz" => CompressionKind.Gzip,
        ".xz" => CompressionKind.Xz,
        ".zst" => CompressionKind.Zstd,
        "" or ".tar" => CompressionKind.None,
        var ext => throw new DebianFormatException($"{name}: unknown compression '{ext}' (expected none, .gz, .xz or .zst)"),
    };

    public static string Extension(CompressionKind kind) => kind switch
    {
        CompressionKind.None => "",
        CompressionKind.Gzip => ".gz",
        CompressionKind.Xz => ".xz",
        CompressionKind.Zstd => ".zst",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <param name="xzMemoryLimit">The most memory liblzma may use for an xz stream (its header says how much it needs).</param>
    public static Stream Decompress(Stream inner, CompressionKind kind, bool leaveOpen = false, ulong xzMemoryLimit = XzStream.DefaultMemoryLimit) => kind switch
    {
        CompressionKind.None => inner,
        CompressionKind.Gzip => new GZipStream(inner, CompressionMode.Decompress, leaveOpen),
        CompressionKind.Xz => XzStream.Decompress(inner, leaveOpen, xzMemoryLimit),
        CompressionKind.Zstd => new ZstdSharp.DecompressionStream(inner, leaveOpen: leaveOpen),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static Stream Compress(Stream inner, CompressionKind kind, bool leaveOpen = false) => kind switch
    {
        CompressionKind.None => inner,
        // Index files are written once and fetched many times: favour size over speed, as dak and reprepro do.
        CompressionKind.Gzip => new GZipStream(inner, CompressionLevel.SmallestSize, leaveOpen),
        CompressionKind.Xz => XzStream.Compress(inner, 6, leaveOpen),
        CompressionKind.Zstd => new ZstdSharp.CompressionStream(inner, 19, leaveOpen: leaveOpen),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
