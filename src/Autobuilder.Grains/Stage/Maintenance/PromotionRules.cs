using Autobuilder.Debian.Architectures;
using Autobuilder.Debian.Control;

namespace Autobuilder.Grains.Stage.Maintenance;

/// <summary>
/// Whether a source version may be copied from one distribution to another: it must be complete
/// (every architecture-dependent binary built for every architecture both repositories cover, or
/// those its .dsc asks for when the source is published) and its components must exist in the target.
/// </summary>
public static class PromotionRules
{
    public static string? Incomplete(IReadOnlyList<PackageRecord> records, RepositoryConfig from, RepositoryConfig to, string fromKey)
    {
        var first = records[0];
        var what = $"{first.Source} {first.SourceVersion}";
        var binaries = records.Where(r => !r.IsSource).ToList();
        if (binaries.Count == 0)
            return $"{what} has no binary packages in {fromKey}; nothing to promote";

        var covered = from.Architectures.Intersect(to.Architectures, StringComparer.Ordinal).ToList();
        if (records.FirstOrDefault(r => r.IsSource) is { } dsc && covered.Count > 0
            && ControlFile.ParseSingle(dsc.Stanza, fromKey)["Architecture"] is { Length: > 0 } field)
        {
            try
            {
                covered = [.. BuildArchitectures.Needed(field, covered).ArchitectureSpecific];
            }
            catch (Exception ex) when (ex is InvalidArchitectureException or ArgumentException)
            {
                // An Architecture field we cannot read asks for nothing narrower than the repositories cover.
            }
        }

        var archDependent = binaries.Where(b => b.Architecture != "all").Select(b => b.Package).Distinct(StringComparer.Ordinal).ToList();
        var missing = new List<string>();
        foreach (var arch in covered)
        {
            foreach (var name in archDependent)
            {
                if (!binaries.Any(b => b.Package == name && b.Architecture == arch))
                    missing.Add($"{name} for {arch}");
            }
        }
        if (missing.Count > 0)
            return $"{what} is not built for every architecture in {fromKey}: missing {string.Join(", ", missing)}";

        var components = records.Select(r => r.Component).Distinct(StringComparer.Ordinal).Where(c => !to.Components.Contains(c, StringComparer.Ordinal)).ToList();
        if (components.Count > 0)
            return $"{what} is in component {string.Join(", ", components)}, which {to.Name} does not have (its components: {string.Join(", ", to.Components)})";
        return null;
    }
}
