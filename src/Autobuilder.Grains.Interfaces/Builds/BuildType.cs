namespace Autobuilder.Grains;

/// <summary>What one build produces, as dpkg-buildpackage's --build (-b, -B, -A).</summary>
public enum BuildType
{
    /// <summary>Architecture-specific and architecture-independent packages (-b).</summary>
    Binary,
    /// <summary>Architecture-specific packages only (-B).</summary>
    Any,
    /// <summary>Architecture-independent packages only (-A).</summary>
    All,
}
