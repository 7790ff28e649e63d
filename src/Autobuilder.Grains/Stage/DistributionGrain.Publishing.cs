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
    // Makes a publish that waited for disk space or failed again, until it is live.
    private IGrainTimer? _publishRetry;
    private int _publishFailures;

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

        if (DiskUnderReserve() is { } full)
            return await WaitForSpaceAsync(generation, full);

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
            TrimHistory(outcome.At);
            StopPublishRetry();
            LogPublished(logger, Key, generation, _set.Count);
            await state.WriteStateAsync();
            AnnouncePublished(generation, announce);
            AnnounceToQa(generation);
            // The remote follows only a complete local publish, in the background: a slow remote
            // must not hold this distribution's queue (a sync still running goes on to this generation when it ends).
            StartRemoteSync();
            return WithRemote(new StageResult(true, $"{Key}: generation {generation} is live ({_set.Count} packages)", generation));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _changed = null;
            S.LastError = $"publishing generation {generation} failed: {ex.Message}";
            LogPublishFailed(logger, Key, generation, ex);
            // Live is still the previous generation (nothing a client reaches is written in place);
            // this one is in the journal and goes live by the retry, not only by the next change.
            RetryPublishLater();
            await TryWriteStateAsync();
            return StageResult.Refused($"{Key}: {S.LastError}; tried again by itself");
        }
    }

    /// <summary>
    /// The data root is under its reserve (Autobuilder:Disk): a publish writes indices, signatures
    /// and a generation folder, so it waits rather than fail half way (and take the last free bytes
    /// from the state files). The change is in the journal already; the retry makes it live.
    /// </summary>
    private async Task<StageResult> WaitForSpaceAsync(long generation, DiskSpace full)
    {
        var why = $"publishing generation {generation} waits: {full.Reason}; it goes live by itself when space returns";
        RetryPublishLater(backOff: false);
        if (S.LastError != why)
        {
            S.LastError = why;
            LogPublishWaits(logger, Key, generation, full.Reason);
            await TryWriteStateAsync();
        }
        return StageResult.Refused($"{Key}: {why}");
    }

    /// <summary>The state write of a publish that did not happen: on a full disk it may fail too, and the retry must still run.</summary>
    private async Task TryWriteStateAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStateWriteFailed(logger, Key, ex);
        }
    }

    /// <summary>
    /// A publish that waited for space or failed is made again on a timer until the generation the
    /// journal holds is live: every Autobuilder:PublishRetrySeconds while it waits for space (asking
    /// costs a statvfs), backing off to 10 minutes while it fails.
    /// </summary>
    private void RetryPublishLater(bool backOff = true)
    {
        if (_publishRetry is not null)
            return;
        var delay = Retries.Backoff.After(options.Value.PublishRetrySeconds, backOff ? ++_publishFailures : 1);
        _publishRetry = this.RegisterGrainTimer(async () =>
        {
            _publishRetry?.Dispose();
            _publishRetry = null;
            await PublishAsync(force: false, "publish retried");
        }, OneShotTimer.After(delay));
    }

    private void StopPublishRetry()
    {
        _publishRetry?.Dispose();
        _publishRetry = null;
        _publishFailures = 0;
    }

    /// <summary>
    /// Drops history past HistoryKept, but never a publish superseded less than Stage:ByHashMinutes
    /// ago: <see cref="ByHashGenerations"/> reads them, so a burst of any number of publishes keeps
    /// every generation of the window reachable by hash (the state grows with the burst, not forever).
    /// </summary>
    private void TrimHistory(DateTimeOffset now)
    {
        var drop = 0;
        // Entry i stopped being live when entry i + 1 was published.
        while (S.History.Count - drop > HistoryKept && S.History[drop + 1].At < now - configuration.ByHashWindow)
            drop++;
        S.History.RemoveRange(0, drop);
    }

    /// <summary>This silo's data root when it is under its reserve; null when publishing may go on (or no silo service measures it).</summary>
    private DiskSpace? DiskUnderReserve() =>
        ServiceProvider.GetService(typeof(Services.IDiskReserve)) is Services.IDiskReserve disk && disk.Now() is { UnderReserve: true } space ? space : null;

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Distribution}: publishing generation {Generation} waits: {Reason}")]
    private static partial void LogPublishWaits(ILogger logger, string distribution, long generation, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Distribution}: writing the state after a publish that did not happen failed; the retry goes on")]
    private static partial void LogStateWriteFailed(ILogger logger, string distribution, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Distribution}: preparing the publisher's indices failed; the next publish builds them whole")]
    private static partial void LogPrepareFailed(ILogger logger, string distribution, Exception ex);
}
