namespace Autobuilder.Grains;

/// <summary>A .changes the stage refused: where its files went and every reason.</summary>
[GenerateSerializer, Immutable]
public sealed record StageRejection(
    [property: Id(0)] string Changes,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Folder,
    [property: Id(3)] IReadOnlyList<string> Reasons);
