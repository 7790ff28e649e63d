namespace Autobuilder.Grains.Retries;

/// <summary>How long a failed hand-off waits before its next try: the configured base, doubled per failure, at most ten minutes.</summary>
public static class Backoff
{
    public static readonly TimeSpan Longest = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The longest wait of a grain that holds progress only in memory because its state write
    /// failed (an upload's state, a slot's unreported result): such a grain is noticed within this
    /// once the database is back, and its retry costs one write.
    /// </summary>
    public static readonly TimeSpan StateLongest = TimeSpan.FromMinutes(1);

    /// <summary><see cref="After"/>, at most <see cref="StateLongest"/>.</summary>
    public static TimeSpan ForState(double baseSeconds, int attempts)
    {
        var delay = After(baseSeconds, attempts);
        return delay < StateLongest ? delay : StateLongest;
    }

    /// <param name="attempts">Failed tries so far (1 after the first failure).</param>
    public static TimeSpan After(double baseSeconds, int attempts)
    {
        var seconds = Math.Max(0.1, baseSeconds) * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, Longest.TotalSeconds));
    }
}
