namespace Autobuilder.Debian.Compression;

/// <summary>
/// One independently compressed block of an .xz stream (xz file format 1.0.4, §3): its bytes with
/// the block padding, and the two sizes the stream's index records for it.
/// </summary>
/// <param name="Bytes">Block header, compressed data, padding to a multiple of four, and the check.</param>
/// <param name="UnpaddedSize">Block header + compressed data + check, without the padding (index record field).</param>
/// <param name="UncompressedSize">Bytes the block decompresses to.</param>
public sealed record XzBlock(byte[] Bytes, long UnpaddedSize, long UncompressedSize);
