using Autobuilder.Grains;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Autobuilder.Silo.Placement;

/// <summary>
/// Garage: follows cluster membership and, when a builder silo is declared dead, tells the
/// scheduler that the slots of the hosts only it ran are down, so no new build is sent there.
/// A build that was running there comes back through its lease, as any lost build does; the slots
/// return when their silo starts again and announces them.
/// </summary>
public sealed partial class BuilderSilosWatch(
    IClusterMembershipService membership,
    ISiloMetadataCache metadata,
    IGrainFactory grains,
    ILogger<BuilderSilosWatch> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    // What each live builder silo said it runs; kept here because the cache forgets a silo once it is dead.
    private readonly Dictionary<SiloAddress, (string Host, string[] SlotHosts)> _builders = [];
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(BuilderSilosWatch), ServiceLifecycleStage.Active, Start, StopAsync);

    private Task Start(CancellationToken ct)
    {
        _loop = Task.Run(() => WatchAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync();
        if (_loop is not null)
            await _loop.WaitAsync(ct).ContinueWith(_ => { }, CancellationToken.None);
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        // Polled, not only on membership changes: a silo's metadata arrives a moment after it joins.
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await tick.WaitForNextTickAsync(ct).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, CancellationToken.None))
        {
            try
            {
                await OnSnapshotAsync(membership.CurrentSnapshot);
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex);
            }
        }
    }

    private async Task OnSnapshotAsync(ClusterMembershipSnapshot snapshot)
    {
        foreach (var (silo, member) in snapshot.Members)
        {
            if (member.Status != SiloStatus.Active || _builders.ContainsKey(silo))
                continue;
            var values = metadata.GetSiloMetadata(silo).Metadata;
            if (values.GetValueOrDefault(SiloRoles.RoleKey) == SiloRoles.Builder)
                _builders[silo] = (values.GetValueOrDefault(SiloRoles.HostKey) ?? "?", values.GetValueOrDefault(SiloRoles.SlotHostsKey, "").Split(',', StringSplitOptions.RemoveEmptyEntries));
        }
        foreach (var (silo, builder) in _builders.ToList())
        {
            if (snapshot.GetSiloStatus(silo) is not (SiloStatus.Dead or SiloStatus.None))
                continue;
            // Hosts another live silo also runs keep their slots.
            var stillRun = _builders.Where(b => !b.Key.Equals(silo) && snapshot.GetSiloStatus(b.Key) == SiloStatus.Active)
                .SelectMany(b => b.Value.SlotHosts).ToHashSet(StringComparer.Ordinal);
            var lost = builder.SlotHosts.Where(h => !stillRun.Contains(h) && !stillRun.Contains("*")).ToHashSet(StringComparer.Ordinal);
            if (lost.Count == 0)
            {
                _builders.Remove(silo);
                continue;
            }
            var scheduler = grains.GetGrain<IBuildSchedulerGrain>(0);
            var status = await scheduler.GetStatusAsync();
            var slots = status.Slots.Select(s => s.Slot)
                .Where(s => lost.Contains(s[..Math.Max(0, s.IndexOf('/', StringComparison.Ordinal))]) || lost.Contains("*"))
                .ToList();
            LogSiloDead(logger, silo.ToString(), builder.Host, slots.Count);
            if (slots.Count > 0)
                await scheduler.SlotsDownAsync(slots, $"the builder silo of {builder.Host} is down");
            // Forgotten only once the scheduler has been told: a failed call is tried again next round.
            _builders.Remove(silo);
        }
    }

    public void Dispose() => _stop.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Builder silo {Silo} ({Host}) is dead: {Slots} slot(s) taken out of the scheduler until it returns")]
    private static partial void LogSiloDead(ILogger logger, string silo, string host, int slots);

    [LoggerMessage(Level = LogLevel.Error, Message = "Following cluster membership failed; trying again")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
