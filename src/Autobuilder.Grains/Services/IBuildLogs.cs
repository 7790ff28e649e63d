namespace Autobuilder.Grains.Services;

/// <summary>Reads the logs builds write while they run (logs/ on the garage host).</summary>
public interface IBuildLogs
{
    /// <summary>Up to <paramref name="maxBytes"/> of one attempt's log from <paramref name="offset"/>; empty text when there is nothing (yet).</summary>
    Task<(string Text, long NextOffset)> ReadAsync(string uploadId, string architecture, int attempt, long offset, int maxBytes);
}
