using Autobuilder.Debian.Versions;

namespace Autobuilder.Acceptance;

/// <summary>The one wording of "not newer" for a distribution (dpkg ordering, epochs included): the stage's check and promotions use it.</summary>
public static class VersionRule
{
    /// <summary>Why <paramref name="candidate"/> may not join a distribution holding <paramref name="newest"/>, or null.</summary>
    public static string? Refusal(string newest, string candidate, string what, string where)
    {
        var order = Compare(candidate, newest);
        return order switch
        {
            0 => $"{what} is already in {where}",
            < 0 => $"{what} is not newer than {newest}, which {where} holds",
            _ => null,
        };
    }

    /// <summary>Orders version strings as dpkg does; a string that is not a version sorts first.</summary>
    public static int Compare(string? x, string? y)
    {
        var a = DebianVersion.TryParse(x, out var va, out _) ? va : null;
        var b = DebianVersion.TryParse(y, out var vb, out _) ? vb : null;
        if (a is null || b is null)
            return (a is null ? 0 : 1) - (b is null ? 0 : 1);
        return a.CompareTo(b);
    }
}
