using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// At silo start: configures the builder slots of this host, those of silo-config (local slots and
/// every user of every builder host) and those added at run time (a slot cut off by a restart
/// reports its build lost), then wakes the scheduler, which asks uploads in flight to queue again.
/// </summary>
public sealed partial class SlotStartup(IGrainFactory grains, IOptions<AutobuilderOptions> options, ILogger<SlotStartup> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SlotStartup), ServiceLifecycleStage.Active + 1, StartAsync, _ => Task.CompletedTask);

    private async Task StartAsync(CancellationToken ct)
    {
        var o = options.Value;
        foreach (var config in SlotConfigs.FromOptions(o))
        {
            if (config.Problem() is { } problem)
            {
                // One bad entry must not keep the other slots (or the silo) down.
                LogBadSlot(logger, config.Key, problem);
                continue;
            }
            await grains.GetGrain<IBuilderSlotGrain>(config.Key).ConfigureAsync(config);
        }
        await grains.GetGrain<IBuilderRegistryGrain>(0).ConfigureAllAsync();
        await grains.GetGrain<IBuildSchedulerGrain>(0).StartAsync(o.Products);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Builder slot {Slot} in the configuration is not used: {Problem}")]
    private static partial void LogBadSlot(ILogger logger, string slot, string problem);
}
