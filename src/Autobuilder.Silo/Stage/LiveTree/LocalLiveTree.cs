using Autobuilder.Grains;
using Autobuilder.Grains.Stage;

namespace Autobuilder.Silo.Stage.LiveTree;

/// <summary>
/// The live tree on this host (<see cref="RepositoryConfig.LivePath"/>): new pool files linked
/// from the staging pool, the generation folder linked from staging into
/// dists/.&lt;product&gt;/ (via a ".partial" folder, synced and renamed), then dists/&lt;product&gt;
/// — a symbolic link — replaced by rename(2). Nothing a client can reach is written in place.
/// </summary>
public sealed class LocalLiveTree : ILiveTree
{
    public Task<LiveTreeOutcome> MakeLiveAsync(LiveTreeRequest request, CancellationToken ct = default) =>
        Task.FromResult(MakeLive(request));

    private static LiveTreeOutcome MakeLive(LiveTreeRequest r)
    {
        var repo = r.Repository;
        var live = StageFolders.LiveGenerations(repo, r.Product);
        var name = r.Generation.Name;
        SyncPool(repo, r.PoolFiles);
        var liveWork = Path.Combine(live, name + GenerationFolder.PartialSuffix);
        LinkTree(r.Generation.Path, liveWork);
        Posix.SyncFolders(liveWork);
        Posix.Rename(liveWork, Path.Combine(live, name));
        Posix.Sync(live);
        Swap(repo, r.Product, name);
        return new LiveTreeOutcome(r.Generation.Generation, name, DateTimeOffset.UtcNow);
    }

    /// <summary>The name of the generation folder dists/&lt;product&gt; points at, or null when nothing is live.</summary>
    public static string? ServedFolder(RepositoryConfig repo, string product)
    {
        var link = new FileInfo(Path.Combine(StageFolders.LiveDists(repo), product));
        return link.LinkTarget is { } target ? Path.GetFileName(target) : null;
    }

    private static void SyncPool(RepositoryConfig repo, IEnumerable<PoolFile> files)
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in files.Select(f => f.Path).Distinct(StringComparer.Ordinal))
        {
            var target = Path.Combine(repo.LivePath, path);
            if (File.Exists(target))
                continue;
            var source = Path.Combine(repo.StagingPath, path);
            if (!File.Exists(source))
                throw new IOException($"{path} is missing from {repo.Name}'s staging pool");
            var folder = Path.GetDirectoryName(target)!;
            Directory.CreateDirectory(folder);
            Posix.LinkOrCopy(source, target);
            folders.Add(folder);
        }
        Posix.SyncMany(folders);
    }

    private static void LinkTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            Posix.LinkOrCopy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
    }

    /// <summary>dists/&lt;product&gt; → .&lt;product&gt;/&lt;name&gt;: a new link made beside it and renamed over it.</summary>
    private static void Swap(RepositoryConfig repo, string product, string name)
    {
        var dists = StageFolders.LiveDists(repo);
        var link = Path.Combine(dists, product);
        if (Directory.Exists(link) && new DirectoryInfo(link).LinkTarget is null)
            throw new IOException($"{link} is a real folder, not the link the publisher swaps; move it away once and publish again");
        var temp = Path.Combine(dists, $".{product}.{Guid.NewGuid():N}.link");
        File.CreateSymbolicLink(temp, $".{product}/{name}");
        try
        {
            Posix.Rename(temp, link);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        Posix.Sync(dists);
    }
}
