using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Uploads;

namespace Autobuilder.Acceptance;

/// <summary>A .deb a .changes names: its control paragraph, or why it could not be read.</summary>
public sealed record StagedBinary(FileEntry File, ControlParagraph? Control, string? ReadError)
{
    public string? Package => Control?["Package"];

    public string? Version => Control?["Version"];

    public string? Architecture => Control?["Architecture"];
}

/// <summary>A .dsc a .changes names: parsed, or why it could not be read.</summary>
public sealed record StagedSource(FileEntry File, DscFile? Dsc, string? ReadError);

/// <summary>The distribution a .changes is queued for, as configured; null offline.</summary>
/// <param name="Configured">False when no repository of the queue folder's name is configured (the other fields then mean nothing).</param>
/// <param name="KnownProducts">Every product of every repository: a .changes naming one of them must name this one.</param>
public sealed record StageTarget(
    string Repository,
    string Product,
    bool Configured,
    bool AcceptsUploads,
    IReadOnlyList<string> Products,
    IReadOnlyList<string> Architectures,
    IReadOnlyCollection<string> KnownProducts)
{
    public string Where => $"{Repository}/{Product}";
}

/// <summary>
/// What the stage's checks of one .changes see: the parsed .changes, its files as taken (sums,
/// refused names), each .deb's control paragraph, each .dsc; the target distribution and what it
/// holds (null offline: those checks are skipped).
/// </summary>
public sealed class StageChangesContext : IControlFileFacts
{
    public required string ChangesFileName { get; init; }

    /// <summary>The parsed .changes; null when it could not be read (<see cref="ReadError"/> says why).</summary>
    public ChangesFile? Changes { get; init; }

    public string? ReadError { get; init; }

    public required TakenFiles Taken { get; init; }

    /// <summary>The .debs whose files were taken intact (a broken one is never opened).</summary>
    public IReadOnlyList<StagedBinary> Binaries { get; init; } = [];

    public IReadOnlyList<StagedSource> Sources { get; init; } = [];

    public StageTarget? Target { get; init; }

    public IHeldVersions? Held { get; init; }

    public string ControlFileName => ChangesFileName;

    public string? Source => Changes?.Source;

    public string? Version => Changes?.Version;

    public IReadOnlyList<FileEntry> ListedFiles => Changes?.Files ?? [];
}
