namespace Autobuilder.Grains;

/// <summary>A repository's configuration as in effect, its signing key and its distributions.</summary>
[GenerateSerializer, Immutable]
public sealed record RepositoryInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> Products,
    [property: Id(2)] IReadOnlyList<string> Components,
    [property: Id(3)] IReadOnlyList<string> Architectures,
    [property: Id(4)] bool AcceptsUploads,
    [property: Id(5)] int KeepVersions,
    [property: Id(6)] string LivePath,
    [property: Id(7)] string PublicKeyPath,
    [property: Id(8)] string? SigningKey,
    [property: Id(9)] string? PromoteTo,
    [property: Id(10)] double? PromoteAfterDays,
    [property: Id(11)] IReadOnlyList<DistributionStatus> Distributions);
