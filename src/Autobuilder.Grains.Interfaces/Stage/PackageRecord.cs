namespace Autobuilder.Grains;

/// <summary>
/// One package of a distribution as recorded once when it entered: a binary package (one .deb) or
/// a source package (Architecture "source", a .dsc and its files). <see cref="Stanza"/> is its
/// Packages or Sources paragraph exactly as the indices print it, so indices are regenerated from
/// these records without opening or hashing any pool file again.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PackageRecord(
    [property: Id(0)] string Package,
    [property: Id(1)] string Version,
    [property: Id(2)] string Architecture,
    [property: Id(3)] string Component,
    [property: Id(4)] string Source,
    [property: Id(5)] string SourceVersion,
    [property: Id(6)] IReadOnlyList<PoolFile> Files,
    [property: Id(7)] string Stanza,
    [property: Id(8)] DateTimeOffset AddedAt)
{
    public const string SourceArchitecture = "source";

    public bool IsSource => Architecture == SourceArchitecture;

    /// <summary>Unique within a distribution: name, version and architecture.</summary>
    public string Key => $"{Package}_{Version}_{Architecture}";
}
