using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage;
using Autobuilder.Silo.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Stage.Incoming;

/// <summary>
/// Watches repo-incoming/&lt;repository&gt;/&lt;product&gt;/ and hands each ready .changes to its
/// distribution grain at once — a file-system watcher wakes the scan, a one-second tick catches
/// what a watcher can miss — instead of the seed's cron tick every two to five minutes. Each
/// distribution gets one call at a time; a distribution whose call failed waits a little before
/// the next.
/// </summary>
public sealed partial class RepoIncomingService(
    IGrainFactory grains,
    StageFolders folders,
    StageConfiguration configuration,
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<RepoIncomingService> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>
    /// .changes handed to a distribution per call. A queue filled with thousands at once (an
    /// import) would otherwise be one call that outlives Orleans' response timeout; each call ends
    /// with one publish, so the live tree also moves on while a big queue drains.
    /// </summary>
    public const int MaxChangesPerCall = 500;

    private static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _backoff = new(StringComparer.Ordinal);
    private RepoIncomingScan? _scan;
    private FolderWatch? _watch;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RepoIncomingService), ServiceLifecycleStage.Active + 2, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken ct)
    {
        _scan = new RepoIncomingScan(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(options.Value.IncompleteUploadSeconds), time);
        foreach (var repo in configuration.Repositories.Where(r => r.AcceptsUploads))
        {
            foreach (var product in repo.Products)
                Directory.CreateDirectory(folders.Incoming(repo.Name, product));
        }
        _watch = new FolderWatch(folders.IncomingRoot, () =>
        {
            Scan();
            return Task.CompletedTask;
        }, logger);
        _watch.Start();
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken ct)
    {
        if (_watch is not null)
            await _watch.DisposeAsync();
    }

    private void Scan()
    {
        var now = time.GetUtcNow();
        foreach (var repoDir in Directory.EnumerateDirectories(folders.IncomingRoot))
        {
            foreach (var productDir in Directory.EnumerateDirectories(repoDir))
            {
                var key = StageConfiguration.DistributionKey(Path.GetFileName(repoDir), Path.GetFileName(productDir));
                lock (_inFlight)
                {
                    if (_inFlight.ContainsKey(key) || (_backoff.TryGetValue(key, out var until) && now < until))
                        continue;
                }
                var ready = _scan!.Ready(productDir);
                if (ready.Count == 0)
                    continue;
                lock (_inFlight)
                    _inFlight[key] = ProcessAsync(key, ready);
            }
        }
    }

    private async Task ProcessAsync(string key, IReadOnlyList<string> ready)
    {
        await Task.Yield();
        try
        {
            foreach (var chunk in ready.Chunk(MaxChangesPerCall))
                await grains.GetGrain<IDistributionGrain>(key).ProcessIncomingAsync(chunk);
            lock (_inFlight)
                _backoff.Remove(key);
        }
        catch (Exception ex)
        {
            LogProcessFailed(logger, key, ex);
            lock (_inFlight)
                _backoff[key] = time.GetUtcNow() + FailureBackoff;
        }
        finally
        {
            lock (_inFlight)
                _inFlight.Remove(key);
            _watch?.Wake(); // files may have arrived while this batch ran
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Distribution}: processing its queue failed; tried again shortly")]
    private static partial void LogProcessFailed(ILogger logger, string distribution, Exception ex);
}
