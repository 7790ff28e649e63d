using System.Diagnostics.CodeAnalysis;

namespace Autobuilder.Debian.Versions;

/// <summary>
/// A relation of <c>dpkg --compare-versions A RELATION B</c> (dpkg src/main/enquiry.c, relationinfos[]):
/// lt le eq ne ge gt; lt-nl le-nl ge-nl gt-nl, where an empty version is newer than every version
/// (dpkg has no eq-nl or ne-nl); and the control-file spellings &lt;&lt; &lt;= = &gt;= &gt;&gt;
/// plus the obsolete &lt; and &gt;, which mean &lt;= and &gt;= and make dpkg warn.
/// </summary>
public sealed class VersionRelation
{
    private readonly bool whenLess;
    private readonly bool whenEqual;
    private readonly bool whenGreater;

    private VersionRelation(string name, bool whenLess, bool whenEqual, bool whenGreater,
        bool emptyIsNewest = false, bool isObsolete = false)
    {
        Name = name;
        this.whenLess = whenLess;
        this.whenEqual = whenEqual;
        this.whenGreater = whenGreater;
        EmptyIsNewest = emptyIsNewest;
        IsObsolete = isObsolete;
    }

    /// <summary>As typed on the dpkg command line, e.g. "lt", "&lt;&lt;", "ge-nl".</summary>
    public string Name { get; }

    /// <summary>
    /// True for the -nl relations: an empty (absent) version counts as newer than every version.
    /// Otherwise it counts as older than every version. Two empty versions are equal either way.
    /// </summary>
    public bool EmptyIsNewest { get; }

    /// <summary>True for "&lt;" and "&gt;", which dpkg still accepts but warns about.</summary>
    public bool IsObsolete { get; }

    /// <summary>Every relation dpkg accepts, in dpkg's order.</summary>
    public static IReadOnlyList<VersionRelation> All { get; } =
    [
        new("le", true, true, false),
        new("lt", true, false, false),
        new("eq", false, true, false),
        new("ne", true, false, true),
        new("ge", false, true, true),
        new("gt", false, false, true),
        new("le-nl", true, true, false, emptyIsNewest: true),
        new("lt-nl", true, false, false, emptyIsNewest: true),
        new("ge-nl", false, true, true, emptyIsNewest: true),
        new("gt-nl", false, false, true, emptyIsNewest: true),
        new("<", true, true, false, isObsolete: true),
        new("<=", true, true, false),
        new("<<", true, false, false),
        new("=", false, true, false),
        new(">", false, true, true, isObsolete: true),
        new(">=", false, true, true),
        new(">>", false, false, true),
    ];

    /// <exception cref="DebianFormatException">Not one of dpkg's relations (names are case-sensitive).</exception>
    public static VersionRelation Parse(string name)
    {
        if (TryParse(name, out var relation))
            return relation;
        throw new DebianFormatException(
            $"unknown version relation {DisplayText.Quote(name ?? "")}; expected one of: {string.Join(' ', All.Select(r => r.Name))}");
    }

    public static bool TryParse([NotNullWhen(true)] string? name, [NotNullWhen(true)] out VersionRelation? relation)
    {
        relation = All.FirstOrDefault(r => r.Name == name);
        return relation is not null;
    }

    /// <summary>
    /// Whether "<paramref name="left"/> RELATION <paramref name="right"/>" is true. Null stands for an
    /// empty version (dpkg: the argument "" or "&lt;unknown&gt;").
    /// </summary>
    public bool Holds(DebianVersion? left, DebianVersion? right)
    {
        // dpkg's if_none_a / if_none_b / if_none_both columns are exactly "empty is the oldest"
        // (or "the newest" for -nl) followed by the normal test.
        var emptyWeight = EmptyIsNewest ? 1 : -1;
        var comparison = (left, right) switch
        {
            (null, null) => 0,
            (null, _) => emptyWeight,
            (_, null) => -emptyWeight,
            _ => left.CompareTo(right),
        };
        return comparison < 0 ? whenLess : comparison == 0 ? whenEqual : whenGreater;
    }

    public override string ToString() => Name;
}
