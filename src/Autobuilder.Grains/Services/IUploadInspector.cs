using Autobuilder.Acceptance;
using Autobuilder.Debian.Uploads;

namespace Autobuilder.Grains.Services;

/// <summary>
/// The garage host's view of an upload's files: reads and checks them, and moves them aside when
/// the upload is rejected. Grains never touch files themselves, and never name a folder: the
/// inspector finds an upload's folder from its product and intake ticket.
/// </summary>
public interface IUploadInspector
{
    /// <summary>
    /// Checks the upload intake took as <paramref name="ticket"/> for <paramref name="product"/>:
    /// the .dsc, what intake found, and every file it names (names, sizes, sums).
    /// </summary>
    Task<UploadInspection> InspectAsync(string product, string ticket, CancellationToken ct = default);

    /// <summary>
    /// Moves the upload's files to rejected/&lt;upload id&gt;/ and writes REJECTED.txt
    /// (<see cref="RejectionReport"/>) beside them; returns that folder. Calling it again for the same upload is harmless.
    /// </summary>
    Task<string> RejectAsync(string product, string ticket, string uploadId, IReadOnlyList<UploadRejection> rejections, CancellationToken ct = default);
}

/// <summary>
/// What inspecting an upload found: the facts the garage's check list (<see cref="AcceptanceLists.SourceUpload"/>)
/// decides on. <see cref="Problems"/> are what intake found while taking the files (a link, a pipe,
/// a limit, a file that never came), or why the upload's folder could not be found.
/// <see cref="Folder"/> is where they are (null when the ticket names no upload folder).
/// </summary>
/// <param name="Dsc">The parsed .dsc; null when it could not be read (<paramref name="DscError"/> says why, in an uploader's words).</param>
/// <param name="Taken">The sums of the files as intake copied them (no file is read twice).</param>
public sealed record UploadInspection(
    string? Source,
    string? Version,
    string? ArchitectureField,
    string? Uploader,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> Problems,
    string? Folder = null,
    string? DscFileName = null,
    UploadOrigin? Origin = null,
    UploadSignature? Signature = null,
    UploadChangesFacts? Changes = null,
    DscFile? Dsc = null,
    string? ChangesError = null,
    string? DscError = null,
    TakenFiles? Taken = null);
