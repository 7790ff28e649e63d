namespace Autobuilder.Acceptance;

/// <summary>
/// Why one check refused an upload, in the shape dak's checks give (daklib/checks.py): which
/// check, which file and field, what was expected and what was found, and the reason in an
/// uploader's words (<see cref="Reason"/> is what the mail, REJECTED.txt and <c>uploads show</c> print).
/// </summary>
public sealed record CheckRejection(string Check, string File, string? Field, string? Expected, string? Found, string Reason)
{
    public override string ToString() => Reason;
}
