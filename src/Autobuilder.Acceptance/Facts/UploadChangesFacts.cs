using Autobuilder.Debian.Checksums;

namespace Autobuilder.Acceptance;

/// <summary>
/// The .changes that came with the upload (dput's unit): its name and fields, the files it lists
/// with their sums, and the sums intake computed over the very bytes it copied (the .dsc's too),
/// so the checks compare them without reading a file.
/// </summary>
public sealed record UploadChangesFacts(
    string FileName,
    string Source,
    string Version,
    IReadOnlyList<string> Architectures,
    IReadOnlyList<FileEntry> Files,
    IReadOnlyDictionary<string, ChecksumSet> Computed,
    string? ChangedBy);
