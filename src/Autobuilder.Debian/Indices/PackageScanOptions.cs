namespace Autobuilder.Debian.Indices;

/// <summary>How <see cref="PackageScanner.Scan"/> works.</summary>
public sealed record PackageScanOptions
{
    /// <summary>Write SHA512 fields, as apt-ftparchive does unless told <c>APT::FTPArchive::SHA512 "false"</c>.</summary>
    public bool Sha512 { get; init; } = true;

    /// <summary>A cache of stanzas from an earlier scan (see <see cref="PackageScanner"/>); null for none.</summary>
    public string? CacheFile { get; init; }

    /// <summary>How many .debs are read at once.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}
