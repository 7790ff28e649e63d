namespace Autobuilder.Grains;

/// <summary>A file in a folder of a host, as <see cref="IHostFilesGrain.ListAsync"/> returns it.</summary>
[GenerateSerializer, Immutable]
public sealed record HostFile([property: Id(0)] string Name, [property: Id(1)] long Length);
