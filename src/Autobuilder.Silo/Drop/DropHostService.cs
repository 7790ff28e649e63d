using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Drop;

/// <summary>
/// A separate drop host (silo role "drop"): writes its own key index, authorized_keys and areas
/// (<see cref="DropAccessWriter"/>, as the garage does for a drop on its own host) from what the
/// garage's directory sends (<see cref="IDropHostGrain"/>) or what it asks for itself — at start,
/// until the garage answers, and then every Drop:SyncMinutes — and ships complete uploads to the
/// garage (<see cref="DropShipper"/>) every second. An older version arriving late never replaces a newer one.
/// </summary>
public sealed partial class DropHostService(
    DropAccessWriter writer,
    DropShipper shipper,
    IGrainFactory grains,
    IOptions<AutobuilderOptions> options,
    ILogger<DropHostService> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private long _written = -1;

    /// <summary>The directory version the files were last written from (-1: not yet).</summary>
    public long WrittenVersion => Interlocked.Read(ref _written);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DropHostService), ServiceLifecycleStage.Active, Start, StopAsync);

    public async Task<string> ApplyAsync(DropAccess access, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            // The same version again is written again: that is how a sync repairs a file changed by hand.
            if (access.Version < _written)
                return $"directory version {access.Version} is older than version {_written}, written already: kept";
            var drop = options.Value.Uploaders.Drop;
            var result = await Task.Run(() => writer.Write(AccountSnapshot.FromDropAccess(access), drop, access.Products), ct);
            Interlocked.Exchange(ref _written, access.Version);
            return $"{result.Lines.Count} uploader key(s) ({drop.Mode} mode) and {result.Areas} area(s) written from directory version {access.Version}";
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task Start(CancellationToken ct)
    {
        _loops.Add(Task.Run(() => SyncLoopAsync(_stop.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => ShipLoopAsync(_stop.Token), CancellationToken.None));
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops).WaitAsync(ct).ContinueWith(_ => { }, CancellationToken.None);
    }

    /// <summary>Asks the garage's directory: every 2 s until it has answered once, then every Drop:SyncMinutes.</summary>
    private async Task SyncLoopAsync(CancellationToken ct)
    {
        var every = TimeSpan.FromMinutes(Math.Max(0.05, options.Value.Uploaders.Drop.SyncMinutes));
        while (!ct.IsCancellationRequested)
        {
            var wait = every;
            try
            {
                var access = await grains.GetGrain<IAccountDirectoryGrain>(0).GetDropAccessAsync();
                LogSynced(logger, await ApplyAsync(access, ct));
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                LogSyncFailed(logger, ex.Message);
                if (WrittenVersion < 0)
                    wait = TimeSpan.FromSeconds(2);
            }
            await Task.Delay(wait, ct).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    private async Task ShipLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var wait = TimeSpan.FromSeconds(1);
            try
            {
                await shipper.ShipReadyAsync(ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // The garage is away (or its disk refused): the files stay in the areas, tried again shortly.
                LogShipFailed(logger, ex.Message);
                wait = TimeSpan.FromSeconds(5);
            }
            await Task.Delay(wait, ct).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    public void Dispose() => _stop.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Drop host: {Said}")]
    private static partial void LogSynced(ILogger logger, string said);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop host: the garage's account directory did not answer ({Reason}); asking again")]
    private static partial void LogSyncFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop host: shipping uploads to the garage failed ({Reason}); they stay in their areas and are tried again in 5 s")]
    private static partial void LogShipFailed(ILogger logger, string reason);
}
