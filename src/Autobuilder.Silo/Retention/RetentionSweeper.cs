using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Uploads;

namespace Autobuilder.Silo.Retention;

/// <summary>
/// Removes what retention lets go. Every folder it touches is one the silo names itself (from the
/// data root and the stage's configuration) and every entry is found at a fixed depth of that
/// layout; symbolic links inside (an uploader's, moved aside by rename) are removed as links, never
/// followed, neither to read a time nor to delete.
/// </summary>
public sealed class RetentionSweeper(DataPaths paths, StageConfiguration stage) : IRetentionSweeper
{
    public Task<RetentionLine> SweepAsync(RetentionKind kind, TimeSpan older, DateTimeOffset now, bool dryRun, CancellationToken ct = default) =>
        Task.Run(() =>
        {
            var tally = new Tally(Name(kind), older);
            foreach (var (root, depth) in Layout(kind))
                foreach (var entry in EntriesAt(root, depth))
                {
                    ct.ThrowIfCancellationRequested();
                    if (Newest(entry) > now - older)
                        tally.Kept++;
                    else
                        tally.Remove(entry, dryRun, root);
                }
            return tally.Line();
        }, ct);

    public Task<RetentionLine> RemoveUploadsAsync(IReadOnlyList<SettledUpload> uploads, TimeSpan older, int kept, bool dryRun, CancellationToken ct = default) =>
        Task.Run(() =>
        {
            var tally = new Tally("settled uploads", older) { Kept = kept };
            foreach (var upload in uploads)
            {
                ct.ThrowIfCancellationRequested();
                var folders = new List<(string Path, string Root)>();
                // The folder as the grain recorded it; taken only when it is where intake puts uploads.
                if (upload.Folder is { Length: > 0 } folder && Within(paths.Uploads, folder))
                    folders.Add((Path.GetFullPath(folder), paths.Uploads));
                if (UploadIds.IsValid(upload.UploadId) && upload.UploadId.StartsWith(upload.Product + "/", StringComparison.Ordinal))
                {
                    folders.Add((Path.Combine(paths.Results, DataPaths.IdPath(upload.UploadId)), paths.Results));
                    folders.Add((Path.Combine(paths.Logs, DataPaths.IdPath(upload.UploadId)), paths.Logs));
                }
                var present = folders.Where(f => Exists(f.Path)).ToList();
                if (present.Count == 0)
                    continue;
                tally.Removed++;
                foreach (var (path, root) in present)
                    tally.Remove(path, dryRun, root, count: false);
            }
            return tally.Line();
        }, ct);

    private static string Name(RetentionKind kind) => kind switch
    {
        RetentionKind.Rejected => "rejected",
        RetentionKind.Stray => "stray",
        RetentionKind.RepoRejected => "repo-rejected",
        RetentionKind.Accepted => "accepted .changes",
        _ => kind.ToString(),
    };

    /// <summary>Where each kind's entries are: a root and the depth of an entry below it.</summary>
    private IEnumerable<(string Root, int Depth)> Layout(RetentionKind kind) => kind switch
    {
        // rejected/<product>/<source_version>/<seq>/ (the upload id as a path)
        RetentionKind.Rejected => [(paths.Rejected, 3)],
        // stray/<product>/<time>-<random>/
        RetentionKind.Stray => [(paths.Stray, 2)],
        // repo-rejected/<repository>/<product>/<stem>.<time>-<random>/
        RetentionKind.RepoRejected => [(Path.Combine(paths.Root, "repo-rejected"), 3)],
        // repos/db/<repository>/<product>/accepted/<name>.changes
        RetentionKind.Accepted => stage.Repositories.SelectMany(r => r.Products.Select(p => (Path.Combine(stage.Database, r.Name, p, "accepted"), 1))),
        _ => [],
    };

    /// <summary>The entries exactly <paramref name="depth"/> levels below root, through real folders only.</summary>
    private static IEnumerable<string> EntriesAt(string root, int depth)
    {
        if (!IsRealDirectory(root))
            yield break;
        if (depth == 0)
        {
            yield return root;
            yield break;
        }
        foreach (var child in Directory.EnumerateFileSystemEntries(root).Order(StringComparer.Ordinal).ToList())
        {
            if (depth == 1)
                yield return child;
            else
                foreach (var entry in EntriesAt(child, depth - 1))
                    yield return entry;
        }
    }

    /// <summary>The newest modification time in an entry (its own, and everything below it that is not behind a link).</summary>
    private static DateTime Newest(string entry)
    {
        var info = Info(entry);
        if (info is null)
            return DateTime.MinValue;
        var newest = info.LinkTarget is null ? info.LastWriteTimeUtc : DateTime.MinValue;
        if (info is DirectoryInfo { LinkTarget: null } dir)
            foreach (var child in dir.EnumerateFileSystemInfos())
            {
                var t = Newest(child.FullName);
                if (t > newest)
                    newest = t;
            }
        return newest;
    }

    private static long Size(string entry)
    {
        var info = Info(entry);
        return info switch
        {
            null => 0,
            { LinkTarget: not null } => 0,
            FileInfo file => file.Length,
            DirectoryInfo dir => dir.EnumerateFileSystemInfos().Sum(c => Size(c.FullName)),
            _ => 0,
        };
    }

    private static FileSystemInfo? Info(string path)
    {
        var file = new FileInfo(path);
        if (file.LinkTarget is not null)
            return file; // the link itself, whatever it points at
        if (Directory.Exists(path))
            return new DirectoryInfo(path);
        return file.Exists ? file : null;
    }

    private static bool IsRealDirectory(string path)
    {
        var info = new DirectoryInfo(path);
        return info.Exists && info.LinkTarget is null;
    }

    private static bool Exists(string path) => Info(path) is not null;

    private static bool Within(string root, string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Path.GetFullPath(root), full);
        return relative != "." && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative);
    }

    private sealed class Tally(string kind, TimeSpan older)
    {
        private readonly List<string> _errors = [];
        private long _bytes;

        public int Removed { get; set; }
        public int Kept { get; set; }

        public void Remove(string entry, bool dryRun, string root, bool count = true)
        {
            try
            {
                var size = Size(entry);
                if (!dryRun)
                {
                    if (Info(entry) is DirectoryInfo { LinkTarget: null })
                        Directory.Delete(entry, recursive: true); // unlinks links inside, never follows them
                    else
                        File.Delete(entry);
                    RemoveEmptyParents(entry, root);
                }
                _bytes += size;
                if (count)
                    Removed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _errors.Add($"{entry}: {ex.Message}");
            }
        }

        /// <summary>Folders the removal left empty, up to (not including) the root's own children.</summary>
        private static void RemoveEmptyParents(string entry, string root)
        {
            var top = Path.GetFullPath(root);
            for (var dir = Path.GetDirectoryName(Path.GetFullPath(entry));
                 dir is not null && Path.GetDirectoryName(dir) is { } parent && Path.GetFullPath(parent) != top && dir.StartsWith(top + "/", StringComparison.Ordinal);
                 dir = parent)
            {
                if (Directory.EnumerateFileSystemEntries(dir).Any())
                    return;
                Directory.Delete(dir);
            }
        }

        public RetentionLine Line() => new(kind, older, Removed, _bytes, Kept, _errors);
    }
}
