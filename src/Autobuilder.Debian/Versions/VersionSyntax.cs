namespace Autobuilder.Debian.Versions;

/// <summary>
/// Splits and checks a version string the way dpkg's parseversion() (lib/dpkg/parsehelp.c, dpkg 1.21)
/// does, keeping apart what dpkg refuses (<c>error</c>) from what it only warns about and then
/// compares anyway (<c>doubt</c>).
/// </summary>
internal static class VersionSyntax
{
    private const string UpstreamPunctuation = ".+~-:";
    private const string RevisionPunctuation = ".+~";

    /// <summary>
    /// Returns the version, or null with <paramref name="error"/> set when dpkg refuses the string.
    /// <paramref name="doubt"/> is the first problem dpkg lets through (it warns, or for an odd epoch
    /// like "+1" says nothing) but dpkg-source's Dpkg::Version::version_check refuses.
    /// </summary>
    public static DebianVersion? Parse(string text, out string? error, out string? doubt)
    {
        doubt = null;
        error = FindError(text, out var epoch, out var upstream, out var revision, out var trimmed, out var epochDoubt);
        if (error is not null)
            return null;
        doubt = FindDoubt(upstream, revision) ?? epochDoubt
            ?? (trimmed.Length != text.Length ? "it has spaces or tabs around it" : null);
        return new DebianVersion(trimmed, epoch, upstream, revision);
    }

    private static string? FindError(string text, out int epoch, out string upstream, out string revision,
        out string trimmed, out string? epochDoubt)
    {
        epoch = 0;
        upstream = revision = trimmed = "";
        epochDoubt = null;

        // Leading and trailing blanks (space, tab) are dropped; blanks inside are an error.
        var s = text.AsSpan().Trim(" \t");
        if (s.IsEmpty)
            return "it is empty";
        if (s.IndexOfAny(' ', '\t') >= 0)
            return "it contains a space or tab";
        // Our own rule, stricter than dpkg (which only warns): dpkg orders bytes of the UTF-8 form,
        // which no Debian version needs, so we refuse rather than imitate it.
        foreach (var c in s)
        {
            if (c > '\x7f')
                return $"it contains the non-ASCII character U+{(int)c:X4}";
        }
        trimmed = s.ToString();

        // The epoch is everything before the first ':', read with strtol(): that allows leading
        // white space and a sign, which we accept like dpkg but note as a doubt.
        var colon = s.IndexOf(':');
        if (colon >= 0)
        {
            var epochError = ParseEpoch(s[..colon], out epoch, out epochDoubt);
            if (epochError is not null)
                return epochError;
            s = s[(colon + 1)..];
            if (s.IsEmpty)
                return "nothing after the epoch";
        }

        // The revision is everything after the last '-' (Debian Policy §5.6.12), so the upstream
        // part may contain '-' only when there is a revision.
        var hyphen = s.LastIndexOf('-');
        if (hyphen >= 0)
        {
            if (hyphen == s.Length - 1)
                return "nothing after the last '-' (the revision is empty)";
            revision = s[(hyphen + 1)..].ToString();
            s = s[..hyphen];
        }
        if (s.IsEmpty)
            return "the upstream version is empty";
        upstream = s.ToString();
        return null;
    }

    // parseversion(): epoch = strtol(string, &end, 10); errors when nothing was read ("empty"),
    // when it stops before the ':' ("not number"), when negative, when above INT_MAX.
    private static string? ParseEpoch(ReadOnlySpan<char> part, out int epoch, out string? doubt)
    {
        epoch = 0;
        doubt = null;
        var quoted = DisplayText.Quote(part.ToString());
        var i = 0;
        while (i < part.Length && part[i] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r')
            i++;
        var negative = false;
        if (i < part.Length && part[i] is '+' or '-')
        {
            negative = part[i] == '-';
            i++;
        }
        var digits = i;
        long value = 0;
        while (i < part.Length && char.IsAsciiDigit(part[i]))
        {
            // Saturate: every value above int.MaxValue gets the same answer.
            value = Math.Min(value * 10 + (part[i] - '0'), (long)int.MaxValue + 1);
            i++;
        }
        if (part.IsEmpty)
            return "the epoch before ':' is empty";
        if (i == digits || i != part.Length)
            return $"the epoch {quoted} is not a number";
        if (negative && value != 0)
            return $"the epoch {quoted} is negative";
        if (value > int.MaxValue)
            return $"the epoch {quoted} is too big (the largest is {int.MaxValue})";
        if (digits != 0)
            doubt = $"the epoch {quoted} is not a plain number";
        epoch = (int)value;
        return null;
    }

    // parseversion() only warns about these; Debian Policy §5.6.12 and dpkg-source forbid them.
    private static string? FindDoubt(string upstream, string revision)
    {
        if (!char.IsAsciiDigit(upstream[0]))
            return $"the upstream version {DisplayText.Quote(upstream)} does not start with a digit";
        foreach (var c in upstream)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !UpstreamPunctuation.Contains(c))
                return $"the upstream version contains the character {DisplayText.Quote(c.ToString())} (allowed: letters, digits and . + ~ - :)";
        }
        foreach (var c in revision)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !RevisionPunctuation.Contains(c))
                return $"the revision contains the character {DisplayText.Quote(c.ToString())} (allowed: letters, digits and . + ~)";
        }
        return null;
    }
}
