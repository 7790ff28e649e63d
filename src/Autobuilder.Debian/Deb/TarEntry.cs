namespace Autobuilder.Debian.Deb;

/// <summary>
/// One entry of a tar archive after GNU long names and pax records have been applied.
/// <see cref="Name"/> is the path as stored (a .deb's data.tar writes "./usr/bin/x");
/// <see cref="Size"/> is the content length of a regular file and 0 for every other type.
/// </summary>
public sealed record TarEntry(string Name, TarEntryType Type, long Size, int Mode, long ModificationTime, string? LinkName)
{
    /// <summary>The path without a leading "./" or trailing '/' ("./usr/" → "usr", "./" → "").</summary>
    public string NormalizedName
    {
        get
        {
            var name = Name.AsSpan();
            while (name.StartsWith("./"))
                name = name[2..];
            if (name is ".")
                return "";
            return name.TrimEnd('/').ToString();
        }
    }
}
