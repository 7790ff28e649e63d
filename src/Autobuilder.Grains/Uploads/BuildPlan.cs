using Autobuilder.Debian;
using Autobuilder.Debian.Architectures;

namespace Autobuilder.Grains.Uploads;

/// <summary>Which builds an upload needs, from its Architecture field and the configured architectures.</summary>
public static class BuildPlan
{
    /// <param name="problem">Why nothing can be built (a bad field, or no configured architecture matches).</param>
    public static List<(string Architecture, BuildType Type)> For(string architectureField, IReadOnlyList<string> configured, out string? problem)
    {
        problem = null;
        ArchitectureNeeds needs;
        try
        {
            needs = BuildArchitectures.Needed(architectureField, configured);
        }
        catch (DebianFormatException ex)
        {
            problem = ex.Message;
            return [];
        }
        var builds = needs.Builds().Select(b => (b.Architecture, b.Parts switch
        {
            BuildParts.ArchitectureSpecific => BuildType.Any,
            BuildParts.ArchitectureIndependent => BuildType.All,
            _ => BuildType.Binary,
        })).ToList();
        if (builds.Count == 0)
            problem = $"nothing to build: Architecture '{architectureField}' matches none of the architectures this autobuilder builds ({string.Join(", ", configured)})";
        return builds;
    }
}
