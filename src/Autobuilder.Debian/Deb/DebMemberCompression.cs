using Autobuilder.Debian.Compression;

namespace Autobuilder.Debian.Deb;

/// <summary>
/// The compression of a control.tar or data.tar member, from its name suffix. deb(5) allows
/// control.tar{,.gz,.xz,.zst} and data.tar{,.gz,.xz,.zst,.bz2,.lzma}. bzip2 and lzma data members
/// are recognised (a Packages stanza does not need the payload) but cannot be decompressed here.
/// </summary>
internal static class DebMemberCompression
{
    internal const string Bzip2Suffix = ".bz2";
    internal const string LzmaSuffix = ".lzma";

    /// <summary>The kind for a suffix we can decompress, null for a known one we cannot (bz2, lzma).</summary>
    internal static CompressionKind? Parse(string source, string member, string baseName, bool isData)
    {
        var suffix = member[baseName.Length..];
        switch (suffix)
        {
            case "": return CompressionKind.None;
            case ".gz": return CompressionKind.Gzip;
            case ".xz": return CompressionKind.Xz;
            case ".zst": return CompressionKind.Zstd;
            case Bzip2Suffix or LzmaSuffix when isData: return null;
        }
        var allowed = isData ? "none, .gz, .xz, .zst, .bz2 or .lzma" : "none, .gz, .xz or .zst";
        if (suffix.StartsWith('.'))
            throw new DebianFormatException($"{source}: member '{member}' uses an unknown compression '{suffix}' (deb(5) allows {allowed})");
        throw new DebianFormatException($"{source}: unexpected member '{member}' where {baseName} was expected");
    }
}
