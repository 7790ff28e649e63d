using Autobuilder.Grains.Stage.Incoming;
using Autobuilder.Grains.Stage.Maintenance;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Grains.Stage;

/// <summary>
/// Maintenance an operator asks for: promotion from another distribution, removal, clean-up of old
/// versions and rollback to a kept generation. Each one is one journal batch and one publish, like
/// an accepted upload, so the set keeps a single writer: this grain.
/// </summary>
public sealed partial class DistributionGrain
{
    Task<IReadOnlyList<SourceSummary>> IDistributionGrain.GetPromotionCandidatesAsync(TimeSpan minimumAge)
    {
        var cutoff = time.GetUtcNow() - minimumAge;
        // The newest version of each source, once every record of it has been here long enough.
        var candidates = _set.Summaries()
            .GroupBy(s => s.Source, StringComparer.Ordinal)
            .Select(g => g.First())
            .Where(s => s.AddedAt <= cutoff)
            .ToList();
        return Task.FromResult<IReadOnlyList<SourceSummary>>(candidates);
    }

    async Task<StageResult> IDistributionGrain.PromoteFromAsync(string fromRepository, string fromProduct, string source, string version)
    {
        if (!Valid)
            return StageResult.Refused(NotADistribution());
        var from = configuration.Find(fromRepository);
        var fromKey = StageConfiguration.DistributionKey(fromRepository, fromProduct);
        if (from is null || !from.HasProduct(fromProduct))
            return StageResult.Refused($"{fromKey} is not a configured distribution");
        if (fromKey == Key)
            return StageResult.Refused($"{source} {version}: source and target are both {Key}");

        var fromGrain = GrainFactory.GetGrain<IDistributionGrain>(fromKey);
        var records = await fromGrain.GetSourcePackagesAsync(source, version);
        if (records.Count == 0)
        {
            var versions = await fromGrain.GetSourceVersionsAsync(source);
            return StageResult.Refused($"{source} {version} is not in {fromKey}" +
                (versions.Count > 0 ? $" (it has {source} {string.Join(", ", versions)})" : $" (it has no version of {source})"));
        }
        if (PromotionRules.Incomplete(records, from, _repository!, fromKey) is { } incomplete)
            return StageResult.Refused(incomplete);
        if (_set.SourceVersions(source) is [var newest, ..]
            && IncomingRules.Refusal(newest, version, $"{source} {version}", Key) is { } refusal)
            return StageResult.Refused(refusal.Replace(" is not newer than ", " cannot be promoted: not newer than ", StringComparison.Ordinal));

        var files = records.SelectMany(r => r.Files).Distinct().ToList();
        var problems = await pool.CopyAsync(from, _repository!, files);
        if (problems.Count > 0)
            return StageResult.Refused($"{source} {version} cannot be promoted to {Key}: {string.Join("; ", problems)}");

        var now = time.GetUtcNow();
        var added = records.Select(r => r with { AddedAt = now }).ToList();
        var surplus = _set.SurplusWith(added, _repository!.KeepVersions);
        var note = $"promoted {source} {version} from {fromKey}";
        await CommitAsync(added, surplus, null, note);
        LogPromoted(logger, Key, source, version, fromKey, _set.Generation);
        var published = await PublishAsync(force: false, note);
        return Outcome(published, $"promoted {source} {version} ({added.Count} package(s)) from {fromKey} to {Key}");
    }

    async Task<StageResult> IDistributionGrain.RemoveAsync(string source, string? version)
    {
        if (!Valid)
            return StageResult.Refused(NotADistribution());
        // A copy: the set's own lists change when the removal is applied.
        var records = (version is null ? _set.OfSource(source) : _set.OfSource(source, version)).ToList();
        if (records.Count == 0)
        {
            var versions = _set.SourceVersions(source);
            return StageResult.Refused($"{source}{(version is null ? "" : " " + version)} is not in {Key}" +
                (versions.Count > 0 ? $" (it has {string.Join(", ", versions)})" : ""));
        }
        var note = $"removed {source} {version ?? "(every version)"}";
        await CommitAsync([], records.Select(r => r.Key).ToList(), null, note);
        var published = await PublishAsync(force: false, note);
        return Outcome(published, $"removed {records.Count} package(s) of {source} {version ?? string.Join(", ", records.Select(r => r.SourceVersion).Distinct())} from {Key}");
    }

    async Task<StageResult> IDistributionGrain.CleanupAsync(int? keep)
    {
        if (!Valid)
            return StageResult.Refused(NotADistribution());
        var n = keep ?? _repository!.KeepVersions;
        if (n < 1)
            return StageResult.Refused($"--keep must be at least 1 (got {n})");
        var surplus = _set.Surplus(n);
        if (surplus.Count == 0)
            return new StageResult(true, $"{Key}: nothing to remove (at most {n} version(s) of each package)", _set.Generation);
        var note = $"clean-up kept the newest {n} version(s), removed {surplus.Count} package(s)";
        await CommitAsync([], surplus, null, note);
        var published = await PublishAsync(force: false, note);
        return Outcome(published, $"{Key}: {note}");
    }

    async Task<StageResult> IDistributionGrain.RollbackAsync(long generation)
    {
        if (!Valid)
            return StageResult.Refused(NotADistribution());
        if (generation >= _set.Generation)
            return StageResult.Refused(generation == _set.Generation
                ? $"{Key} is at generation {generation} already"
                : $"{Key} has no generation {generation} yet (its generation is {_set.Generation})");
        var records = await publisher.ReadGenerationAsync(_repository!, _product, generation);
        if (records is null)
            return StageResult.Refused($"generation {generation} of {Key} was never published or is no longer kept " +
                $"(published and kept: {string.Join(", ", S.History.TakeLast(configuration.KeepGenerations).Select(h => h.Generation))})");
        var missing = await pool.MissingAsync(_repository!, records.SelectMany(r => r.Files).Select(f => f.Path).Distinct().ToList());
        if (missing.Count > 0)
            return StageResult.Refused($"generation {generation} of {Key} needs pool files clean-up has removed: {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? " …" : "")}");

        var target = records.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var removed = _set.All.Where(r => !target.ContainsKey(r.Key)).Select(r => r.Key).ToList();
        var now = time.GetUtcNow();
        var added = records.Where(r => _set.Find(r.Key) is null).Select(r => r with { AddedAt = now }).ToList();
        var note = $"rollback to generation {generation}";
        await CommitAsync(added, removed, null, note);
        var published = await PublishAsync(force: false, note);
        return Outcome(published, $"{Key}: generation {_set.Generation} has the packages of generation {generation} ({added.Count} back, {removed.Count} removed)");
    }

    private StageResult Outcome(StageResult published, string done) =>
        published.Ok
            ? new StageResult(true, $"{done}; generation {_set.Generation} is live", _set.Generation)
            : new StageResult(false, $"{done} as generation {_set.Generation}, but it is not live yet: {published.Message} ('autobuilder repo sync {Key}' tries at once)", _set.Generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Distribution}: promoted {Source} {Version} from {From} as generation {Generation}")]
    private static partial void LogPromoted(ILogger logger, string distribution, string source, string version, string from, long generation);
}
