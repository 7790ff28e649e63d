namespace Autobuilder.Grains;

/// <summary>One file in a repository's pool: its path below the repository root, size and SHA-256.</summary>
[GenerateSerializer, Immutable]
public sealed record PoolFile(
    [property: Id(0)] string Path,
    [property: Id(1)] long Size,
    [property: Id(2)] string Sha256);
