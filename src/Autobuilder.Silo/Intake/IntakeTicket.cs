namespace Autobuilder.Silo.Intake;

/// <summary>
/// Intake's idempotency key for one upload taken from incoming: a sortable, unique folder name
/// under uploads/&lt;product&gt;/. The registry maps each ticket to exactly one upload id.
/// </summary>
public static partial class IntakeTicket
{
    /// <summary>Whether <paramref name="ticket"/> has the form <see cref="New"/> gives: a plain folder name, nothing else.</summary>
    public static bool IsValid(string? ticket) => ticket is not null && Form().IsMatch(ticket);

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{10}\z")]
    private static partial System.Text.RegularExpressions.Regex Form();

    public static string New(DateTimeOffset now) => $"{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>A folder being filled; it becomes an upload only when its .dsc has been moved in.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>Written once the upload grain has the upload: the folder needs no delivery after a restart.</summary>
    public const string DeliveredMarker = ".delivered";
}
