namespace Autobuilder.Grains;

/// <summary>
/// A .changes the stage refused: where its files went, every reason in plain words, and each
/// rejection in the garage's shape (check, file, field, expected, found; empty for rejections
/// recorded before the stage had its check list).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StageRejection(
    [property: Id(0)] string Changes,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Folder,
    [property: Id(3)] IReadOnlyList<string> Reasons,
    [property: Id(4)] IReadOnlyList<UploadRejection>? Checks = null);
