using Autobuilder.Grains;
using Autobuilder.Grains.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Metrics;

/// <summary>
/// Feeds autobuilder_remote_sync_lag_seconds: every <c>RemoteSyncPollSeconds</c> it reads the
/// repositories' public status (one call to <see cref="IRepositoriesGrain"/>) and reports, for each
/// distribution with a remote live tree, how long the remote has been behind the published
/// generation (<see cref="Lag"/>).
/// </summary>
public sealed partial class RemoteSyncPoller(IGrainFactory grains, MetricsOptions options, TimeProvider time, ILogger<RemoteSyncPoller> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.RemoteSyncPollSeconds), time);
        do
        {
            try
            {
                var repositories = await grains.GetGrain<IRepositoriesGrain>(0).ListAsync();
                AutobuilderMetrics.PublishRemoteSync(new RemoteSyncSnapshot(time.GetUtcNow(), Lag(repositories, time.GetUtcNow())));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The stage may be starting or away: the gauge goes stale (and then absent), the silo goes on.
                LogPollFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Seconds behind, keyed "repository/product", for distributions with a remote tree: 0 while the
    /// remote serves the published generation (a failed sync of nothing new is no lag), else the time since the oldest publish the remote does not serve (from the publish
    /// history; the last publish when the history does not reach back so far).
    /// </summary>
    public static IReadOnlyDictionary<string, double> Lag(IEnumerable<RepositoryInfo> repositories, DateTimeOffset now)
    {
        var lag = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var d in repositories.SelectMany(r => r.Distributions))
        {
            if (d.Remote is not { } remote)
                continue;
            var behindSince = remote.Generation == d.PublishedGeneration ? now
                : d.History.Where(h => h.Generation > (remote.Generation ?? long.MinValue)).Select(h => (DateTimeOffset?)h.At).Min()
                    ?? d.PublishedAt ?? remote.AttemptedAt ?? now;
            lag[$"{d.Repository}/{d.Product}"] = Math.Max(0, (now - behindSince).TotalSeconds);
        }
        return lag;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the distributions' remote-sync state for the metrics failed: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string reason);
}
