using Autobuilder.Debian;
using Autobuilder.Debian.Relations;

namespace Autobuilder.Grains.Builds;

/// <summary>
/// Tests the missing entries of a dep-wait against what a distribution published (Debian relation
/// semantics: <see cref="RelationSatisfaction"/>). No Orleans here beyond the records, so the rules
/// are unit-tested on their own.
/// </summary>
public static class DependencyMatch
{
    /// <summary>
    /// For each entry of <paramref name="missing"/> ("a (&gt;= 1) | b"), the first published binary
    /// that satisfies it for a build on <paramref name="architecture"/> ("a 1.2"), or null. An entry
    /// that does not parse is never satisfied (the build then waits for `uploads retry`).
    /// </summary>
    public static IReadOnlyList<string?> Satisfied(IReadOnlyList<string> missing, string architecture, IReadOnlyList<PublishedBinary> published)
    {
        // Indexed by the names a relation can meet: the package's own and what it provides.
        var byName = new Dictionary<string, List<BinaryPackage>>(StringComparer.Ordinal);
        foreach (var p in published)
        {
            if (BinaryPackage.TryCreate(p.Package, p.Version, p.Architecture, p.Provides) is not { } binary)
                continue;
            foreach (var name in binary.Provides.Select(r => r.Name).Prepend(binary.Name).Distinct(StringComparer.Ordinal))
            {
                if (!byName.TryGetValue(name, out var list))
                    byName[name] = list = [];
                list.Add(binary);
            }
        }
        var result = new string?[missing.Count];
        for (var i = 0; i < missing.Count; i++)
        {
            IReadOnlyList<PackageRelation> alternatives;
            try
            {
                alternatives = RelationField.Parse(missing[i]).SelectMany(e => e).ToList();
            }
            catch (DebianFormatException)
            {
                continue;
            }
            var match = alternatives
                .Where(a => a.AppliesTo(architecture) && byName.ContainsKey(a.Name))
                .SelectMany(a => byName[a.Name].Where(b => RelationSatisfaction.Satisfies(b, a, architecture)))
                .FirstOrDefault();
            if (match is not null)
                result[i] = $"{match.Name} {match.Version}";
        }
        return result;
    }
}
