using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Grains.Retention;

/// <summary>Keeps the stage's leftovers (refused .changes sets, copies of accepted .changes) from growing without end.</summary>
[RolePlacement(SiloRoles.Stage)]
public sealed partial class StageRetentionGrain(
    IRetentionSweeper sweeper,
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<StageRetentionGrain> logger) : Grain, IStageRetentionGrain, IRemindable
{
    private RetentionOptions Options => options.Value.Retention;

    async Task IStageRetentionGrain.StartAsync()
    {
        try
        {
            await RetentionSchedule.RegisterAsync(this, Options);
        }
        catch (Exception ex)
        {
            LogReminderFailed(logger, ex);
        }
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == GarageRetentionGrain.Reminder)
            await CollectAsync(dryRun: false);
    }

    Task<RetentionReport> IStageRetentionGrain.CollectAsync(bool dryRun) => CollectAsync(dryRun);

    private async Task<RetentionReport> CollectAsync(bool dryRun)
    {
        var now = time.GetUtcNow();
        var lines = new List<RetentionLine>();
        if (RetentionSchedule.Age(Options.RepoRejectedDays) is { } rejected)
            lines.Add(await sweeper.SweepAsync(RetentionKind.RepoRejected, rejected, now, dryRun));
        if (RetentionSchedule.Age(Options.AcceptedDays) is { } accepted)
            lines.Add(await sweeper.SweepAsync(RetentionKind.Accepted, accepted, now, dryRun));
        return new RetentionReport(SiloRoles.Stage, dryRun, lines);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention (stage): the reminder could not be registered; collections run only on `autobuilder gc`")]
    private static partial void LogReminderFailed(ILogger logger, Exception ex);
}
