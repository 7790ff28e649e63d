namespace Autobuilder.Grains.Stage.Pool;

/// <summary>
/// Where a package's files lie in a repository: pool/&lt;component&gt;/&lt;prefix&gt;/&lt;source&gt;/,
/// the prefix being the source's first letter, or "lib" and the next letter for library sources
/// (Debian's layout, which dak, reprepro and apt-ftparchive share).
/// </summary>
public static class PoolLayout
{
    public static string Folder(string component, string source)
    {
        var prefix = source.StartsWith("lib", StringComparison.Ordinal) && source.Length > 3 ? source[..4] : source[..1];
        return $"pool/{component}/{prefix}/{source}";
    }

    /// <summary>
    /// The component a .changes section names: "contrib/net" goes to "contrib" when the repository
    /// has that component; any other section (plain "net", or Maemo's "user/utilities", which
    /// names no component) goes to the repository's first component.
    /// </summary>
    public static string Component(string? section, RepositoryConfig repository)
    {
        var slash = section?.IndexOf('/') ?? -1;
        if (slash > 0)
        {
            var named = section![..slash];
            if (repository.Components.Contains(named, StringComparer.Ordinal))
                return named;
        }
        return repository.DefaultComponent;
    }
}
