using Microsoft.Extensions.Logging;

namespace Autobuilder.Grains.Uploads;

/// <summary>
/// An upload whose step failed half way resumes by itself (issue 14, point 5). A step changes the
/// state in memory, then writes it; when the write (or a call to another grain's state) fails —
/// the cluster's database is away — the activation holds a state ahead of what is stored, and the
/// caller that brought the step (a slot reporting its build, intake, a timer) has already gone on.
/// Without this, nothing ever wrote that state or did what it still owed: a build whose result
/// arrived during a database outage stayed Building for good. So every failed call into this grain
/// and every failed timer turn arms one resume timer (<c>StateRetrySeconds</c>, backing off),
/// listed in <see cref="IDeliveryRetriesGrain"/> while it waits: it writes what memory holds and
/// does what the state still owes (<see cref="ContinueAsync"/>, safe to repeat).
/// </summary>
public sealed partial class UploadGrain : IIncomingGrainCallFilter
{
    private IGrainTimer? _resume;

    async Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ResumeLater(ex);
            throw;
        }
    }

    /// <summary>Runs a timer turn's step; a failure arms the resume instead of being lost with the turn.</summary>
    private async Task RunOwedAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ResumeLater(ex);
        }
    }

    private void ResumeLater(Exception failure)
    {
        // Nothing received yet: the caller (intake) delivers again, and nothing is held here.
        if (S.Ticket is null)
            return;
        var delay = DeliveryFailed(DeliveryKind.State, _options.StateRetrySeconds, failure.Message);
        LogResumeLater(logger, Id, S.State, delay.TotalSeconds, failure.Message);
        _resume?.Dispose();
        // Memory may be the only place the upload's progress is held: stay active until it is written.
        _resume = this.RegisterGrainTimer(ResumeAfterFailureAsync, OneShotTimer.After(delay));
    }

    private async Task ResumeAfterFailureAsync()
    {
        _resume?.Dispose();
        _resume = null;
        try
        {
            // What memory holds, over whatever version is stored (WriteKeepingMemoryAsync says why).
            await WriteAsync();
            await ContinueAsync();
            DeliveryDone(DeliveryKind.State);
            LogResumed(logger, Id, S.State);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ResumeLater(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{UploadId} ({State}): a step failed ({Reason}); the upload writes its state and resumes in {Seconds:0.#} s")]
    private static partial void LogResumeLater(ILogger logger, string uploadId, UploadState state, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{UploadId}: state written again and resumed ({State})")]
    private static partial void LogResumed(ILogger logger, string uploadId, UploadState state);
}
