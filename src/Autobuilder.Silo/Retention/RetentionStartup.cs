using Autobuilder.Grains;
using Autobuilder.Grains.Placement;
using Autobuilder.Silo.Hosting;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Retention;

/// <summary>
/// At silo start, wakes the retention grain of each role this silo plays, which registers its
/// reminder (kept in memory in role "all", so registered again at every start; durable in a cluster).
/// </summary>
public sealed partial class RetentionStartup(IGrainFactory grains, SiloIdentity identity, ILogger<RetentionStartup> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RetentionStartup), ServiceLifecycleStage.Active + 1, Start, _ => Task.CompletedTask);

    private Task Start(CancellationToken ct)
    {
        // In the background: a reminder service that is slow to answer must not hold the silo's start.
        _ = Task.Run(async () =>
        {
            try
            {
                if (identity.Plays(SiloRoles.Garage))
                    await grains.GetGrain<IGarageRetentionGrain>(0).StartAsync();
                if (identity.Plays(SiloRoles.Stage))
                    await grains.GetGrain<IStageRetentionGrain>(0).StartAsync();
            }
            catch (Exception ex)
            {
                LogStartFailed(logger, ex);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention: could not be started; `autobuilder gc` still collects")]
    private static partial void LogStartFailed(ILogger logger, Exception ex);
}
