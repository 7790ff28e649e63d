using Autobuilder.Grains;
using Autobuilder.Grains.Stage;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Stage;

/// <summary>
/// At silo start, wakes every repository: its key is made if needed, and a distribution whose
/// last generation a crash left unpublished (or half-way to live) is published. This runs in the
/// background so the silo answers at once; `repo show` tells when each distribution is live.
/// </summary>
public sealed partial class StageStartup(IGrainFactory grains, StageConfiguration configuration, ILogger<StageStartup> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private Task? _start;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StageStartup), ServiceLifecycleStage.Active + 1, Start, _ => _start ?? Task.CompletedTask);

    private Task Start(CancellationToken ct)
    {
        _start = Task.Run(async () =>
        {
            foreach (var repo in configuration.Repositories)
            {
                try
                {
                    await grains.GetGrain<IRepositoryGrain>(repo.Name).StartAsync();
                }
                catch (Exception ex)
                {
                    LogStartFailed(logger, repo.Name, ex);
                }
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Repository}: starting failed")]
    private static partial void LogStartFailed(ILogger logger, string repository, Exception ex);
}
