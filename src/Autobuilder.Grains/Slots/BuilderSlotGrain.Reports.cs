using Autobuilder.Grains.Retries;
using Autobuilder.Grains.Uploads;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Grains.Slots;

/// <summary>
/// A build's result is reported to its upload until the upload has taken it (issue 14, point 5).
/// The report used to be one call: when it failed — the garage silo away, the upload's state not
/// readable because the cluster's database was down — the slot was free and the result forgotten,
/// and the upload, still holding the build as running, waited for a report that never came. Now a
/// report that fails is kept (in memory: a slot whose silo restarts reports its build lost anyway)
/// and made again on a timer with back-off, listed in <see cref="IDeliveryRetriesGrain"/> while it
/// waits. A report the upload already has is answered "not taken", which ends it as well.
/// </summary>
public sealed partial class BuilderSlotGrain
{
    private readonly Dictionary<(string BuildId, int Attempt), BuildResult> _unreported = [];
    private readonly Dictionary<(string BuildId, int Attempt), (DateTimeOffset Since, int Attempts)> _reportFailures = [];
    private IGrainTimer? _reportRetry;

    // The slot's own state write (its failure count, its hold) failed after a build: written again with the next report try.
    private bool _stateUnwritten;

    /// <summary>Keeps a result the upload did not take and arms the next try.</summary>
    private void ReportLater(BuildResult result, Exception failure)
    {
        var key = (result.BuildId, result.Attempt);
        _unreported[key] = result;
        var now = time.GetUtcNow();
        var (since, attempts) = _reportFailures.GetValueOrDefault(key, (now, 0));
        _reportFailures[key] = (since, ++attempts);
        var delay = Backoff.ForState(Options.StateRetrySeconds, attempts);
        LogReportLater(logger, result.BuildId, result.Attempt, Key, delay.TotalSeconds, failure.Message);
        _ = GrainFactory.GetGrain<IDeliveryRetriesGrain>(0).WaitingAsync(
            new PendingDelivery(DeliveryKind.BuildResult, ReportName(result), since, attempts, now + delay, failure.Message));
        ArmReportRetry(delay);
    }

    private void ArmReportRetry(TimeSpan delay)
    {
        _reportRetry?.Dispose();
        // The result lives only here until its upload has it.
        _reportRetry = this.RegisterGrainTimer(RetryReportsAsync, OneShotTimer.After(delay));
    }

    private async Task RetryReportsAsync()
    {
        _reportRetry?.Dispose();
        _reportRetry = null;
        if (_stateUnwritten)
            await TryWriteStateAsync();
        foreach (var (key, result) in _unreported.ToList())
        {
            try
            {
                await GrainFactory.GetGrain<IUploadGrain>(UploadIds.UploadOfBuild(result.BuildId)).BuildFinishedAsync(result);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ReportLater(result, ex);
                continue;
            }
            _unreported.Remove(key);
            _reportFailures.Remove(key);
            LogReported(logger, result.BuildId, result.Attempt, Key);
            _ = GrainFactory.GetGrain<IDeliveryRetriesGrain>(0).DoneAsync(DeliveryKind.BuildResult, ReportName(result));
        }
        if (_stateUnwritten && _reportRetry is null)
            ArmReportRetry(Backoff.ForState(Options.StateRetrySeconds, 1));
    }

    /// <summary>The slot's state after a build; a failure (the database away) must not keep the scheduler from hearing the slot is free.</summary>
    private async Task TryWriteStateAsync()
    {
        try
        {
            await state.WriteStateAsync();
            _stateUnwritten = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _stateUnwritten = true;
            LogStateWriteFailed(logger, Key, ex.Message);
            _reportRetry ??= this.RegisterGrainTimer(RetryReportsAsync, OneShotTimer.After(Backoff.ForState(Options.StateRetrySeconds, 1)));
        }
    }

    private string ReportName(BuildResult result) => $"result of {result.BuildId} attempt {result.Attempt} from slot {Key}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "{BuildId} attempt {Attempt} on {Slot}: the upload did not take the result ({Reason}); reported again in {Seconds:0.#} s")]
    private static partial void LogReportLater(ILogger logger, string buildId, int attempt, string slot, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{BuildId} attempt {Attempt} on {Slot}: result reported again and taken")]
    private static partial void LogReported(ILogger logger, string buildId, int attempt, string slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slot {Slot}: writing its state failed ({Reason}); written again later")]
    private static partial void LogStateWriteFailed(ILogger logger, string slot, string reason);
}
