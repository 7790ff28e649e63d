using Autobuilder.Acceptance;
using Autobuilder.Debian.Checksums;

namespace Autobuilder.Grains.Stage.Incoming;

/// <summary>
/// What the stage host found in one .changes of repo-incoming: its fields, the files it names
/// (names, sizes and sums already checked), each .deb's control paragraph, the .dsc when the upload
/// has a source, and what was read for the stage's check list (<see cref="Staged"/>, judged by
/// <see cref="AcceptanceLists.StageChanges"/> against the distribution).
/// </summary>
/// <param name="Folder">The repo-incoming folder the files are in.</param>
/// <param name="Sha256">The .changes file's own SHA-256: a .changes accepted once is recognised if it shows up again.</param>
/// <param name="Files">Every file the .changes names, with sums and its section.</param>
/// <param name="Present">Names of files of this upload present in the folder (what a rejection moves aside).</param>
public sealed record ChangesInspection(
    string ChangesFile,
    string Folder,
    string? Sha256,
    string? Source,
    string? Version,
    string? Distribution,
    IReadOnlyList<FileEntry> Files,
    IReadOnlyList<IncomingBinary> Binaries,
    IncomingSource? SourcePackage,
    IReadOnlyList<string> Present,
    StagedChanges Staged);
