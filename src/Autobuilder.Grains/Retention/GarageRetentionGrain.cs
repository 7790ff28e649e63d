using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Grains.Retention;

/// <summary>
/// Keeps the garage's folders from growing without end. Settled uploads are found through the
/// upload registries (the grains know which uploads are settled; the files do not), and only
/// those that settled since the last collection's cut-off are looked at, so a collection costs
/// what settled since, not the whole history.
/// </summary>
[RolePlacement(SiloRoles.Garage)]
public sealed partial class GarageRetentionGrain(
    [PersistentState("retention", "state")] IPersistentState<GarageRetentionState> state,
    IRetentionSweeper sweeper,
    Uploads.IUploadIndex index,
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<GarageRetentionGrain> logger) : RetentionGrain(options, logger), IGarageRetentionGrain
{
    Task IGarageRetentionGrain.StartAsync() => StartAsync();

    Task<RetentionReport> IGarageRetentionGrain.CollectAsync(bool dryRun) => CollectAsync(dryRun);

    protected override async Task<RetentionReport> CollectAsync(bool dryRun)
    {
        var now = time.GetUtcNow();
        var lines = new List<RetentionLine>
        {
            await SettledUploadsAsync(now, dryRun),
        };
        if (Age(Options.RejectedDays) is { } rejected)
            lines.Add(await sweeper.SweepAsync(RetentionKind.Rejected, rejected, now, dryRun));
        if (Age(Options.StrayDays) is { } stray)
            lines.Add(await sweeper.SweepAsync(RetentionKind.Stray, stray, now, dryRun));
        foreach (var line in lines.Where(l => l.Removed > 0 || l.Errors.Count > 0))
            LogCollected(logger, line.Kind, line.Removed, line.Bytes, line.Errors.Count, dryRun);
        return new RetentionReport(SiloRoles.Garage, dryRun, lines);
    }

    private async Task<RetentionLine> SettledUploadsAsync(DateTimeOffset now, bool dryRun)
    {
        if (Age(Options.SettledUploadDays) is not { } older)
            return new RetentionLine("settled uploads", TimeSpan.Zero, 0, 0, 0, []);
        var cutoff = now - older;
        var since = state.State.CollectedUntil;
        var due = new List<SettledUpload>();
        var kept = 0;
        foreach (var product in Products)
        {
            // Those in memory that are not due (moving, or settled after the cut-off): what the report counts as kept.
            kept += (await GrainFactory.GetGrain<IUploadRegistryGrain>(product).ListAsync(int.MaxValue)).Count(u => !u.Settled || u.UpdatedAt > cutoff);
        }
        // The uploads' read model has every upload, also those the registries no longer keep in memory.
        var after = since;
        while (true)
        {
            var batch = await index.SettledBetweenAsync(after, cutoff, 1000);
            foreach (var upload in batch.Where(u => Products.Contains(u.Product, StringComparer.Ordinal)))
            {
                var details = await GrainFactory.GetGrain<IUploadGrain>(upload.Id).GetDetailsAsync();
                due.Add(new SettledUpload(upload.Id, upload.Product, details?.Folder));
            }
            if (batch.Count < 1000)
                break;
            after = batch[^1].UpdatedAt;
        }
        var line = await sweeper.RemoveUploadsAsync(due, older, kept, dryRun);
        if (!dryRun && line.Errors.Count == 0)
        {
            state.State.CollectedUntil = cutoff;
            await state.WriteStateAsync();
        }
        return line;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: {Kind}: {Removed} removed ({Bytes} bytes), {Errors} could not be (dry run: {DryRun})")]
    private static partial void LogCollected(ILogger logger, string kind, int removed, long bytes, int errors, bool dryRun);
}

[GenerateSerializer]
public sealed class GarageRetentionState
{
    /// <summary>Uploads settled before this were collected (or found nothing to collect).</summary>
    [Id(0)] public DateTimeOffset? CollectedUntil { get; set; }
}

/// <summary>
/// What both retention grains share: the reminder (registered at silo start, ticking every
/// Retention:CheckHours) that runs a collection.
/// </summary>
public abstract partial class RetentionGrain(IOptions<AutobuilderOptions> options, ILogger logger) : Grain, IRemindable
{
    public const string Reminder = "retention";

    protected RetentionOptions Options => options.Value.Retention;

    protected IReadOnlyList<string> Products => options.Value.Products;

    protected abstract Task<RetentionReport> CollectAsync(bool dryRun);

    protected async Task StartAsync()
    {
        try
        {
            // Orleans reminders tick at most once a minute.
            var period = TimeSpan.FromHours(Math.Max(Options.CheckHours, 1.0 / 60));
            await this.RegisterOrUpdateReminder(Reminder, period, period);
        }
        catch (Exception ex)
        {
            LogReminderFailed(logger, GetType().Name, ex);
        }
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == Reminder)
            await CollectAsync(dryRun: false);
    }

    /// <summary>The options' days as an age; null for 0 or less (kept for ever).</summary>
    protected static TimeSpan? Age(double days) => days > 0 ? TimeSpan.FromDays(days) : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Grain}: the retention reminder could not be registered; collections run only on `autobuilder gc`")]
    private static partial void LogReminderFailed(ILogger logger, string grain, Exception ex);
}
