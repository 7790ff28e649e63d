using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Grains.Retention;

/// <summary>Keeps the stage's leftovers (refused .changes sets, copies of accepted .changes) from growing without end.</summary>
[RolePlacement(SiloRoles.Stage)]
public sealed class StageRetentionGrain(
    IRetentionSweeper sweeper,
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<StageRetentionGrain> logger) : RetentionGrain(options, logger), IStageRetentionGrain
{
    Task IStageRetentionGrain.StartAsync() => StartAsync();

    Task<RetentionReport> IStageRetentionGrain.CollectAsync(bool dryRun) => CollectAsync(dryRun);

    protected override async Task<RetentionReport> CollectAsync(bool dryRun)
    {
        var now = time.GetUtcNow();
        var lines = new List<RetentionLine>();
        if (Age(Options.RepoRejectedDays) is { } rejected)
            lines.Add(await sweeper.SweepAsync(RetentionKind.RepoRejected, rejected, now, dryRun));
        if (Age(Options.AcceptedDays) is { } accepted)
            lines.Add(await sweeper.SweepAsync(RetentionKind.Accepted, accepted, now, dryRun));
        return new RetentionReport(SiloRoles.Stage, dryRun, lines);
    }
}
