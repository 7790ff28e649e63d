using Autobuilder.Debian.Compression;

namespace Autobuilder.Debian.Indices;

/// <summary>How a <see cref="BlockIndex"/> cuts and compresses its file.</summary>
public sealed record BlockIndexOptions
{
    /// <summary>
    /// Uncompressed bytes per block. A change recompresses one block; a smaller block is cheaper to
    /// redo but compresses a little worse and adds gzip members and xz index records. At 128 KiB a
    /// block of Packages text costs about 1 ms with gzip and 15 ms with xz, and the files are within
    /// a few per cent of compressing the whole at once.
    /// </summary>
    public int BlockBytes { get; init; } = 128 * 1024;

    /// <summary>Write Packages.gz (one gzip member per block).</summary>
    public bool Gzip { get; init; } = true;

    public int GzipLevel { get; init; } = GzipMember.DefaultLevel;

    /// <summary>Write Packages.xz (one .xz stream of independent blocks).</summary>
    public bool Xz { get; init; } = true;

    public int XzPreset { get; init; } = 6;

    public static BlockIndexOptions Default { get; } = new();
}
