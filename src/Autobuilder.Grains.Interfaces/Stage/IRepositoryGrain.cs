using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// One repository (key: its name): its configuration, its distributions, its pool (shared by them),
/// its signing key and its promotion rule.
/// </summary>
public interface IRepositoryGrain : IGrainWithStringKey
{
    /// <summary>At silo start: makes sure the signing key exists, wakes the distributions, registers the promotion reminder.</summary>
    [SiloOnly]
    Task StartAsync();

    [Reader]
    Task<RepositoryInfo> GetInfoAsync();

    /// <summary>
    /// Copies SOURCE VERSION into this repository from <paramref name="fromRepository"/>. A product
    /// left out is the only product both have, or the one the source package is in.
    /// </summary>
    [Operator]
    Task<StageResult> PromoteAsync(string source, string version, string fromRepository, string? fromProduct, string? toProduct);

    /// <summary>Keeps the newest N versions in each (or one) distribution, then removes pool files nothing has referenced for the grace period.</summary>
    [Operator]
    Task<StageResult> CleanupAsync(string? product, int? keep);

    /// <summary>Publishes each (or one) distribution again and makes sure the live pool holds every file live indices name.</summary>
    [Operator]
    Task<StageResult> SyncAsync(string? product);

    /// <summary>Runs this repository's promotion rule now (it also runs on a reminder).</summary>
    [Operator]
    Task<StageResult> RunPromotionRuleAsync();
}
