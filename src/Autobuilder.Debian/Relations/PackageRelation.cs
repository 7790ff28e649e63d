using Autobuilder.Debian.Versions;

namespace Autobuilder.Debian.Relations;

/// <summary>
/// One alternative of a relation field (Debian Policy §7.1, §7.4 for architecture qualifiers,
/// §7.7 for Build-Depends restrictions): <c>name[:arch] [(op version)] [[arch …]] [&lt;profile …&gt;]</c>.
/// Restriction lists are kept as written; dep-wait lists, as dpkg-checkbuilddeps and dose3 print
/// them, have already dropped what did not apply.
/// </summary>
public sealed record PackageRelation(
    string Name,
    string? ArchitectureQualifier,
    VersionRelation? Relation,
    DebianVersion? Version,
    IReadOnlyList<string> ArchitectureRestriction)
{
    /// <summary>Whether the restriction list ([amd64 !i386]) lets the relation apply when building for <paramref name="architecture"/>.</summary>
    public bool AppliesTo(string architecture)
    {
        if (ArchitectureRestriction.Count == 0)
            return true;
        // Policy §7.1: either all entries are negated (applies unless one names the architecture)
        // or none is (applies only where one names it). Of the wildcards only any and
        // linux-any are known: every architecture this autobuilder builds is a Linux one.
        var negated = ArchitectureRestriction[0].StartsWith('!');
        var named = ArchitectureRestriction.Any(a => Matches(a.TrimStart('!'), architecture));
        return negated ? !named : named;
    }

    private static bool Matches(string pattern, string architecture) =>
        pattern == architecture || pattern is "any" or "linux-any";

    public override string ToString() =>
        Name + (ArchitectureQualifier is { } q ? $":{q}" : "") + (Relation is { } r ? $" ({r.Name} {Version})" : "");
}
