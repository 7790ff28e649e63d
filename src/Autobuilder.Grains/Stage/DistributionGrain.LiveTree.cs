using Autobuilder.Grains.Stage.LiveTree;
using Autobuilder.Grains.Stage.Publishing;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Grains.Stage;

/// <summary>
/// The remote live tree: after each local publish the repository's remote (rsync over SSH) is
/// brought to the generation served here, off the grain's turn, one sync at a time, retried on a
/// timer while it fails; its outcome is recorded in the grain's state in the grain's own turns.
/// </summary>
public sealed partial class DistributionGrain
{
    // Tries a failed remote live sync again while it keeps failing (besides the next publish and `repo sync`).
    private IGrainTimer? _remoteRetry;

    // Failed syncs in a row, and since when: the retry backs off, and the list of failed hand-offs shows it.
    private int _remoteFailures;
    private DateTimeOffset _remoteFailingSince;

    // The remote live sync running in the background, if any: one at a time, off the grain's turn.
    private Task<RemoteAttempt>? _syncing;
    private long _attempts;

    /// <summary>Whether the remote live tree (if any) is not known to serve the published generation.</summary>
    private bool RemoteBehind =>
        Valid && _repository!.LiveRemote is { } remote
        && (S.RemoteError is not null || S.RemoteTarget != remote.ToString() || S.RemoteGeneration != S.PublishedGeneration);

