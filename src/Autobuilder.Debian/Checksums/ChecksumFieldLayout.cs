namespace Autobuilder.Debian.Checksums;

public enum HashKind
{
    Md5,
    Sha1,
    Sha256,
}

/// <summary>
/// How one checksum field lays out its lines: "hash size [extra columns] name". The typed views
/// declare their fields as a table of these rather than parsing each by hand (Policy §5.6.21,
/// §5.6.24; for Release, the Debian wiki's RepositoryFormat).
/// </summary>
public sealed record ChecksumFieldLayout(string Field, HashKind Hash, int ExtraColumns = 0)
{
    /// <summary>.dsc: Files (MD5), Checksums-Sha1, Checksums-Sha256; "hash size name".</summary>
    public static IReadOnlyList<ChecksumFieldLayout> Dsc { get; } =
    [
        new("Files", HashKind.Md5),
        new("Checksums-Sha1", HashKind.Sha1),
        new("Checksums-Sha256", HashKind.Sha256),
    ];

    /// <summary>.changes: Files has "md5 size section priority name"; the others as in .dsc.</summary>
    public static IReadOnlyList<ChecksumFieldLayout> Changes { get; } =
    [
        new("Files", HashKind.Md5, ExtraColumns: 2),
        new("Checksums-Sha1", HashKind.Sha1),
        new("Checksums-Sha256", HashKind.Sha256),
    ];

    /// <summary>Release: MD5Sum, SHA1, SHA256; "hash size path" where the path may contain '/'.</summary>
    public static IReadOnlyList<ChecksumFieldLayout> Release { get; } =
    [
        new("MD5Sum", HashKind.Md5),
        new("SHA1", HashKind.Sha1),
        new("SHA256", HashKind.Sha256),
    ];

    public int HexLength => Hash switch
    {
        HashKind.Md5 => 32,
        HashKind.Sha1 => 40,
        _ => 64,
    };
}
