namespace Autobuilder.Silo.Intake;

/// <summary>
/// Intake's idempotency key for one upload taken from incoming: a sortable, unique folder name
/// under uploads/&lt;product&gt;/. The registry maps each ticket to exactly one upload id.
/// </summary>
public static class IntakeTicket
{
    public static string New(DateTimeOffset now) => $"{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>A folder being filled; it becomes an upload only when its .dsc has been moved in.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>Written once the upload grain has the upload: the folder needs no delivery after a restart.</summary>
    public const string DeliveredMarker = ".delivered";
}