    /// <summary>
    /// Starts bringing the remote live tree to what the local one serves, off the grain's turn,
    /// unless a sync is running already (its end starts the next one while the remote is behind).
    /// The outcome comes back through <see cref="IDistributionGrain.RemoteSyncDoneAsync"/>, a grain
    /// call, so the state is only ever changed and written in the grain's own turns.
    /// </summary>
    private void StartRemoteSync()
    {
        if (!Valid || _repository!.LiveRemote is null || _syncing is not null)
            return;
        var attempt = ++_attempts;
        var (repository, product, started) = (_repository!, _product, time.GetUtcNow());
        var running = Task.Run(async () =>
        {
            try
            {
                return new RemoteAttempt(attempt, started, await publisher.SyncRemoteAsync(repository, product), null);
            }
            catch (Exception ex)
            {
                return new RemoteAttempt(attempt, started, null, ex.Message);
            }
        });
        _syncing = running;
        var self = this.AsReference<IDistributionGrain>();
        _ = running.ContinueWith(async _ =>
        {
            try
            {
                await self.RemoteSyncDoneAsync(attempt);
            }
            catch (Exception ex)
            {
                // Deactivated meanwhile: the next activation's start (or publish) syncs again.
                LogRemoteReportFailed(logger, Key, ex);
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    async Task IDistributionGrain.RemoteSyncDoneAsync(long attempt)
    {
        // Already taken by a caller that waited for it (repo sync), or from an earlier activation.
        if (_syncing is not { IsCompleted: true } running || running.Result.Attempt != attempt)
            return;
        await RecordRemoteAsync(running.Result);
        if (S.RemoteError is null && RemoteBehind)
            StartRemoteSync(); // a newer generation was published meanwhile: straight to it
    }

    /// <summary>Records a finished sync and writes the state. A failure leaves the remote on its previous generation and starts the retry timer.</summary>
    private async Task RecordRemoteAsync(RemoteAttempt result)
    {
        _syncing = null;
        var remote = _repository!.LiveRemote!;
        S.RemoteAttemptedAt = result.Started;
        if (result.Outcome is { } outcome)
        {
            S.RemoteTarget = remote.ToString();
            S.RemoteGeneration = outcome.Generation;
            S.RemoteFolder = outcome.Folder;
            S.RemoteSyncedAt = outcome.At;
            S.RemoteError = null;
            _remoteRetry?.Dispose();
            _remoteRetry = null;
            if (_remoteFailures > 0)
                _ = GrainFactory.GetGrain<IDeliveryRetriesGrain>(0).DoneAsync(DeliveryKind.RemoteSync, RemoteSyncName(remote));
            _remoteFailures = 0;
            LogRemoteSynced(logger, Key, remote.ToString(), outcome.Folder);
        }
        else
        {
            if (S.RemoteTarget != remote.ToString())
            {
                // Another target than the recorded one: what it serves is unknown.
                S.RemoteTarget = remote.ToString();
                S.RemoteGeneration = null;
                S.RemoteFolder = null;
                S.RemoteSyncedAt = null;
            }
            S.RemoteError = result.Error;
            if (_remoteFailures++ == 0)
                _remoteFailingSince = result.Started;
            var delay = RemoteBackoff(remote.Retry, _remoteFailures);
            LogRemoteFailed(logger, Key, remote.ToString(), delay.TotalSeconds, result.Error ?? "");
            _ = GrainFactory.GetGrain<IDeliveryRetriesGrain>(0).WaitingAsync(new PendingDelivery(DeliveryKind.RemoteSync, RemoteSyncName(remote),
                _remoteFailingSince, _remoteFailures, time.GetUtcNow() + delay, result.Error ?? "failed"));
            _remoteRetry?.Dispose();
            _remoteRetry = null;
            RetryRemote(delay);
        }
        await state.WriteStateAsync();
    }

    /// <summary>
    /// For `repo sync`, which reports the remote's outcome: waits for a sync started after
    /// <paramref name="before"/> (the publish's own); a sync started earlier may be of an older
    /// generation, so it is let end and one more runs. The waiting call holds the grain, as the
    /// operator asked it to; the syncs' reports find them recorded and do nothing.
    /// </summary>
    private async Task AwaitRemoteAsync(long before)
    {
        if (!Valid || _repository!.LiveRemote is null)
            return;
        if (_syncing is { } running && (await running).Attempt <= before)
            await RecordRemoteAsync(await running);
        StartRemoteSync();
        if (_syncing is { } mine)
            await RecordRemoteAsync(await mine);
    }

    private sealed record RemoteAttempt(long Attempt, DateTimeOffset Started, RemoteSyncOutcome? Outcome, string? Error);

    /// <summary>
    /// The wait after <paramref name="failures"/> failed syncs in a row: the remote's RetrySeconds,
    /// doubled per failure, at most eight times it (and ten minutes): a remote that answers again
    /// is caught up within a bounded multiple of what its operator configured.
    /// </summary>
    public static TimeSpan RemoteBackoff(TimeSpan retry, int failures) =>
        TimeSpan.FromTicks(Math.Min(Retries.Backoff.After(retry.TotalSeconds, failures).Ticks, Math.Min(retry.Ticks * 8, Retries.Backoff.Longest.Ticks)));

    private string RemoteSyncName(RemoteLiveConfig remote) => $"remote live sync of {Key} to {remote}";

    /// <summary>One try, after <paramref name="due"/>; a sync that fails again arms the next (RecordRemoteAsync).</summary>
    private void RetryRemote(TimeSpan due) =>
        _remoteRetry ??= this.RegisterGrainTimer(RetryRemoteAsync, OneShotTimer.After(due));

    private async Task RetryRemoteAsync(CancellationToken ct)
    {
        _remoteRetry?.Dispose();
        _remoteRetry = null;
        if (!RemoteBehind && S.LastError is null)
            return;
        await PublishAsync(force: false, "publish retried after a failed remote live sync");
    }

    /// <summary>A successful local publish's result, turned into a failure when the remote live tree could not follow.</summary>
    private StageResult WithRemote(StageResult local)
    {
        if (_repository!.LiveRemote is not { } remote || !local.Ok)
            return local;
        if (_syncing is not null)
            return new StageResult(true, $"{local.Message}; the remote live tree {remote} follows (syncing)", local.Generation);
        return S.RemoteError is { } error
            ? new StageResult(false, $"{local.Message} here, but the remote live tree {remote} still serves " +
                $"{(S.RemoteGeneration is { } g ? $"generation {g}" : "what it had")}: {error} (tried again from every {remote.Retry.TotalSeconds:0} s, backing off, or: autobuilder repo sync {Key})",
                local.Generation)
            : new StageResult(true, $"{local.Message}; remote live tree {remote} too", local.Generation);
    }

    private RemoteLiveStatus? RemoteStatus()
    {
        if (!Valid || _repository!.LiveRemote is not { } remote)
            return null;
        var target = remote.ToString();
        return S.RemoteTarget == target
            ? new RemoteLiveStatus(target, S.RemoteGeneration, S.RemoteFolder, S.RemoteSyncedAt, S.RemoteAttemptedAt, S.RemoteError)
            : new RemoteLiveStatus(target, null, null, null, null, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Distribution}: remote live tree {Target} serves generation folder {Folder}")]
    private static partial void LogRemoteSynced(ILogger logger, string distribution, string target, string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Distribution}: syncing the remote live tree {Target} failed (next try in {Seconds} s): {Reason}")]
    private static partial void LogRemoteFailed(ILogger logger, string distribution, string target, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Distribution}: reporting the end of a remote live sync failed; the next start or publish syncs again")]
    private static partial void LogRemoteReportFailed(ILogger logger, string distribution, Exception ex);
}
