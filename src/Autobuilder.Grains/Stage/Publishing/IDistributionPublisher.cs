namespace Autobuilder.Grains.Stage.Publishing;

/// <summary>
/// Writes a distribution's generation to staging (indices, Release, signatures, by-hash) and makes
/// it live: pool files first, then dists/&lt;product&gt; swapped in one rename.
/// </summary>
public interface IDistributionPublisher
{
    Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken ct = default);

    /// <summary>The generation the live dists/&lt;product&gt; link points at, or null.</summary>
    Task<long?> LiveGenerationAsync(RepositoryConfig repository, string product, CancellationToken ct = default);

    /// <summary>The package records of a generation kept in staging (from its own indices), or null when it is no longer kept.</summary>
    Task<IReadOnlyList<PackageRecord>?> ReadGenerationAsync(RepositoryConfig repository, string product, long generation, CancellationToken ct = default);

    /// <summary>
    /// Builds the indices the publisher keeps in memory for a distribution that is live at
    /// <paramref name="generation"/>, without publishing, so that its next publish is an update.
    /// </summary>
    Task PrepareAsync(RepositoryConfig repository, string product, long generation, IReadOnlyCollection<PackageRecord> packages, CancellationToken ct = default);

    /// <summary>Drops what the publisher keeps in memory for a distribution (its grain is going away, taking its records with it).</summary>
    void Forget(RepositoryConfig repository, string product);

    /// <summary>
    /// Brings the repository's remote live tree (<see cref="RepositoryConfig.LiveRemote"/>) to the
    /// generation the local live tree serves for <paramref name="product"/>: pool files first, then
    /// the generation folder, then the remote dists/&lt;product&gt; switched in one rename. Throws
    /// with a one-line reason when it fails; the remote then still serves its previous generation.
    /// </summary>
    Task<RemoteSyncOutcome> SyncRemoteAsync(RepositoryConfig repository, string product, CancellationToken ct = default);

    /// <summary>Makes sure the repository's signing key exists and its public part is exported; returns the key's fingerprint or id.</summary>
    Task<string> EnsureSigningKeyAsync(RepositoryConfig repository, CancellationToken ct = default);
}
