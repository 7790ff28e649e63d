using System.Collections.Concurrent;
using System.Text.Json;
using Autobuilder.Debian.Checksums;
using Autobuilder.Grains;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Stage.Pool;
using Autobuilder.Silo.Stage.LiveTree;

namespace Autobuilder.Silo.Stage.Pool;

/// <summary>
/// The pool of each repository in staging (and its copy in live). Distributions of one repository
/// add to it concurrently and clean-up removes from it, so each repository's pool changes under
/// one lock: a file being taken again is never removed in the same moment. A file that is reused
/// has its modification time renewed, which clean-up reads as "referenced just now".
/// </summary>
public sealed class RepositoryPool(StageFolders folders, TimeProvider time, RsyncLiveTree remote) : IRepositoryPool
{
    public const string OrphansFile = "pool-orphans.json";

    private readonly ConcurrentDictionary<string, Lock> _locks = new(StringComparer.Ordinal);

    // Folders given new names with durable: false, per repository, until EnsureDurableAsync syncs them.
    private readonly ConcurrentDictionary<string, HashSet<string>> _unsynced = new(StringComparer.Ordinal);

    private Lock LockOf(RepositoryConfig repository) => _locks.GetOrAdd(repository.Name, _ => new Lock());

    public Task<IReadOnlyList<string>> AddAsync(RepositoryConfig repository, string folder, IReadOnlyList<PoolPlacement> placements, bool durable = true,
        CancellationToken ct = default) =>
        Task.Run<IReadOnlyList<string>>(() =>
        {
            lock (LockOf(repository))
            {
                var files = placements.Select(p => (Source: Path.Combine(folder, p.FileName), p.PoolPath, p.Sha256)).ToList();
                return Place(repository, files, $"{repository.Name}'s pool", durable);
            }
        }, ct);

    public Task EnsureDurableAsync(RepositoryConfig repository, CancellationToken ct = default) =>
        Task.Run(() =>
        {
            lock (LockOf(repository))
            {
                if (!_unsynced.TryRemove(repository.Name, out var folders))
                    return;
                Posix.SyncMany(folders.Where(Directory.Exists).ToList());
            }
        }, ct);

    public Task<IReadOnlyList<string>> CopyAsync(RepositoryConfig from, RepositoryConfig to, IReadOnlyList<PoolFile> files, CancellationToken ct = default) =>
        Task.Run<IReadOnlyList<string>>(() =>
        {
            var missing = files.Where(f => !File.Exists(Path.Combine(from.StagingPath, f.Path))).Select(f => $"{f.Path} is missing from {from.Name}'s pool").ToList();
            if (missing.Count > 0)
                return missing;
            lock (LockOf(to))
                return Place(to, files.Select(f => (Path.Combine(from.StagingPath, f.Path), f.Path, f.Sha256)).ToList(), $"{to.Name}'s pool");
        }, ct);

    /// <summary>Checks every target first and places nothing on a conflict; then links (or copies) each file.</summary>
    private List<string> Place(RepositoryConfig repository, List<(string Source, string PoolPath, string Sha256)> files, string where, bool durable = true)
    {
        var conflicts = new List<string>();
        foreach (var (_, poolPath, sha256) in files)
        {
            var target = Path.Combine(repository.StagingPath, poolPath);
            if (File.Exists(target) && !string.Equals(ChecksumSet.ComputeFile(target).Sha256, sha256, StringComparison.OrdinalIgnoreCase))
                conflicts.Add($"{poolPath} is already in {where} with other content (a pool file never changes; raise the version)");
        }
        if (conflicts.Count > 0)
            return conflicts;

        var touched = new HashSet<string>(StringComparer.Ordinal);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var (source, poolPath, _) in files)
        {
            var target = Path.Combine(repository.StagingPath, poolPath);
            var dir = Path.GetDirectoryName(target)!;
            Directory.CreateDirectory(dir);
            if (!Posix.LinkOrCopy(source, target))
                File.SetLastWriteTimeUtc(target, now); // reused: clean-up must see it as referenced now
            touched.Add(dir);
        }
        if (durable)
            Posix.SyncMany(touched);
        else
            _unsynced.GetOrAdd(repository.Name, _ => new HashSet<string>(StringComparer.Ordinal)).UnionWith(touched);
        return [];
    }

    public Task<IReadOnlyList<string>> MissingAsync(RepositoryConfig repository, IReadOnlyList<string> paths, CancellationToken ct = default) =>
        Task.Run<IReadOnlyList<string>>(() => paths.Where(p => !File.Exists(Path.Combine(repository.StagingPath, p))).ToList(), ct);

    public Task<PoolCollection> CollectAsync(RepositoryConfig repository, IReadOnlySet<string> referenced, TimeSpan grace, CancellationToken ct = default) =>
        Task.Run(() =>
        {
            lock (LockOf(repository))
                return Collect(repository, referenced, grace);
        }, ct);

    private PoolCollection Collect(RepositoryConfig repository, IReadOnlySet<string> referenced, TimeSpan grace)
    {
        var now = time.GetUtcNow();
        var orphansPath = Path.Combine(folders.RepositoryDatabase(repository.Name), OrphansFile);
        var orphans = File.Exists(orphansPath)
            ? JsonSerializer.Deserialize<Dictionary<string, DateTimeOffset>>(File.ReadAllText(orphansPath)) ?? []
            : [];
        var stillOrphans = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var removed = new List<string>();
        var staged = new HashSet<string>(StringComparer.Ordinal);

        foreach (var path in PoolFiles(repository.StagingPath))
        {
            if (referenced.Contains(path))
            {
                staged.Add(path);
                continue;
            }
            var since = orphans.TryGetValue(path, out var first) ? first : now;
            var full = Path.Combine(repository.StagingPath, path);
            var touched = new DateTimeOffset(File.GetLastWriteTimeUtc(full));
            if (now - since >= grace && now - touched >= grace)
            {
                // Live first: a client reading live never gets a file staging no longer vouches for.
                File.Delete(Path.Combine(repository.LivePath, path));
                File.Delete(full);
                removed.Add(path);
            }
            else
            {
                stillOrphans[path] = since;
                staged.Add(path);
            }
        }
        // A live pool file staging does not have (left by an interrupted clean-up) goes too.
        foreach (var path in PoolFiles(repository.LivePath).Where(p => !staged.Contains(p)))
        {
            File.Delete(Path.Combine(repository.LivePath, path));
            removed.Add(path);
        }
        RemoveEmptyFolders(Path.Combine(repository.StagingPath, "pool"));
        RemoveEmptyFolders(Path.Combine(repository.LivePath, "pool"));

        if (removed.Count > 0)
            remote.PoolChanged(repository.Name); // the remote pool loses them at its next sync, after its switch
        Directory.CreateDirectory(Path.GetDirectoryName(orphansPath)!);
        Storage.DurableFile.Write(orphansPath, JsonSerializer.SerializeToUtf8Bytes(stillOrphans));
        return new PoolCollection(removed.Distinct(StringComparer.Ordinal).ToList(), stillOrphans.Count);
    }

    /// <summary>Pool files below a repository root, as "pool/…" paths with '/' separators.</summary>
    private static IEnumerable<string> PoolFiles(string root)
    {
        var pool = Path.Combine(root, "pool");
        if (!Directory.Exists(pool))
            return [];
        return Directory.EnumerateFiles(pool, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();
    }

    private static void RemoveEmptyFolders(string root)
    {
        if (!Directory.Exists(root))
            return;
        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
        {
            if (!Directory.EnumerateFileSystemEntries(dir).Any())
                Directory.Delete(dir);
        }
    }
}
