namespace Autobuilder.Grains.Retries;

/// <summary>How long a failed hand-off waits before its next try: the configured base, doubled per failure, at most ten minutes.</summary>
public static class Backoff
{
    public static readonly TimeSpan Longest = TimeSpan.FromMinutes(10);

    /// <param name="attempts">Failed tries so far (1 after the first failure).</param>
    public static TimeSpan After(double baseSeconds, int attempts)
    {
        var seconds = Math.Max(0.1, baseSeconds) * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, Longest.TotalSeconds));
    }
}
