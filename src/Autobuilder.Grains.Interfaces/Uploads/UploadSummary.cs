namespace Autobuilder.Grains;

/// <param name="Settled">Nothing more is owed: done, or rejected with its files moved aside and the mail sent.</param>
[GenerateSerializer, Immutable]
public sealed record UploadSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Product,
    [property: Id(2)] string Source,
    [property: Id(3)] string Version,
    [property: Id(4)] UploadState State,
    [property: Id(5)] UploadState? Outcome,
    [property: Id(6)] DateTimeOffset ReceivedAt,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(8)] string LastReason,
    [property: Id(9)] bool Settled,
    [property: Id(20)] UploadLatency? Latency = null,
    [property: Id(21)] string? Account = null);
