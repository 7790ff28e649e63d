namespace Autobuilder.Debian.Checksums;

/// <summary>
/// One file named by a .dsc, .changes or Release, merged across its checksum fields. A sum is
/// null when the file's listing has no field for it. <see cref="Section"/> and
/// <see cref="Priority"/> come from a .changes <c>Files</c> field only.
/// </summary>
public sealed record FileEntry(string Name, long Size, string? Md5, string? Sha1, string? Sha256,
    string? Section = null, string? Priority = null);
