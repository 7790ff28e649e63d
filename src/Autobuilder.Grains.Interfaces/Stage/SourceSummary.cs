namespace Autobuilder.Grains;

/// <summary>One version of a source package in a distribution: its binaries and their architectures.</summary>
[GenerateSerializer, Immutable]
public sealed record SourceSummary(
    [property: Id(0)] string Source,
    [property: Id(1)] string Version,
    [property: Id(2)] string Component,
    [property: Id(3)] IReadOnlyList<string> Binaries,
    [property: Id(4)] IReadOnlyList<string> Architectures,
    [property: Id(5)] bool HasSource,
    [property: Id(6)] DateTimeOffset AddedAt);
