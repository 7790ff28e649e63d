namespace Autobuilder.BuildRunner;

/// <summary>
/// Where the base tarball of chroot mode lives on a builder: one file per (distribution,
/// architecture) in a folder the slot's configuration names. <c>autobuilder builders prepare-env</c>
/// writes it and the executors pass it to the runner, so both take the name from here.
/// </summary>
public static class ChrootTarball
{
    /// <summary>The folder when a slot names none: the usual place for caches a service refreshes.</summary>
    public const string DefaultFolder = "/var/cache/autobuilder/chroots";

    /// <summary><c>DIST-ARCH.tar</c>: uncompressed, because sbuild unpacks it for every build and
    /// unpacking 445 MB of plain tar is faster than decompressing it.</summary>
    public static string FileName(string distribution, string architecture)
    {
        Require(distribution, "distribution");
        Require(architecture, "architecture");
        return $"{distribution}-{architecture}.tar";
    }

    public static string PathFor(string? folder, string distribution, string architecture) =>
        Path.Combine(string.IsNullOrEmpty(folder) ? DefaultFolder : folder, FileName(distribution, architecture));

    /// <summary>Distribution and architecture names as Debian spells them; they end up in file names.</summary>
    public static bool IsPlainName(string value) =>
        value.Length is > 0 and <= 64 && (char.IsAsciiLetterLower(value[0]) || char.IsAsciiDigit(value[0]))
        && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '+' or '-');

    private static void Require(string value, string what)
    {
        if (!IsPlainName(value))
            throw new ArgumentException($"'{value}' is not a {what} name (lower-case letters, digits, '.', '+', '-')", what);
    }
}
