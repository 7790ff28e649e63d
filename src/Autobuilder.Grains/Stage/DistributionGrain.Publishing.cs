using Autobuilder.Grains.Stage.Publishing;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Grains.Stage;

/// <summary>
/// Publishing: each new generation of the set is written by <see cref="Publishing.IDistributionPublisher"/>
/// (staging, then the local live tree), recorded in the history and announced; the remote live tree
/// follows in the background (DistributionGrain.LiveTree.cs).
/// </summary>
public sealed partial class DistributionGrain
{
    async Task IDistributionGrain.StartAsync()
    {
        if (!Valid)
            return;
        var live = await publisher.LiveGenerationAsync(_repository!, _product);
        if (_set.Generation != S.PublishedGeneration || live != S.PublishedGeneration || S.LastError is not null)
        {
            await PublishAsync(force: false, live is null ? "first publish" : "publish after restart");
            return;
        }
        try
        {
            // Live is current: build the publisher's indices now, so the first change after a restart is a small update.
            await publisher.PrepareAsync(_repository!, _product, S.PublishedGeneration, _set.All);
            _changed = [];
            // And every pool file of the set is live (a generation goes live only after its pool files).
            _unpublished = [];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPrepareFailed(logger, Key, ex);
        }
        // Not inline: a slow or unreachable remote must not hold up the start of the other distributions.
        if (RemoteBehind)
            RetryRemote(TimeSpan.Zero);
    }

    async Task<StageResult> IDistributionGrain.PublishAsync(bool force)
    {
        var before = _attempts;
        var local = await PublishAsync(force, force ? "published again (sync)" : "publish");
        if (!local.Ok)
            return local;
        // Asked for by an operator (repo sync), who is told how the remote fared.
        await AwaitRemoteAsync(before);
        return WithRemote(local);
    }

    private async Task<StageResult> PublishAsync(bool force, string note)
    {
        if (!Valid)
            return StageResult.Refused(NotADistribution());
        var generation = _set.Generation;
        if (!force && generation == S.PublishedGeneration && S.LastError is null
            && await publisher.LiveGenerationAsync(_repository!, _product) == generation)
        {
            if (!RemoteBehind)
                return new StageResult(true, $"{Key}: generation {generation} is already live", generation);
            // Live here, behind there: only the remote sync is owed.
            StartRemoteSync();
            return WithRemote(new StageResult(true, $"{Key}: generation {generation} is already live", generation));
        }

        var announce = ChangedBinaries();
        var now = time.GetUtcNow();
        try
        {
            var outcome = await publisher.PublishAsync(new PublishRequest(_repository!, _product, generation, _set.All,
                force ? null : _unpublished, ByHashGenerations(now), now)
            {
                Since = S.PublishedGeneration,
                // A forced publish (repo sync) builds every index from the records, whatever the publisher kept.
                Changed = force || _changed is null ? null : _changed.ToDictionary(k => k, _set.Find, StringComparer.Ordinal),
            });
            _unpublished = [];
            _changed = [];
            S.PublishedGeneration = generation;
            S.PublishedAt = outcome.At;
            S.LastError = null;
            S.History.Add(new PublishRecord(generation, outcome.At, _set.Count, note));
            if (S.History.Count > HistoryKept)
                S.History.RemoveRange(0, S.History.Count - HistoryKept);
            LogPublished(logger, Key, generation, _set.Count);
            await state.WriteStateAsync();
            AnnouncePublished(generation, announce);
            // The remote follows only a complete local publish, in the background: a slow remote
            // must not hold this distribution's queue (a sync still running goes on to this generation when it ends).
            StartRemoteSync();
            return WithRemote(new StageResult(true, $"{Key}: generation {generation} is live ({_set.Count} packages)", generation));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _changed = null;
            S.LastError = $"publishing generation {generation} failed: {ex.Message}";
            await state.WriteStateAsync();
            LogPublishFailed(logger, Key, generation, ex);
            return StageResult.Refused($"{Key}: {S.LastError}");
        }
    }

    /// <summary>
    /// The generations whose indices stay reachable by hash in the next one: the one live now, and
    /// every earlier one that stopped being live less than Stage:ByHashMinutes ago.
    /// </summary>
    private List<long> ByHashGenerations(DateTimeOffset now)
    {
        var result = new List<long>();
        for (var i = S.History.Count - 1; i >= 0; i--)
        {
            var supersededAt = i == S.History.Count - 1 ? now : S.History[i + 1].At;
            if (i < S.History.Count - 1 && supersededAt < now - configuration.ByHashWindow)
                break;
            if (!result.Contains(S.History[i].Generation))
                result.Add(S.History[i].Generation);
        }
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Distribution}: generation {Generation} is live ({Packages} packages)")]
    private static partial void LogPublished(ILogger logger, string distribution, long generation, int packages);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Distribution}: publishing generation {Generation} failed")]
    private static partial void LogPublishFailed(ILogger logger, string distribution, long generation, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Distribution}: preparing the publisher's indices failed; the next publish builds them whole")]
    private static partial void LogPrepareFailed(ILogger logger, string distribution, Exception ex);
}
