using Autobuilder.Debian.Versions;

namespace Autobuilder.Debian.Relations;

/// <summary>A binary package as an archive lists it, reduced to what a relation is tested against.</summary>
public sealed record BinaryPackage(string Name, DebianVersion Version, string Architecture, IReadOnlyList<PackageRelation> Provides)
{
    /// <summary>
    /// From the fields of a Packages stanza; a Provides field that does not parse provides nothing
    /// (the archive accepted the package, so it is the field's problem, not the waiting build's).
    /// </summary>
    public static BinaryPackage? TryCreate(string name, string version, string architecture, IEnumerable<string> provides)
    {
        if (!DebianVersion.TryParse(version, out var parsed, out _))
            return null;
        var list = new List<PackageRelation>();
        foreach (var p in provides)
        {
            try
            {
                list.Add(RelationField.ParseOne(p));
            }
            catch (DebianFormatException)
            {
            }
        }
        return new BinaryPackage(name, parsed, architecture, list);
    }
}
