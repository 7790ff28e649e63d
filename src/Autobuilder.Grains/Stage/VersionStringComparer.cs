using Autobuilder.Debian.Versions;

namespace Autobuilder.Grains.Stage;

/// <summary>Orders version strings as dpkg does; a string that is not a version sorts first.</summary>
public sealed class VersionStringComparer : IComparer<string>
{
    public static VersionStringComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var a = DebianVersion.TryParse(x, out var va, out _) ? va : null;
        var b = DebianVersion.TryParse(y, out var vb, out _) ? vb : null;
        if (a is null || b is null)
            return (a is null ? 0 : 1) - (b is null ? 0 : 1);
        return a.CompareTo(b);
    }
}
