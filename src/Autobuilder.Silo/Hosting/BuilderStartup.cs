using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// Builder: configures the slots of this silo's host(s) at start (a slot cut off by a restart
/// reports its build lost), then keeps the scheduler on the garage aware of them: a scheduler
/// that restarted, or was not up when the slots announced themselves, learns of them within one
/// round. Runs in the background, so a builder starts (and waits) while no garage is up.
/// </summary>
public sealed partial class BuilderStartup(
    IGrainFactory grains,
    IOptions<AutobuilderOptions> options,
    SiloIdentity identity,
    ILogger<BuilderStartup> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(BuilderStartup), ServiceLifecycleStage.Active + 1, Start, StopAsync);

    private TimeSpan Round => TimeSpan.FromSeconds(Math.Max(1, options.Value.HeartbeatSeconds) * 2);

    /// <summary>
    /// The slots this silo runs: those of its configuration (local slots, every user of every SSH
    /// builder host), and those added at run time for its hosts; a slot of another host would be
    /// placed on that host's silo, so it is left to it.
    /// </summary>
    private async Task<IReadOnlyList<SlotConfig>> OwnSlotsAsync()
    {
        var own = new List<SlotConfig>();
        foreach (var config in SlotConfigs.FromOptions(options.Value))
        {
            if (config.Problem() is { } problem)
                LogBadSlot(logger, config.Key, problem);
            else if (!identity.RunsSlotsOf(config.Host))
                LogForeignSlot(logger, config.Key, identity.HostName);
            else
                own.Add(config);
        }
        var added = await grains.GetGrain<IBuilderRegistryGrain>(0).ListAsync();
        own.AddRange(added.Where(s => identity.RunsSlotsOf(s.Host) && own.All(o => o.Key != s.Key)));
        return own;
    }

    private Task Start(CancellationToken ct)
    {
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync();
        if (_loop is not null)
            await _loop.WaitAsync(ct).ContinueWith(_ => { }, CancellationToken.None);
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        var configured = new HashSet<string>(StringComparer.Ordinal);
        var waitingLogged = false;
        IReadOnlyList<SlotConfig>? slots = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // The run-time slots live on the garage: known once it answers.
                slots ??= await OwnSlotsAsync();
                foreach (var slot in slots.Where(s => !configured.Contains(s.Key)))
                {
                    await grains.GetGrain<IBuilderSlotGrain>(slot.Key).ConfigureAsync(slot);
                    configured.Add(slot.Key);
                    LogConfigured(logger, slot.Key);
                }
                await KeepAnnouncedAsync(slots);
                waitingLogged = false;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // Typically no garage is up yet (NoSiloForRoleException): say so once, keep trying.
                if (!waitingLogged)
                    LogWaiting(logger, ex.Message);
                waitingLogged = true;
            }
            await Task.Delay(Round, ct).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    /// <summary>Announces every slot the scheduler does not list, or lists as offline while it is not.</summary>
    private async Task KeepAnnouncedAsync(IReadOnlyList<SlotConfig> slots)
    {
        var status = await grains.GetGrain<IBuildSchedulerGrain>(0).GetStatusAsync();
        var known = status.Slots.ToDictionary(s => s.Slot, StringComparer.Ordinal);
        foreach (var slot in slots)
        {
            var grain = grains.GetGrain<IBuilderSlotGrain>(slot.Key);
            if (known.TryGetValue(slot.Key, out var listed))
            {
                if (listed.State != SlotState.Offline || (await grain.GetStatusAsync()).State == SlotState.Offline)
                    continue;
            }
            LogAnnounced(logger, slot.Key);
            await grain.AnnounceAsync();
        }
    }

    public void Dispose() => _stop.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Builder slot {Slot} configured")]
    private static partial void LogConfigured(ILogger logger, string slot);

    [LoggerMessage(Level = LogLevel.Information, Message = "Builder slot {Slot} announced to the scheduler")]
    private static partial void LogAnnounced(ILogger logger, string slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for the garage to take this builder's slots: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Builder slot {Slot} in the configuration is not used: {Problem}")]
    private static partial void LogBadSlot(ILogger logger, string slot, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slot {Slot} is not of this silo's host {Host} (Cluster:HostName, Cluster:SlotHosts); its own host's builder silo runs it")]
    private static partial void LogForeignSlot(ILogger logger, string slot, string host);
}
