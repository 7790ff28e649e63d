namespace Autobuilder.Debian.Architectures;

/// <summary>
/// What a source package needs built on the configured architectures.
/// </summary>
/// <param name="ArchitectureSpecific">Configured architectures that need an architecture-specific build, in configured order.</param>
/// <param name="IndependentOn">
/// The one architecture that also builds the Architecture: all packages, or null when the package
/// has none. It is the first of <paramref name="ArchitectureSpecific"/>, so that build uses -b; when
/// there is no architecture-specific build, the first configured architecture.
/// </param>
/// <param name="Warnings">Entries of the field that match no architecture the autobuilder knows; nothing is built for them.</param>
public sealed record ArchitectureNeeds(
    IReadOnlyList<string> ArchitectureSpecific, string? IndependentOn, IReadOnlyList<string> Warnings)
{
    public bool ArchitectureIndependent => IndependentOn is not null;

    /// <summary>One build per architecture; the Architecture: all packages are built exactly once.</summary>
    public IReadOnlyList<PlannedBuild> Builds()
    {
        var builds = ArchitectureSpecific
            .Select(a => new PlannedBuild(a, a == IndependentOn ? BuildParts.Both : BuildParts.ArchitectureSpecific))
            .ToList();
        if (IndependentOn is not null && !ArchitectureSpecific.Contains(IndependentOn))
            builds.Insert(0, new PlannedBuild(IndependentOn, BuildParts.ArchitectureIndependent));
        return builds;
    }
}
