using System.Text.RegularExpressions;

namespace Autobuilder.Acceptance;

/// <summary>The one place the Policy's package-name rule is written (the garage and the stage both ask it).</summary>
public static partial class PackageNames
{
    // Debian Policy §5.6.1 (Source) and §5.6.7 (Package): lower-case letters, digits, '+', '-', '.';
    // at least two characters, starting with a letter or digit.
    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+$")]
    private static partial Regex Name();

    public static bool IsValid(string? name) => name is not null && Name().IsMatch(name);
}
