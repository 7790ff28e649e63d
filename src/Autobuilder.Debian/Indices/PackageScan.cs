namespace Autobuilder.Debian.Indices;

/// <summary>The result of <see cref="PackageScanner.Scan"/>: the stanzas in apt-ftparchive's order, and what the cache saved.</summary>
public sealed class PackageScan
{
    internal PackageScan(IReadOnlyList<ScannedDeb> packages, int dropped)
    {
        Packages = packages;
        Dropped = dropped;
    }

    public IReadOnlyList<ScannedDeb> Packages { get; }

    /// <summary>How many .debs were opened and read.</summary>
    public int Read => Packages.Count(p => !p.FromCache);

    /// <summary>How many stanzas came from the cache.</summary>
    public int FromCache => Packages.Count(p => p.FromCache);

    /// <summary>How many cache entries were dropped because their file is gone.</summary>
    public int Dropped { get; }

    /// <summary>Writes the Packages index: each stanza followed by a blank line, as apt-ftparchive prints it.</summary>
    public void WriteTo(Stream output)
    {
        foreach (var p in Packages)
        {
            p.WriteTo(output);
            output.WriteByte((byte)'\n');
        }
    }
}
