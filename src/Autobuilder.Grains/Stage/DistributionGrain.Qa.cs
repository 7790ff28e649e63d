using Autobuilder.Grains.Qa;

namespace Autobuilder.Grains.Stage;

/// <summary>
/// After a publish, the QA ladder steps whose excuses read this distribution (issue 15's speed)
/// are told, one one-way message each, so that they make their excuses again right away rather
/// than on the first read after the publish.
/// </summary>
public sealed partial class DistributionGrain
{
    private void AnnounceToQa(long generation)
    {
        if (ServiceProvider.GetService(typeof(QaLadder)) is not QaLadder ladder)
            return;
        foreach (var from in ladder.ExcusesReading(_repositoryName))
        {
            try
            {
                _ = GrainFactory.GetGrain<IQaGrain>(StageConfiguration.DistributionKey(from, _product)).PublishedAsync(Key, generation);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The excuses are made on their next read instead.
                LogQaAnnounceFailed(logger, Key, generation, ex.Message);
            }
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "{Distribution}: generation {Generation} not announced to the QA ladder: {Reason}")]
    private static partial void LogQaAnnounceFailed(Microsoft.Extensions.Logging.ILogger logger, string distribution, long generation, string reason);
}
