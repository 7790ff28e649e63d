namespace Autobuilder.Silo.Execution.Ssh;

/// <summary>
/// The one way a value reaches a remote shell: strictly single-quoted. An SSH "exec" request is a
/// string the user's login shell parses, so every word we send, constant or not, goes through
/// here; inside single quotes a POSIX shell interprets nothing ($, `, ;, \, newlines, globs), and
/// a single quote itself is written as '\''.
/// </summary>
public static class ShellQuote
{
    public static string Quote(string value)
    {
        // A NUL cannot be passed through exec at all; refusing beats silently cutting the value.
        if (value.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException("a shell argument cannot contain NUL", nameof(value));
        return "'" + value.Replace("'", @"'\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>One simple command: every word quoted, joined by spaces.</summary>
    public static string Command(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    /// <summary>Simple commands run one after another while each succeeds (<c>a &amp;&amp; b</c>).</summary>
    public static string AndThen(params IEnumerable<string>[] commands) => string.Join(" && ", commands.Select(Command));
}
