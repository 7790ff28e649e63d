namespace Autobuilder.Grains;

/// <summary>One recorded step of an upload's history; the status page and console show these.</summary>
[GenerateSerializer, Immutable]
public sealed record UploadTransition(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] UploadState From,
    [property: Id(2)] UploadState To,
    [property: Id(3)] string Reason);
