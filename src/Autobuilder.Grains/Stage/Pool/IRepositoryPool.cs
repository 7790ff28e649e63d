namespace Autobuilder.Grains.Stage.Pool;

/// <summary>
/// A repository's pool in its staging tree, shared by its distributions. A pool path once taken
/// holds one content for good: a different file under the same name is refused, never replaced.
/// </summary>
public interface IRepositoryPool
{
    /// <summary>Links (or copies) files from <paramref name="folder"/> into the pool; returns conflicts, and then places nothing.</summary>
    /// <param name="durable">
    /// False: the new names need not survive a power cut yet; <see cref="EnsureDurableAsync"/> makes
    /// them so before anything refers to them (an import syncs once, not once per upload).
    /// </param>
    Task<IReadOnlyList<string>> AddAsync(RepositoryConfig repository, string folder, IReadOnlyList<PoolPlacement> placements, bool durable = true,
        CancellationToken ct = default);

    /// <summary>Makes every name placed with durable: false in this repository's pool survive a power cut.</summary>
    Task EnsureDurableAsync(RepositoryConfig repository, CancellationToken ct = default);

    /// <summary>Copies pool files of one repository into another's pool; returns problems, and then copies nothing.</summary>
    Task<IReadOnlyList<string>> CopyAsync(RepositoryConfig from, RepositoryConfig to, IReadOnlyList<PoolFile> files, CancellationToken ct = default);

    /// <summary>The pool paths among <paramref name="paths"/> that are not in the staging pool.</summary>
    Task<IReadOnlyList<string>> MissingAsync(RepositoryConfig repository, IReadOnlyList<string> paths, CancellationToken ct = default);

    /// <summary>
    /// Removes staging and live pool files that are not in <paramref name="referenced"/> and have
    /// been unreferenced for <paramref name="grace"/>; returns what was removed and what still waits.
    /// </summary>
    Task<PoolCollection> CollectAsync(RepositoryConfig repository, IReadOnlySet<string> referenced, TimeSpan grace, CancellationToken ct = default);
}
