using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// At silo start: configures the builder slots of this host (a slot cut off by a restart reports
/// its build lost), then wakes the scheduler, which asks uploads in flight to queue again.
/// </summary>
public sealed class SlotStartup(IGrainFactory grains, IOptions<AutobuilderOptions> options) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SlotStartup), ServiceLifecycleStage.Active + 1, StartAsync, _ => Task.CompletedTask);

    private async Task StartAsync(CancellationToken ct)
    {
        var o = options.Value;
        foreach (var slot in o.Slots)
        {
            var architectures = slot.Architectures.Count > 0 ? slot.Architectures : o.Architectures;
            var config = new SlotConfig(slot.Host, slot.User, architectures, slot.Executor);
            await grains.GetGrain<IBuilderSlotGrain>(config.Key).ConfigureAsync(config);
        }
        await grains.GetGrain<IBuildSchedulerGrain>(0).StartAsync(o.Products);
    }
}
