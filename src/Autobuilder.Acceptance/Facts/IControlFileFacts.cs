using Autobuilder.Debian.Checksums;

namespace Autobuilder.Acceptance;

/// <summary>
/// What the garage's .dsc and the stage's .changes have in common, so the checks both lists share
/// (names, version, files, sums) are written once: the control file, the source and version it
/// names, the files it lists, and those files as taken.
/// </summary>
public interface IControlFileFacts
{
    /// <summary>The .dsc (garage) or .changes (stage) whose listing is checked.</summary>
    string ControlFileName { get; }

    string? Source { get; }

    string? Version { get; }

    IReadOnlyList<FileEntry> ListedFiles { get; }

    TakenFiles Taken { get; }
}
