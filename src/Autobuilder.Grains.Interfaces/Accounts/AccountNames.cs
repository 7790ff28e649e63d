using System.Text.RegularExpressions;

namespace Autobuilder.Grains;

/// <summary>
/// What a login may look like. It names a folder of the SSH and HTTP upload areas and appears in
/// authorized_keys command lines, so it is a plain word: a lower-case letter, then up to 31
/// lower-case letters, digits, '-', '_' or '.' (no "..", nothing hidden).
/// </summary>
public static partial class AccountNames
{
    [GeneratedRegex("^[a-z][a-z0-9._-]{0,31}$")]
    private static partial Regex LoginPattern();

    public static bool IsValidLogin(string? login) =>
        login is not null && LoginPattern().IsMatch(login) && !login.Contains("..", StringComparison.Ordinal);

    public static string RequireLogin(string? login) =>
        IsValidLogin(login) ? login!
            : throw new ArgumentException($"'{login}' is not a valid login: a lower-case letter, then up to 31 of a-z 0-9 . _ -");
}
