using Autobuilder.Debian.Compression;

namespace Autobuilder.Debian.Indices;

/// <summary>How <see cref="IndexFiles"/> publishes one index.</summary>
public sealed record IndexOptions
{
    /// <summary>
    /// Keep the uncompressed file on disk. Debian's mirrors do not (only .xz and .gz); its sums
    /// are listed in Release either way, because apt checks the decompressed data against them.
    /// </summary>
    public bool KeepUncompressed { get; init; } = true;

    /// <summary>The compressed variants to write next to the index.</summary>
    public IReadOnlyList<CompressionKind> Compressions { get; init; } = [CompressionKind.Gzip, CompressionKind.Xz];

    public static IndexOptions Default { get; } = new();
}
