using Autobuilder.Debian;
using Autobuilder.Debian.Deb;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;

namespace Autobuilder.Acceptance;

/// <summary>
/// What was read of one .changes of built packages: the parsed file (or why not), its files as
/// taken, each intact .deb's control paragraph and each .dsc. The stage's silo reads it from
/// repo-incoming (regular files only); the console reads it from a folder; the stage's list then
/// judges it against a distribution (<see cref="ToContext"/>).
/// </summary>
public sealed record StagedChanges(
    string ChangesFileName,
    ChangesFile? Changes,
    string? ReadError,
    TakenFiles Taken,
    IReadOnlyList<StagedBinary> Binaries,
    IReadOnlyList<StagedSource> Sources)
{
    public StageChangesContext ToContext(StageTarget? target, IHeldVersions? held) => new()
    {
        ChangesFileName = ChangesFileName,
        Changes = Changes,
        ReadError = ReadError,
        Taken = Taken,
        Binaries = Binaries,
        Sources = Sources,
        Target = target,
        Held = held,
    };

    /// <summary>
    /// The packages and sources of a parsed .changes, read from <paramref name="folder"/>: only
    /// files whose size and sums match the listing are opened (a damaged or hostile file is
    /// judged by file-sums and never parsed).
    /// </summary>
    public static StagedChanges Read(string changesFileName, ChangesFile changes, TakenFiles taken, string folder, IDebControlReader debs)
    {
        var intact = new HashSet<string>(changes.Files.Select(f => f.Name), StringComparer.Ordinal);
        intact.ExceptWith(taken.Verify(changes.Files, changesFileName).Select(p => p.FileName));
        var binaries = new List<StagedBinary>();
        var sources = new List<StagedSource>();
        foreach (var file in changes.Files.Where(f => intact.Contains(f.Name) && FileNames.IsSafe(f.Name)))
        {
            var path = Path.Combine(folder, file.Name);
            if (file.Name.EndsWith(".deb", StringComparison.Ordinal))
            {
                try
                {
                    binaries.Add(new StagedBinary(file, debs.ReadControl(path), null));
                }
                catch (Exception ex) when (ex is DebianFormatException or IOException or InvalidDataException)
                {
                    binaries.Add(new StagedBinary(file, null, ex.Message.Replace(path, file.Name, StringComparison.Ordinal)));
                }
            }
            else if (file.Name.EndsWith(".dsc", StringComparison.Ordinal))
            {
                try
                {
                    sources.Add(new StagedSource(file, DscFile.Load(path), null));
                }
                catch (Exception ex) when (ex is DebianFormatException or IOException)
                {
                    sources.Add(new StagedSource(file, null, ex.Message.Replace(path, file.Name, StringComparison.Ordinal)));
                }
            }
        }
        return new StagedChanges(changesFileName, changes, null, taken, binaries, sources);
    }

    /// <summary>A .changes that could not be read: the list stops at changes-well-formed with <paramref name="reason"/>.</summary>
    public static StagedChanges Unreadable(string changesFileName, string reason) =>
        new(changesFileName, null, reason, new TakenFiles(new Dictionary<string, Debian.Checksums.ChecksumSet>()), [], []);
}
