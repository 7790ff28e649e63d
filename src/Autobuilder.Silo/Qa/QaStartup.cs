using Autobuilder.Grains;
using Autobuilder.Grains.Qa;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Qa;

/// <summary>At silo start, wakes the QA record of each distribution a quarantine step leaves, which registers its reminder (in the background).</summary>
public sealed partial class QaStartup(IGrainFactory grains, QaLadder ladder, ILogger<QaStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private Task? _start;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(QaStartup), ServiceLifecycleStage.Active + 2, Start, _ => _start ?? Task.CompletedTask);

    private Task Start(CancellationToken ct)
    {
        _start = Task.Run(async () =>
        {
            foreach (var step in ladder.Steps.Where(s => !s.Options.ByRequest))
            {
                try
                {
                    var info = await grains.GetGrain<IRepositoryGrain>(step.From).GetInfoAsync();
                    foreach (var product in info.Products)
                        await grains.GetGrain<IQaGrain>($"{step.From}/{product}").StartAsync();
                }
                catch (Exception ex)
                {
                    LogStartFailed(logger, step.From, ex);
                }
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Repository}: the QA ladder's reminder could not be started")]
    private static partial void LogStartFailed(ILogger logger, string repository, Exception ex);
}
