namespace Autobuilder.Grains;

/// <summary>Everything the console's <c>uploads show</c> prints about one upload.</summary>
[GenerateSerializer, Immutable]
public sealed record UploadDetails(
    [property: Id(0)] UploadSummary Summary,
    [property: Id(1)] IReadOnlyList<UploadTransition> History,
    [property: Id(2)] IReadOnlyList<BuildProgress> Builds,
    [property: Id(3)] IReadOnlyList<string> Problems,
    [property: Id(4)] string? Uploader,
    [property: Id(5)] string? Folder);
