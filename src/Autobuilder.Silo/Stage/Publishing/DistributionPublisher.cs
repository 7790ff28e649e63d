using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Compression;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Indices;
using Autobuilder.Grains;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Stage.Publishing;
using Autobuilder.Silo.Stage.LiveTree;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Stage.Publishing;

/// <summary>
/// Publishes one generation of a distribution (ARCHITECTURE.md §6):
/// <list type="number">
/// <item>staging: the indices (Packages, Sources; .gz, .xz, and the uncompressed file when
/// configured — Release lists its sums either way) from the recorded stanzas, kept in memory as
/// independently compressed blocks between publishes (<see cref="DistributionIndices"/>) so that a
/// change recompresses and rehashes only what it touched; a file whose bytes did not change is
/// linked from the previous generation — by-hash copies (its own, and those of generations superseded within Stage:ByHashMinutes),
/// Release, InRelease and Release.gpg, all in a ".partial" folder that is synced and renamed;</item>
/// <item>live (<see cref="LocalLiveTree"/>): the new pool files first, then the generation folder
/// (hard links), then dists/&lt;product&gt; — a symbolic link — replaced by rename(2) in one step.</item>
/// <item>a remote live tree, when configured: the same order over rsync and SSH
/// (<see cref="RsyncLiveTree"/>), asked for by the grain after the local publish. Both are
/// <see cref="ILiveTree"/> backends: the publisher writes a generation, a live tree makes it served.</item>
/// </list>
/// A crash anywhere leaves live on the old generation or the new one, never a mix: nothing a
/// client can reach is ever written in place.
/// </summary>
public sealed partial class DistributionPublisher(StageConfiguration configuration, SigningKeys keys, LocalLiveTree local, RsyncLiveTree remote, ILogger<DistributionPublisher> logger)
    : IDistributionPublisher
{
    private static readonly string[] Variants = ["", ".gz", ".xz"];

    // The indices each distribution published last, kept to be updated by the next change (see DistributionIndices).
    private readonly Dictionary<string, DistributionIndices> _indices = new(StringComparer.Ordinal);

    // Each distribution's clean-up of old generation folders, running after its publish returned.
    private readonly Dictionary<string, Task> _pruning = new(StringComparer.Ordinal);

    public Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken ct = default) => Task.Run(() => PublishCoreAsync(request), ct);

    public Task<string> EnsureSigningKeyAsync(RepositoryConfig repository, CancellationToken ct = default) => Task.Run(() => keys.Ensure(repository), ct);

    public async Task<RemoteSyncOutcome> SyncRemoteAsync(RepositoryConfig repository, string product, CancellationToken ct = default)
    {
        // The remote drops the generation folders the local side dropped: the local clean-up must be over first.
        await Task.Run(() => AwaitPruning(StageConfiguration.DistributionKey(repository.Name, product)), ct);
        return await remote.SyncAsync(repository, product, ct);
    }

    public Task<long?> LiveGenerationAsync(RepositoryConfig repository, string product, CancellationToken ct = default) =>
        Task.FromResult(LocalLiveTree.ServedFolder(repository, product) is { } name && GenerationFolder.TryParse(name, out var g, out _) ? g : (long?)null);

    private async Task<PublishOutcome> PublishCoreAsync(PublishRequest r)
    {
        var repo = r.Repository;
        var key = StageConfiguration.DistributionKey(repo.Name, r.Product);
        // The previous publish's clean-up must be over before this one lists and links generation folders.
        AwaitPruning(key);
        var staging = StageFolders.StagingGenerations(repo, r.Product);
        var live = StageFolders.LiveGenerations(repo, r.Product);
        Directory.CreateDirectory(staging);
        Directory.CreateDirectory(live);
        RemovePartials(staging);
        RemovePartials(live);

        var attempt = 0;
        while (Directory.Exists(Path.Combine(staging, GenerationFolder.NameOf(r.Generation, attempt)))
               || Directory.Exists(Path.Combine(live, GenerationFolder.NameOf(r.Generation, attempt))))
            attempt++;
        var name = GenerationFolder.NameOf(r.Generation, attempt);
        var previous = GenerationFolder.List(staging).FirstOrDefault(f => File.Exists(Path.Combine(f.Path, "Release")));

        // Where a publish spends its time, in its log line: what an operator (and the publish benchmark) reads first when publishing slows down.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // 1. The complete generation in staging.
        var work = Path.Combine(staging, name + GenerationFolder.PartialSuffix);
        Directory.CreateDirectory(work);
        var indices = IndicesOf(repo, r.Product);
        var files = WriteIndices(work, r, previous?.Path);
        ByHash.Publish(work, files);
        CarryByHash(work, staging, r.ByHashFrom, repo, r.Product);
        var indicesMs = clock.Elapsed.TotalMilliseconds;
        var release = new ReleaseFile
        {
            Origin = repo.Origin,
            Label = repo.Label,
            Suite = r.Product,
            Codename = r.Product,
            Date = r.Date,
            AcquireByHash = true,
            Architectures = repo.Architectures,
            Components = repo.Components,
            Description = $"{repo.Description} ({r.Product})",
            Files = files,
        };
        ReleaseWriter.Write(work, release, keys.Signer(repo));
        var releaseMs = clock.Elapsed.TotalMilliseconds;
        Posix.SyncFolders(work);
        var final = Path.Combine(staging, name);
        Posix.Rename(work, final);
        Posix.Sync(staging);
        var syncMs = clock.Elapsed.TotalMilliseconds;

        // 2. Live: pool files before anything names them, then the generation, then the one rename.
        await local.MakeLiveAsync(new LiveTreeRequest(repo, r.Product, new GenerationFolder(r.Generation, attempt, final),
            r.NewPoolFiles ?? r.Packages.SelectMany(p => p.Files).ToList()));
        keys.Ensure(repo);

        lock (indices)
            indices.Generation = r.Generation;

        // Old generation folders go after the answer: deleting a few index files and their by-hash
        // links is not something a waiting upload needs to wait for.
        lock (_pruning)
            _pruning[key] = Task.Run(() =>
            {
                try
                {
                    Prune(staging, name, r.ByHashFrom);
                    Prune(live, name, r.ByHashFrom);
                }
                catch (Exception ex)
                {
                    LogPruneFailed(logger, repo.Name, r.Product, ex);
                }
            });
        var liveMs = clock.Elapsed.TotalMilliseconds;
        LogPublished(logger, repo.Name, r.Product, name, r.Packages.Count, liveMs, indicesMs, releaseMs - indicesMs, syncMs - releaseMs, liveMs - syncMs);
        return new PublishOutcome(r.Generation, r.Date);
    }

    /// <summary>
    /// The indices of this generation into <paramref name="work"/>: the kept indices updated by the
    /// records that changed (or built from every record when that is not known), each compressed
    /// file written, or linked from the previous generation when its bytes are the same. The
    /// uncompressed files are listed in Release but written only when configured.
    /// </summary>
    private List<FileEntry> WriteIndices(string work, PublishRequest r, string? previous)
    {
        Dictionary<string, FileEntry>? before = null;
        if (previous is not null)
            before = ReleaseFile.Load(Path.Combine(previous, "Release")).Files.ToDictionary(f => f.Name, StringComparer.Ordinal);

        var indices = IndicesOf(r.Repository, r.Product);
        IReadOnlyList<IndexImage> images;
        lock (indices)
        {
            if (r.Changed is not null && r.Since is { } since && indices.Generation == since)
                indices.Apply(r.Changed);
            else
                indices.Load(r.Packages);
            // Unknown until this publish is through: a failure on the way makes the next one build them whole.
            indices.Generation = null;
            images = indices.Build();
        }

        var entries = new List<FileEntry>();
        foreach (var image in images)
        {
            foreach (var entry in image.Entries)
            {
                entries.Add(entry);
                if (entry.Name == image.Name && !r.Repository.ServeUncompressedIndices)
                    continue; // listed, not served (as Debian's archive does)
                var target = Path.Combine(work, entry.Name); // names come from BlockIndex, which checked them
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                if (previous is not null && before is not null && before.TryGetValue(entry.Name, out var old)
                    && old.Size == entry.Size && string.Equals(old.Sha256, entry.Sha256, StringComparison.Ordinal)
                    && File.Exists(Path.Combine(previous, entry.Name)))
                {
                    Posix.LinkOrCopy(Path.Combine(previous, entry.Name), target);
                    continue;
                }
                using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                image.WriteTo(entry.Name, file);
                file.Flush(flushToDisk: true); // the folders are synced later; file data only here (see Posix.SyncFolders)
            }
        }
        return entries;
    }

    private DistributionIndices IndicesOf(RepositoryConfig repository, string product)
    {
        var key = StageConfiguration.DistributionKey(repository.Name, product);
        lock (_indices)
        {
            if (_indices.TryGetValue(key, out var kept) && kept.Fits(repository))
                return kept;
            kept?.Dispose();
            return _indices[key] = new DistributionIndices(repository);
        }
    }

    public Task PrepareAsync(RepositoryConfig repository, string product, long generation, IReadOnlyCollection<PackageRecord> packages,
        CancellationToken ct = default) =>
        Task.Run(() =>
        {
            var indices = IndicesOf(repository, product);
            lock (indices)
            {
                indices.Generation = null;
                indices.Load(packages);
                indices.Build();
                indices.Generation = generation;
            }
        }, ct);

    public void Forget(RepositoryConfig repository, string product)
    {
        DistributionIndices? kept;
        lock (_indices)
        {
            if (!_indices.Remove(StageConfiguration.DistributionKey(repository.Name, product), out kept))
                return;
        }
        lock (kept)
            kept.Dispose();
    }

    /// <summary>Links the by-hash files of earlier generations' indices into this one, for clients still reading those.</summary>
    private static void CarryByHash(string work, string staging, IReadOnlyList<long> generations, RepositoryConfig repo, string product)
    {
        var liveName = LocalLiveTree.ServedFolder(repo, product);
        var folders = GenerationFolder.List(staging);
        foreach (var generation in generations)
        {
            var folder = folders.FirstOrDefault(f => f.Name == liveName && f.Generation == generation)
                ?? folders.FirstOrDefault(f => f.Generation == generation);
            var releasePath = folder is null ? null : Path.Combine(folder.Path, "Release");
            if (releasePath is null || !File.Exists(releasePath))
                continue;
            foreach (var entry in ReleaseFile.Load(releasePath).Files.Where(f => f.Sha256 is not null))
            {
                var byHash = ByHash.PathFor(entry);
                var source = Path.Combine(folder!.Path, byHash);
                var target = Path.Combine(work, byHash);
                if (!File.Exists(source) || File.Exists(target))
                    continue;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                Posix.LinkOrCopy(source, target);
            }
        }
    }

    private void AwaitPruning(string key)
    {
        Task? pruning;
        lock (_pruning)
            _pruning.Remove(key, out pruning);
        pruning?.Wait();
    }

    /// <summary>
    /// Removes generation folders past KeepGenerations, except those still carried by hash: the
    /// next publish links their indices' by-hash files from their folders, so a burst of more than
    /// KeepGenerations publishes within Stage:ByHashMinutes must not take them away.
    /// </summary>
    private void Prune(string root, string current, IReadOnlyCollection<long> carried)
    {
        foreach (var old in GenerationFolder.List(root).Where(f => f.Name != current).Skip(configuration.KeepGenerations - 1))
            if (!carried.Contains(old.Generation))
                Directory.Delete(old.Path, recursive: true);
    }

    private static void RemovePartials(string root)
    {
        foreach (var dir in Directory.EnumerateDirectories(root, "*" + GenerationFolder.PartialSuffix))
            Directory.Delete(dir, recursive: true);
    }

    public Task<IReadOnlyList<PackageRecord>?> ReadGenerationAsync(RepositoryConfig repository, string product, long generation, CancellationToken ct = default) =>
        Task.Run(() =>
        {
            AwaitPruning(StageConfiguration.DistributionKey(repository.Name, product));
            return ReadGeneration(repository, product, generation);
        }, ct);

    /// <summary>The package records of a kept generation, read back from its own indices.</summary>
    private static IReadOnlyList<PackageRecord>? ReadGeneration(RepositoryConfig repository, string product, long generation)
    {
        var folder = GenerationFolder.List(StageFolders.StagingGenerations(repository, product)).FirstOrDefault(f => f.Generation == generation);
        var releasePath = folder is null ? null : Path.Combine(folder.Path, "Release");
        if (releasePath is null || !File.Exists(releasePath))
            return null;
        var now = DateTimeOffset.UtcNow;
        var records = new Dictionary<string, PackageRecord>(StringComparer.Ordinal);
        foreach (var index in ReleaseFile.Load(releasePath).Files.Select(f => f.Name).Where(n => n.EndsWith("/Packages", StringComparison.Ordinal) || n.EndsWith("/Sources", StringComparison.Ordinal)))
        {
            var component = index[..index.IndexOf('/')];
            foreach (var p in ReadIndex(folder!.Path, index))
            {
                PackageRecord record;
                if (index.EndsWith("/Packages", StringComparison.Ordinal))
                {
                    var e = new PackagesEntry(p, index);
                    record = new PackageRecord(e.Package, e.Version, e.Architecture, component, e.Source, e.SourceVersion,
                        [new PoolFile(e.Filename, e.Size, e.Sha256 ?? "")], p.ToString(), now);
                }
                else
                {
                    var e = new SourcesEntry(p, index);
                    record = new PackageRecord(e.Package, e.Version, PackageRecord.SourceArchitecture, component, e.Package, e.Version,
                        e.Files.Select(f => new PoolFile($"{e.Directory}/{f.Name}", f.Size, f.Sha256 ?? "")).ToList(), p.ToString(), now);
                }
                records.TryAdd(record.Key, record);
            }
        }
        return records.Values.ToList();
    }

    private static IReadOnlyList<ControlParagraph> ReadIndex(string folder, string index)
    {
        foreach (var variant in Variants)
        {
            var path = Path.Combine(folder, index + variant);
            if (!File.Exists(path))
                continue;
            using var file = File.OpenRead(path);
            using var data = Compressions.Decompress(file, Compressions.FromFileName(path), leaveOpen: true);
            return ControlFile.Read(data, path);
        }
        throw new FileNotFoundException($"{index} of {folder} is listed in its Release but not there");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Repository}/{Product}: removing old generation folders failed; the next publish tries again")]
    private static partial void LogPruneFailed(ILogger logger, string repository, string product, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Repository}/{Product}: generation folder {Folder} is live ({Packages} packages) in {Milliseconds:0.0} ms: indices {IndicesMs:0.0}, Release signed {ReleaseMs:0.0}, synced {SyncMs:0.0}, live switch {LiveMs:0.0}")]
    private static partial void LogPublished(ILogger logger, string repository, string product, string folder, int packages,
        double milliseconds, double indicesMs, double releaseMs, double syncMs, double liveMs);
}
