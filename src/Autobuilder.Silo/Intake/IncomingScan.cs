using Autobuilder.Debian;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;

namespace Autobuilder.Silo.Intake;

/// <summary>What intake decided about one .dsc in an incoming folder.</summary>
public sealed record IncomingUpload(string DscPath, string? Source, string? Version, IReadOnlyList<string> Files);

/// <summary>
/// Decides which .dsc files in an incoming folder are ready to be taken: complete (every named
/// file present with its listed size), or hopeless and settled (malformed, oversized, or still
/// incomplete after the configured wait) so they can be rejected with a reason.
/// </summary>
public sealed class IncomingScan(TimeSpan stableFor, TimeSpan incompleteAfter, TimeProvider time)
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    public IReadOnlyList<IncomingUpload> Ready(string folder)
    {
        var ready = new List<IncomingUpload>();
        var now = time.GetUtcNow();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dscPath in Directory.EnumerateFiles(folder, "*.dsc"))
        {
            present.Add(dscPath);
            var info = new FileInfo(dscPath);
            if (!info.Exists)
                continue;
            var stable = IsStable(dscPath, info, now, out var firstSeen);
            if (TryRead(dscPath, out var dsc))
            {
                var named = dsc!.Files.Select(f => f.Name).ToList();
                var status = UploadCompleteness.Of(folder, dsc.Files);
                if (UploadCompleteness.ReadyToTake(status, stable, now - firstSeen >= incompleteAfter))
                {
                    ready.Add(new IncomingUpload(dscPath, dsc.Source, dsc.Version, named));
                }
            }
            else if (stable)
            {
                ready.Add(new IncomingUpload(dscPath, null, null, []));
            }
        }
        foreach (var gone in _seen.Keys.Where(k => k.StartsWith(folder, StringComparison.Ordinal) && !present.Contains(k)).ToList())
            _seen.Remove(gone);
        return ready;
    }

    public void Forget(string dscPath) => _seen.Remove(dscPath);



    /// <summary>True once the file has not been written for <c>stableFor</c>: nobody is still writing it.</summary>
    private bool IsStable(string path, FileInfo info, DateTimeOffset now, out DateTimeOffset firstSeen)
    {
        var mtime = new DateTimeOffset(info.LastWriteTimeUtc);
        // A .dsc that was already here when we started counts from its mtime, so a silo that was
        // down does not make an incomplete upload wait twice.
        if (!_seen.TryGetValue(path, out firstSeen))
            _seen[path] = firstSeen = Min(now, mtime);
        return now - mtime >= stableFor;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static bool TryRead(string path, out DscFile? dsc)
    {
        try
        {
            dsc = DscFile.Load(path);
            return true;
        }
        catch (Exception ex) when (ex is DebianFormatException or IOException)
        {
            dsc = null;
            return false;
        }
    }
}
