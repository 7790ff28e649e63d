namespace Autobuilder.Debian.Architectures;

/// <summary>Which binary packages one build produces.</summary>
public enum BuildParts
{
    /// <summary>Only the architecture-specific packages (dpkg-buildpackage -B).</summary>
    ArchitectureSpecific,

    /// <summary>Only the Architecture: all packages (dpkg-buildpackage -A).</summary>
    ArchitectureIndependent,

    /// <summary>Both at once (dpkg-buildpackage -b).</summary>
    Both,
}
