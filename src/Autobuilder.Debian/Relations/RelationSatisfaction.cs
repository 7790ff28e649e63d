namespace Autobuilder.Debian.Relations;

/// <summary>
/// Whether a binary package satisfies a relation for a build on an architecture (Debian Policy §7.1,
/// §7.5 for Provides; deb-src-control(5) and dpkg's deps.c for the architecture qualifiers):
/// <list type="bullet">
/// <item>by name: the package's version satisfies the version relation (dpkg ordering);</item>
/// <item>by Provides: an unversioned relation is satisfied by any provider; a versioned one only
/// by a versioned provide "name (= v)" whose v satisfies it;</item>
/// <item>architecture: an unqualified or ":native" relation wants the build architecture or "all";
/// ":any" takes any architecture (Multi-Arch: allowed is not checked: the archive has no such
/// field in the events this is used for); ":ARCH" wants that architecture (or "all").</item>
/// </list>
/// </summary>
public static class RelationSatisfaction
{
    public static bool Satisfies(BinaryPackage package, PackageRelation relation, string buildArchitecture)
    {
        if (!ArchitectureFits(package.Architecture, relation.ArchitectureQualifier, buildArchitecture))
            return false;
        if (package.Name == relation.Name && (relation.Relation is null || relation.Relation.Holds(package.Version, relation.Version)))
            return true;
        foreach (var provided in package.Provides)
        {
            if (provided.Name != relation.Name)
                continue;
            if (relation.Relation is null)
                return true;
            // Policy §7.5: only "(= version)" provides carry a version; anything else satisfies no versioned relation.
            if (provided.Relation?.Name == "=" && relation.Relation.Holds(provided.Version, relation.Version))
                return true;
        }
        return false;
    }

    /// <summary>One alternative list ("a | b (&gt;= 2)") is satisfied when any alternative is.</summary>
    public static bool Satisfies(BinaryPackage package, IReadOnlyList<PackageRelation> alternatives, string buildArchitecture) =>
        alternatives.Any(a => a.AppliesTo(buildArchitecture) && Satisfies(package, a, buildArchitecture));

    private static bool ArchitectureFits(string packageArchitecture, string? qualifier, string buildArchitecture)
    {
        if (packageArchitecture == "all")
            return true;
        return qualifier switch
        {
            null or "native" => packageArchitecture == buildArchitecture,
            "any" => true,
            _ => packageArchitecture == qualifier,
        };
    }
}
