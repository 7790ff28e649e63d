using Autobuilder.Debian;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.FileTransfer;
using Autobuilder.Silo.Placement;
using Autobuilder.Silo.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Stage.Incoming;

/// <summary>
/// Garage of a cluster: the hand-off fills repo-incoming/ here, and this sends each complete set
/// (the files a .changes names, then the .changes) to the stage host's repo-incoming/, where the
/// stage takes it. A file is removed here only after the stage host has it under its final name,
/// so with no stage silo up the queue simply waits on the garage's disk, and nothing is lost.
/// A set whose sending failed is tried again with back-off (<c>PublishRetrySeconds</c>, doubled per
/// failure) and listed in <see cref="IDeliveryRetriesGrain"/> while it waits.
/// </summary>
public sealed partial class StageForwarder(
    IGrainFactory grains,
    ClusterHosts hosts,
    DataPaths paths,
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<StageForwarder> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private FolderWatch? _watch;
    private bool _waitingLogged;

    // Per .changes whose set could not be sent: since when, failed tries, the next try. Only the watch's loop touches it.
    private readonly Dictionary<string, (DateTimeOffset Since, int Attempts, DateTimeOffset Next)> _failing = new(StringComparer.Ordinal);

    private string Root => Path.Combine(paths.Root, "repo-incoming");

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StageForwarder), ServiceLifecycleStage.Active + 1, Start, StopAsync);

    private Task Start(CancellationToken ct)
    {
        // A watcher, as the stage's own queue has: a set goes on as soon as the hand-off wrote its .changes.
        _watch = new FolderWatch(Root, ForwardOrWaitAsync, logger);
        _watch.Start();
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken ct)
    {
        if (_watch is not null)
            await _watch.DisposeAsync();
    }

    private async Task ForwardOrWaitAsync()
    {
        try
        {
            await ForwardAllAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogScanFailed(logger, ex.Message);
        }
    }

    /// <summary>Sends every complete set under repo-incoming/&lt;repository&gt;/&lt;product&gt;/.</summary>
    public async Task ForwardAllAsync(CancellationToken ct)
    {
        if (!Directory.Exists(Root))
            return;
        foreach (var folder in Directory.EnumerateDirectories(Root).SelectMany(Directory.EnumerateDirectories))
        {
            foreach (var changes in Directory.EnumerateFiles(folder, "*.changes").Where(f => !Path.GetFileName(f).StartsWith('.')))
            {
                // Only the hand-off writes here, and it copies regular files; anything else (a FIFO
                // would block this loop, a link would send what it points at) is left where it is.
                if (Files.RegularFile.Problem(changes) is not null)
                    continue;
                IReadOnlyList<string> named;
                try
                {
                    named = [.. ChangesFile.Parse(Files.RegularFile.ReadAllBytes(changes, 4 << 20), changes).Files.Select(f => f.Name).Where(FileNames.IsSafe)];
                }
                catch (Exception ex) when (ex is DebianFormatException or IOException)
                {
                    // Let the stage reject it with its reason, as it would have on one host.
                    named = [];
                }
                if (named.Any(n => !File.Exists(Path.Combine(folder, n))))
                    continue; // the hand-off is still writing; its .changes came first only if it crashed
                if (named.Any(n => Files.RegularFile.Problem(Path.Combine(folder, n)) is not null))
                    continue;
                var now = time.GetUtcNow();
                if (_failing.TryGetValue(changes, out var failing) && now < failing.Next)
                    continue;
                try
                {
                    await ForwardAsync(folder, [.. named, Path.GetFileName(changes)], ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    await FailedAsync(changes, ex, now);
                    continue;
                }
                if (_failing.Remove(changes))
                    await TellRetriesAsync(r => r.DoneAsync(DeliveryKind.Forward, DeliveryName(changes)));
                _waitingLogged = false;
            }
        }
        // Sets that left the queue some other way (an operator moved them) leave the list too.
        foreach (var gone in _failing.Keys.Where(c => !File.Exists(c)).ToList())
        {
            _failing.Remove(gone);
            await TellRetriesAsync(r => r.DoneAsync(DeliveryKind.Forward, DeliveryName(gone)));
        }
    }

    /// <summary>Records a failed send: the set stays here and is tried again after a back-off; the list shows it meanwhile.</summary>
    private async Task FailedAsync(string changes, Exception ex, DateTimeOffset now)
    {
        var (since, attempts, _) = _failing.GetValueOrDefault(changes, (now, 0, now));
        attempts++;
        var delay = Autobuilder.Grains.Retries.Backoff.After(options.Value.PublishRetrySeconds, attempts);
        _failing[changes] = (since, attempts, now + delay);
        // Typically no stage silo is up: the files wait here; the log says so once, the list every time.
        if (!_waitingLogged)
            LogWaiting(logger, ex.Message);
        _waitingLogged = true;
        await TellRetriesAsync(r => r.WaitingAsync(new PendingDelivery(DeliveryKind.Forward, DeliveryName(changes), since, attempts, now + delay,
            $"{ex.GetType().Name}: {ex.Message}")));
    }

    private async Task TellRetriesAsync(Func<IDeliveryRetriesGrain, Task> call)
    {
        try
        {
            await call(grains.GetGrain<IDeliveryRetriesGrain>(0));
        }
        catch (Exception)
        {
            // The list is for status; the cluster that refused the send may refuse this too.
        }
    }

    private string DeliveryName(string changes) => $"forwarding of {Path.GetRelativePath(paths.Root, changes)} to the stage";

    private async Task ForwardAsync(string folder, IReadOnlyList<string> names, CancellationToken ct)
    {
        var stage = grains.GetGrain<IHostFilesGrain>(hosts.HostOf(SiloRoles.Stage));
        var relativeFolder = HostFileTransfer.RelativeTo(paths.Root, folder);
        // The .changes last: the stage takes it as the sign that its files are complete.
        foreach (var name in names)
        {
            var temporary = $"{relativeFolder}/.{name}.{Guid.NewGuid():N}.tmp";
            await HostFileTransfer.PushAsync(stage, Path.Combine(folder, name), temporary, ct);
            await stage.CommitAsync(temporary, $"{relativeFolder}/{name}");
        }
        // The .changes first here, so an interrupted clean-up never leaves a set that looks complete.
        foreach (var name in names.Reverse())
            File.Delete(Path.Combine(folder, name));
        LogForwarded(logger, names[^1], relativeFolder);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Changes} sent to the stage ({Folder})")]
    private static partial void LogForwarded(ILogger logger, string changes, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Packages for the stage wait on the garage: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking through the garage's repo-incoming failed: {Reason}")]
    private static partial void LogScanFailed(ILogger logger, string reason);
}
