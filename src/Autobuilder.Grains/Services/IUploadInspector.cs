namespace Autobuilder.Grains.Services;

/// <summary>
/// The garage host's view of an upload's files: reads and checks them, and moves them aside when
/// the upload is rejected. Grains never touch files themselves.
/// </summary>
public interface IUploadInspector
{
    /// <summary>Parses the .dsc and checks every file it names (names, presence, sizes, sums).</summary>
    Task<UploadInspection> InspectAsync(string folder, string dscFileName, CancellationToken ct = default);

    /// <summary>
    /// Moves the upload's files to rejected/&lt;upload id&gt;/ and writes the reasons beside them;
    /// returns that folder. Calling it again for the same upload is harmless.
    /// </summary>
    Task<string> RejectAsync(string folder, string uploadId, IReadOnlyList<string> reasons, CancellationToken ct = default);
}

/// <summary>What inspecting an upload found; <see cref="Problems"/> empty means the files are intact.</summary>
public sealed record UploadInspection(
    string? Source,
    string? Version,
    string? ArchitectureField,
    string? Uploader,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> Problems);
