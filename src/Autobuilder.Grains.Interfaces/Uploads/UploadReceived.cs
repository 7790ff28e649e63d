namespace Autobuilder.Grains;

/// <summary>
/// What intake knows of a new upload: which product it is for and its intake ticket, which makes
/// receiving idempotent. No path: the garage derives the upload's folder from product and ticket
/// (uploads/&lt;product&gt;/&lt;ticket&gt;/), so a caller cannot point an upload at other files. <see cref="Origin"/>: the area it
/// came from (null from an older intake: local incoming).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UploadReceived(
    [property: Id(0)] string Ticket,
    [property: Id(1)] string Product,
    [property: Id(2)] DateTimeOffset ReceivedAt,
    [property: Id(3)] UploadOrigin? Origin = null);
