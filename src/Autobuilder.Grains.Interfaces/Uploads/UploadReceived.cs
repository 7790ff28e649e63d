namespace Autobuilder.Grains;

/// <summary>
/// What intake knows of a new upload: which product it is for, the .dsc's name, and the folder on
/// the garage host that now holds its files. <see cref="Ticket"/> makes receiving idempotent.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UploadReceived(
    [property: Id(0)] string Ticket,
    [property: Id(1)] string Product,
    [property: Id(2)] string DscFileName,
    [property: Id(3)] string Folder,
    [property: Id(4)] DateTimeOffset ReceivedAt);
