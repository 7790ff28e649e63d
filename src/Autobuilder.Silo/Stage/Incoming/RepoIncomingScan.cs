using Autobuilder.Debian;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;

namespace Autobuilder.Silo.Stage.Incoming;

/// <summary>
/// Which .changes in one repo-incoming folder are ready: every file it names present with its
/// listed size (the hand-off writes the .changes last). One that stays incomplete, names a file
/// larger than listed, or cannot be parsed is handed over too once it stopped changing (or, if
/// incomplete, after the incomplete-upload time), to be rejected with its reason rather than sit
/// in the queue for ever.
/// </summary>
public sealed class RepoIncomingScan(TimeSpan stableFor, TimeSpan incompleteAfter, TimeProvider time)
{
    private readonly Dictionary<string, DateTimeOffset> _firstSeen = new(StringComparer.Ordinal);

    // A .changes is a few KiB; a bigger one is handed over to be rejected, not read here.
    private const long MaxChangesBytes = 4 << 20;

    public IReadOnlyList<string> Ready(string folder)
    {
        var ready = new List<string>();
        var now = time.GetUtcNow();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(folder, "*.changes"))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith('.'))
                continue; // a hand-off's temporary name
            present.Add(path);
            // A FIFO, device or link named *.changes is never opened here (a FIFO would block the
            // scan of every queue): it is handed over at once, to be rejected with what it is.
            if (Files.RegularFile.Problem(path) is not null)
            {
                if (Files.RegularFile.Exists(path))
                    ready.Add(name);
                continue;
            }
            var info = new FileInfo(path);
            if (!info.Exists)
                continue;
            if (!_firstSeen.TryGetValue(path, out var firstSeen))
                _firstSeen[path] = firstSeen = now < info.LastWriteTimeUtc ? now : new DateTimeOffset(info.LastWriteTimeUtc);
            var stable = now - new DateTimeOffset(info.LastWriteTimeUtc) >= stableFor;
            ChangesFile changes;
            try
            {
                changes = ChangesFile.Parse(Files.RegularFile.ReadAllBytes(path, MaxChangesBytes), path);
            }
            catch (Exception ex) when (ex is DebianFormatException or IOException)
            {
                if (stable)
                    ready.Add(name);
                continue;
            }
            var status = UploadCompleteness.Of(folder, changes.Files);
            if (UploadCompleteness.ReadyToTake(status, stable, now - firstSeen >= incompleteAfter))
                ready.Add(name);
        }
        foreach (var gone in _firstSeen.Keys.Where(k => k.StartsWith(folder, StringComparison.Ordinal) && !present.Contains(k)).ToList())
            _firstSeen.Remove(gone);
        return ready;
    }


}
