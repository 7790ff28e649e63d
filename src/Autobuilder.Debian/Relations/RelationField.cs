using Autobuilder.Debian.Versions;

namespace Autobuilder.Debian.Relations;

/// <summary>
/// Reads a relation field (Depends, Build-Depends, Provides, a dep-wait list): entries separated by
/// commas, each a list of alternatives separated by "|" (Debian Policy §7.1). The parse is strict:
/// a field that is not well formed is refused naming the entry, never guessed at.
/// </summary>
public static class RelationField
{
    /// <exception cref="DebianFormatException">An entry is not a relation.</exception>
    public static IReadOnlyList<IReadOnlyList<PackageRelation>> Parse(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var entries = new List<IReadOnlyList<PackageRelation>>();
        foreach (var entry in field.Split(','))
        {
            if (entry.Trim().Length == 0)
                continue;
            entries.Add(entry.Split('|').Select(ParseOne).ToList());
        }
        return entries;
    }

    /// <summary>One alternative, e.g. "libfoo-dev:any (&gt;= 1.2) [amd64] &lt;!nocheck&gt;".</summary>
    public static PackageRelation ParseOne(string text)
    {
        var rest = text.Trim();
        var name = TakeWhile(ref rest, c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '+' or '-');
        if (name.Length == 0 || !char.IsAsciiLetterOrDigit(name[0]))
            throw Bad(text, "it does not start with a package name");
        string? qualifier = null;
        if (rest.StartsWith(':'))
        {
            rest = rest[1..];
            qualifier = TakeWhile(ref rest, c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
            if (qualifier.Length == 0)
                throw Bad(text, "':' is not followed by an architecture");
        }
        VersionRelation? relation = null;
        DebianVersion? version = null;
        rest = rest.TrimStart();
        if (rest.StartsWith('('))
        {
            var close = rest.IndexOf(')');
            if (close < 0)
                throw Bad(text, "'(' is not closed");
            var inner = rest[1..close].Trim();
            rest = rest[(close + 1)..].TrimStart();
            var op = new string(inner.TakeWhile(c => c is '<' or '>' or '=').ToArray());
            if (!VersionRelation.TryParse(op, out relation))
                throw Bad(text, $"'{op}' is not a version relation (<<, <=, =, >=, >>)");
            var versionText = inner[op.Length..].Trim();
            if (!DebianVersion.TryParse(versionText, out version, out var error))
                throw Bad(text, error);
        }
        var restriction = new List<string>();
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0)
                throw Bad(text, "'[' is not closed");
            restriction.AddRange(rest[1..close].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            rest = rest[(close + 1)..].TrimStart();
        }
        // Build profiles (<!nocheck>) do not change what a package must be to satisfy the relation.
        while (rest.StartsWith('<'))
        {
            var close = rest.IndexOf('>');
            if (close < 0)
                throw Bad(text, "'<' is not closed");
            rest = rest[(close + 1)..].TrimStart();
        }
        if (rest.Length > 0)
            throw Bad(text, $"unexpected '{rest}'");
        return new PackageRelation(name, qualifier, relation, version, restriction);
    }

    private static string TakeWhile(ref string rest, Func<char, bool> keep)
    {
        var n = 0;
        while (n < rest.Length && keep(rest[n]))
            n++;
        var taken = rest[..n];
        rest = rest[n..];
        return taken;
    }

    private static DebianFormatException Bad(string text, string why) =>
        new($"{DisplayText.Quote(text.Trim())} is not a package relation: {why}");
}
