namespace Autobuilder.Grains;

/// <summary>
/// A page of the uploads list, newest first (received time, then id): every filter optional.
/// <paramref name="State"/> matches the state or the outcome (case-insensitive); <paramref name="Text"/>
/// matches part of the id or of the last reason; <paramref name="Since"/>/<paramref name="Until"/> bound
/// the received time; <paramref name="Offset"/> skips that many matches (paging).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UploadQuery(
    [property: Id(0)] string? Product = null,
    [property: Id(1)] string? State = null,
    [property: Id(2)] string? Source = null,
    [property: Id(3)] string? Uploader = null,
    [property: Id(4)] string? Text = null,
    [property: Id(5)] DateTimeOffset? Since = null,
    [property: Id(6)] DateTimeOffset? Until = null,
    [property: Id(7)] int Limit = 100,
    [property: Id(8)] int Offset = 0)
{
    /// <summary>The most a page holds, whatever is asked.</summary>
    public const int MaxLimit = 1000;

    /// <summary>
    /// Search (<see cref="Text"/>) in role all looks at this many matching uploads at most, the ones
    /// recorded last (newest first); the other filters apply among them. Beyond it, the lists say so.
    /// </summary>
    public const int SearchWindow = 2000;
}

/// <summary>One page of uploads; <paramref name="More"/>: further matches follow (ask again with Offset + Uploads.Count).</summary>
[GenerateSerializer, Immutable]
public sealed record UploadPage([property: Id(0)] IReadOnlyList<UploadSummary> Uploads, [property: Id(1)] bool More);
