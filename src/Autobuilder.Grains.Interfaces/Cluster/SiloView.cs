namespace Autobuilder.Grains;

/// <summary>
/// One silo as <c>autobuilder cluster status</c> shows it: where it is, what it plays, whether it
/// is alive, and how many grains of each autobuilder kind it holds.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SiloView(
    [property: Id(0)] string Address,
    [property: Id(1)] string Name,
    [property: Id(2)] string MachineName,
    [property: Id(3)] string Status,
    [property: Id(4)] string? Role,
    [property: Id(5)] string? Host,
    [property: Id(6)] IReadOnlyList<string> SlotHosts,
    [property: Id(7)] DateTimeOffset StartedAt,
    [property: Id(8)] DateTimeOffset LastAlive,
    [property: Id(9)] int Grains,
    [property: Id(10)] IReadOnlyDictionary<string, int> GrainsByKind);
