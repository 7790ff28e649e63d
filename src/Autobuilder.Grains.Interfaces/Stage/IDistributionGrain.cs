using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// One repository's suite for one product (key "repository/product"): its package set, its change
/// generation, and publishing that generation to staging and live. Read-only calls interleave, so
/// two distributions promoting into each other cannot deadlock.
/// </summary>
public interface IDistributionGrain : IGrainWithStringKey
{
    /// <summary>Wakes the distribution at silo start: publishes a generation a crash left unpublished.</summary>
    [SiloOnly]
    Task StartAsync();

    /// <summary>
    /// Takes complete .changes from repo-incoming/&lt;repository&gt;/&lt;product&gt;/ one by one
    /// (accepted into the pool, or rejected with reasons), then publishes once if anything changed.
    /// </summary>
    [SiloOnly]
    Task ProcessIncomingAsync(IReadOnlyList<string> changesFiles);

    /// <summary>
    /// An upload offers its source and built packages (issue 12): the distribution fetches the
    /// files, accepts all of them or none, publishes, and answers. Idempotent: an offer accepted
    /// before (its .dsc or .changes SHA-256 in the journal) is answered Published again, never
    /// taken twice. The answer is the return value, so the distribution never calls the upload.
    /// </summary>
    [SiloOnly]
    Task<OfferAnswer> OfferAsync(UploadOffer offer);

    /// <summary>
    /// Publishes the current generation; with <paramref name="force"/> even when it is already
    /// live. Answers once the remote live tree (if any) has been synced to it, or failed to be.
    /// </summary>
    [Operator]
    Task<StageResult> PublishAsync(bool force);

    /// <summary>Internal: the background remote live sync numbered <paramref name="attempt"/> has ended; records its outcome.</summary>
    [SiloOnly]
    Task RemoteSyncDoneAsync(long attempt);

    [Reader]
    [AlwaysInterleave]
    Task<DistributionStatus> GetStatusAsync();

    [Reader]
    [AlwaysInterleave]
    Task<DistributionDetails> GetDetailsAsync();

    /// <summary>
    /// The status and the source versions of at most <paramref name="limit"/> sources (1-1000), from
    /// the first named <paramref name="from"/> or after it in ordinal order (null: from the start); the
    /// pages' package list, whose cost follows the page, not the distribution's size.
    /// </summary>
    [Reader]
    [AlwaysInterleave]
    Task<DistributionDetails> GetPageAsync(string? from, int limit);

    /// <summary>The source versions held of these sources (those it holds none of are left out), one call for many names.</summary>
    [Reader]
    [AlwaysInterleave]
    Task<IReadOnlyList<SourceSummary>> GetSourcesAsync(IReadOnlyList<string> sources);

    /// <summary>The records of one source version (its binaries and, when published, its source).</summary>
    [Reader]
    [AlwaysInterleave]
    Task<IReadOnlyList<PackageRecord>> GetSourcePackagesAsync(string source, string version);

    /// <summary>Every version of <paramref name="source"/> held, newest first.</summary>
    [Reader]
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetSourceVersionsAsync(string source);

    /// <summary>Every pool path the package set references (for the repository's pool clean-up).</summary>
    [Reader]
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetPoolFilesAsync();

    /// <summary>Sources whose newest version has been here at least <paramref name="minimumAge"/> (rule-based promotion).</summary>
    [Reader]
    [AlwaysInterleave]
    Task<IReadOnlyList<SourceSummary>> GetPromotionCandidatesAsync(TimeSpan minimumAge);

    /// <summary>Copies a source version and all its binaries from another distribution into this one, or says why not.</summary>
    [Operator]
    Task<StageResult> PromoteFromAsync(string fromRepository, string fromProduct, string source, string version);

    /// <summary>Removes a source package (one version, or all) with its binaries.</summary>
    [Admin]
    Task<StageResult> RemoveAsync(string source, string? version);

    /// <summary>Keeps the newest <paramref name="keep"/> versions (default: the repository's) of each binary package and source.</summary>
    [Operator]
    Task<StageResult> CleanupAsync(int? keep);

    /// <summary>Makes the package set of an earlier published generation live again, as a new generation.</summary>
    [Admin]
    Task<StageResult> RollbackAsync(long generation);
}
