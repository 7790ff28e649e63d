using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Stage.Pool;
using Autobuilder.Grains.Stage.Publishing;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Grains.Stage;

/// <summary>
/// One repository (ARCHITECTURE.md §3): its signing key, its distributions, the pool they share
/// and its promotion rule (an Orleans reminder). It holds no state of its own: the configuration
/// says what it is, the distributions what it holds.
/// </summary>
[RolePlacement(SiloRoles.Stage)]
public sealed partial class RepositoryGrain(
    StageConfiguration configuration,
    IRepositoryPool pool,
    IDistributionPublisher publisher,
    ILogger<RepositoryGrain> logger) : Grain, IRepositoryGrain, IRemindable
{
    public const string PromotionReminder = "promotion-rule";

    private string Name => this.GetPrimaryKeyString();
    private RepositoryConfig? Config => configuration.Find(Name);

    async Task IRepositoryGrain.StartAsync()
    {
        if (Config is not { } repo)
            return;
        try
        {
            await publisher.EnsureSigningKeyAsync(repo);
        }
        catch (Exception ex)
        {
            // Publishing says so again, per distribution, with the reason in `repo show`.
            LogKeyFailed(logger, Name, ex);
        }
        foreach (var product in repo.Products)
            await Distribution(product).StartAsync();
        if (repo.PromoteTo is not null && repo.PromoteAfterDays is not null)
        {
            try
            {
                await this.RegisterOrUpdateReminder(PromotionReminder, configuration.PromotionCheck, configuration.PromotionCheck);
            }
            catch (Exception ex)
            {
                LogReminderFailed(logger, Name, ex);
            }
        }
    }

    async Task<RepositoryInfo> IRepositoryGrain.GetInfoAsync()
    {
        var repo = Require();
        var distributions = new List<DistributionStatus>();
        foreach (var product in repo.Products)
            distributions.Add(await Distribution(product).GetStatusAsync());
        string? key = repo.SigningKey;
        try
        {
            key = await publisher.EnsureSigningKeyAsync(repo);
        }
        catch (Exception ex)
        {
            LogKeyFailed(logger, Name, ex);
        }
        return new RepositoryInfo(repo.Name, repo.Products, repo.Components, repo.Architectures, repo.AcceptsUploads, repo.KeepVersions,
            repo.LivePath, repo.PublicKeyPath, key, repo.PromoteTo, repo.PromoteAfterDays, distributions);
    }

    async Task<StageResult> IRepositoryGrain.PromoteAsync(string source, string version, string fromRepository, string? fromProduct, string? toProduct)
    {
        if (Config is not { } repo)
            return StageResult.Refused(UnknownRepository(Name));
        if (configuration.Find(fromRepository) is not { } from)
            return StageResult.Refused(UnknownRepository(fromRepository));

        fromProduct ??= toProduct;
        toProduct ??= fromProduct;
        if (fromProduct is null)
        {
            var common = repo.Products.Intersect(from.Products, StringComparer.Ordinal).ToList();
            var holding = new List<string>();
            foreach (var product in common)
            {
                if ((await GrainFactory.GetGrain<IDistributionGrain>(StageConfiguration.DistributionKey(from.Name, product)).GetSourcePackagesAsync(source, version)).Count > 0)
                    holding.Add(product);
            }
            var candidates = common.Count == 1 ? common : holding;
            if (candidates.Count != 1)
                return StageResult.Refused(candidates.Count == 0
                    ? $"{source} {version} is not in any distribution of {from.Name} that {repo.Name} also has ({string.Join(", ", common.Select(p => $"{from.Name}/{p}"))})"
                    : $"{source} {version} is in several products of {from.Name} ({string.Join(", ", candidates)}); name one: --from {from.Name}/PRODUCT");
            fromProduct = toProduct = candidates[0];
        }
        if (!repo.HasProduct(toProduct!))
            return StageResult.Refused($"'{toProduct}' is not a product of {repo.Name} (its products: {string.Join(", ", repo.Products)})");
        return await Distribution(toProduct!).PromoteFromAsync(from.Name, fromProduct, source, version);
    }

    async Task<StageResult> IRepositoryGrain.CleanupAsync(string? product, int? keep)
    {
        if (Config is not { } repo)
            return StageResult.Refused(UnknownRepository(Name));
        if (product is not null && !repo.HasProduct(product))
            return StageResult.Refused($"'{product}' is not a product of {repo.Name} (its products: {string.Join(", ", repo.Products)})");
        var messages = new List<string>();
        var ok = true;
        foreach (var p in product is null ? repo.Products : [product])
        {
            var result = await Distribution(p).CleanupAsync(keep);
            ok &= result.Ok;
            messages.Add(result.Message);
        }
        if (!ok)
            return new StageResult(false, string.Join("\n", messages));

        // The pool is shared by every distribution of the repository: a file is unreferenced only when none names it.
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in repo.Products)
            referenced.UnionWith(await Distribution(p).GetPoolFilesAsync());
        var collected = await pool.CollectAsync(repo, referenced, configuration.PoolGrace);
        messages.Add($"{repo.Name}: removed {collected.Removed.Count} unreferenced pool file(s)" +
            (collected.Waiting > 0 ? $"; {collected.Waiting} more go once unreferenced for {configuration.PoolGrace.TotalHours:0.##} h" : ""));
        LogCleanedUp(logger, Name, collected.Removed.Count, collected.Waiting);
        return new StageResult(true, string.Join("\n", messages));
    }

    async Task<StageResult> IRepositoryGrain.SyncAsync(string? product)
    {
        if (Config is not { } repo)
            return StageResult.Refused(UnknownRepository(Name));
        if (product is not null && !repo.HasProduct(product))
            return StageResult.Refused($"'{product}' is not a product of {repo.Name} (its products: {string.Join(", ", repo.Products)})");
        var results = new List<StageResult>();
        foreach (var p in product is null ? repo.Products : [product])
            results.Add(await Distribution(p).PublishAsync(force: true));
        return new StageResult(results.All(r => r.Ok), string.Join("\n", results.Select(r => r.Message)));
    }

    async Task<StageResult> IRepositoryGrain.RunPromotionRuleAsync()
    {
        if (Config is not { } repo)
            return StageResult.Refused(UnknownRepository(Name));
        if (repo.PromoteTo is not { } to || repo.PromoteAfterDays is not { } days)
            return StageResult.Refused($"{repo.Name} has no promotion rule (set PromoteTo and PromoteAfterDays in its configuration)");
        var target = configuration.Get(to);
        var promoted = new List<string>();
        var refused = new List<string>();
        foreach (var product in repo.Products.Intersect(target.Products, StringComparer.Ordinal))
        {
            var candidates = await Distribution(product).GetPromotionCandidatesAsync(TimeSpan.FromDays(days));
            var targetGrain = GrainFactory.GetGrain<IDistributionGrain>(StageConfiguration.DistributionKey(to, product));
            foreach (var c in candidates)
            {
                var held = await targetGrain.GetSourceVersionsAsync(c.Source);
                if (held.Count > 0 && VersionStringComparer.Instance.Compare(held[0], c.Version) >= 0)
                    continue; // already there (or newer): the normal case, nothing to say
                var result = await targetGrain.PromoteFromAsync(repo.Name, product, c.Source, c.Version);
                (result.Ok ? promoted : refused).Add(result.Message);
            }
        }
        LogRuleRan(logger, Name, to, promoted.Count, refused.Count);
        var lines = promoted.Concat(refused.Select(r => "refused: " + r)).ToList();
        return new StageResult(refused.Count == 0,
            lines.Count == 0 ? $"{repo.Name} → {to}: nothing to promote (packages move after {days:0.##} day(s) in {repo.Name})" : string.Join("\n", lines));
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == PromotionReminder)
            await ((IRepositoryGrain)this).RunPromotionRuleAsync();
    }

    private IDistributionGrain Distribution(string product) =>
        GrainFactory.GetGrain<IDistributionGrain>(StageConfiguration.DistributionKey(Name, product));

    private RepositoryConfig Require() => Config ?? throw new ArgumentException(UnknownRepository(Name));

    private string UnknownRepository(string name) =>
        $"there is no repository '{name}' (configured: {string.Join(", ", configuration.Repositories.Select(r => r.Name))})";

    [LoggerMessage(Level = LogLevel.Error, Message = "{Repository}: its signing key could not be made or exported")]
    private static partial void LogKeyFailed(ILogger logger, string repository, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Repository}: the promotion reminder could not be registered; run `autobuilder repo promote` by hand")]
    private static partial void LogReminderFailed(ILogger logger, string repository, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Repository}: clean-up removed {Removed} pool file(s); {Waiting} wait for the grace period")]
    private static partial void LogCleanedUp(ILogger logger, string repository, int removed, int waiting);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Repository} → {Target}: promotion rule promoted {Promoted}, refused {Refused}")]
    private static partial void LogRuleRan(ILogger logger, string repository, string target, int promoted, int refused);
}
