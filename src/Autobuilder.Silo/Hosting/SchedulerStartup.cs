using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// Garage: at silo start, wakes the scheduler, which asks every upload in flight to queue its
/// waiting builds again. (Builder silos configure their slots themselves; role "all" does both in
/// <see cref="Hosting.SlotStartup"/>.)
/// </summary>
public sealed partial class SchedulerStartup(IGrainFactory grains, IOptions<AutobuilderOptions> options, ILogger<SchedulerStartup> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchedulerStartup), ServiceLifecycleStage.Active + 1, StartAsync, _ => Task.CompletedTask);

    private async Task StartAsync(CancellationToken ct)
    {
        await grains.GetGrain<IBuildSchedulerGrain>(0).StartAsync(options.Value.Products);
        LogStarted(logger, options.Value.Products.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler started for {Products} product(s)")]
    private static partial void LogStarted(ILogger logger, int products);
}
