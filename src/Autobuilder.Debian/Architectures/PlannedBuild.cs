namespace Autobuilder.Debian.Architectures;

/// <summary>One binary build of a source package: on which architecture, producing which packages.</summary>
public sealed record PlannedBuild(string Architecture, BuildParts Parts)
{
    /// <summary>
    /// The dpkg-buildpackage(1) option for <see cref="Parts"/>: -B (binary-arch), -A (binary-indep)
    /// or -b (binary: both).
    /// </summary>
    public string DpkgBuildpackageFlag => Parts switch
    {
        BuildParts.ArchitectureSpecific => "-B",
        BuildParts.ArchitectureIndependent => "-A",
        BuildParts.Both => "-b",
        _ => throw new InvalidOperationException($"unknown build parts {Parts}"),
    };
}
