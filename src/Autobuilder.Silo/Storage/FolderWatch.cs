using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Storage;

/// <summary>
/// Runs a scan of a folder tree as soon as something changes in it — a file-system watcher wakes
/// it — and at least once a second, which catches what a watcher can miss (events dropped under
/// load, files that only become ready with time). One scan at a time; a failed scan is logged
/// and tried again a second later. Intake and the stage's queue both watch this way.
/// A wake waits <see cref="Settle"/> so that a burst of events (scp or a hand-off writing
/// several files) makes one scan; an urgent wake (<see cref="Wake(bool)"/>: the file that
/// completes an upload arrived) cuts that wait short, since nothing after it is needed.
/// </summary>
public sealed partial class FolderWatch(string folder, Func<Task> scan, ILogger logger, bool includeSubdirectories = true) : IAsyncDisposable
{
    /// <summary>How long a wake waits for more events of the same burst before the scan.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(50);

    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _urgentWake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private FileSystemWatcher? _watcher;
    private Task? _loop;

    public void Start()
    {
        Directory.CreateDirectory(folder);
        _watcher = new FileSystemWatcher(folder)
        {
            IncludeSubdirectories = includeSubdirectories,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.LastWrite,
        };
        _watcher.Created += (_, _) => Wake();
        _watcher.Changed += (_, _) => Wake();
        _watcher.Renamed += (_, _) => Wake();
        _watcher.EnableRaisingEvents = true;
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Asks for a scan soon (several calls before it runs make one scan).</summary>
    public void Wake() => Wake(urgent: false);

    /// <summary>
    /// Asks for a scan; <paramref name="urgent"/>: without waiting for the burst to settle (a
    /// scan under way is not interrupted; the next one starts as soon as it ends).
    /// </summary>
    public void Wake(bool urgent)
    {
        if (urgent && _urgentWake.CurrentCount == 0)
            _urgentWake.Release();
        if (_wake.CurrentCount == 0)
            _wake.Release();
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await scan();
                await _wake.WaitAsync(TimeSpan.FromSeconds(1), ct);
                // Let a burst of file events (scp or a hand-off writing several files) settle into
                // one scan, unless (or until) a wake says the burst's last file is there (an urgent
                // wake already given, even during the scan, ends this wait at once).
                await _urgentWake.WaitAsync(Settle, ct);
                // Cleared before the scan: an urgent wake during the scan makes the next one start at once.
                while (_urgentWake.Wait(0))
                {
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogScanFailed(logger, folder, ex);
                await Task.Delay(1000, ct).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _watcher?.Dispose();
        if (_loop is not null)
            await _loop.ContinueWith(_ => { }, CancellationToken.None);
        _stop.Dispose();
        _wake.Dispose();
        _urgentWake.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Scanning {Folder} failed; trying again in a second")]
    private static partial void LogScanFailed(ILogger logger, string folder, Exception ex);
}
