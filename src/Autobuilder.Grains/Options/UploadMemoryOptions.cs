namespace Autobuilder.Grains.Options;

/// <summary>
/// Bounds on what the garage keeps resident of its uploads (Autobuilder:UploadMemory). Every upload
/// stays in the uploads' read model (IUploadIndex) on disk; these bound only memory.
/// </summary>
public sealed class UploadMemoryOptions
{
    /// <summary>Settled uploads each product's registry keeps in memory besides those still moving (the newest settled).</summary>
    public int RecentSettled { get; set; } = 200;

    /// <summary>Transitions an upload keeps in its history; past it the oldest go, and the history says how many were cut.</summary>
    public int HistoryLimit { get; set; } = 200;

    /// <summary>
    /// Minutes an upload's grain stays in memory unused before Orleans deactivates it (its state is on
    /// disk or in the database; the next read loads it again). Shorter than Orleans' default so that a
    /// crawl through old uploads' pages does not keep their states resident.
    /// </summary>
    public double IdleMinutes { get; set; } = 5;

    /// <summary>What is wrong with these options, or null.</summary>
    public string? Problem()
    {
        if (RecentSettled is < 0 or > 100_000)
            return $"Autobuilder:UploadMemory:RecentSettled {RecentSettled} must be between 0 and 100000";
        if (HistoryLimit is < 10 or > 100_000)
            return $"Autobuilder:UploadMemory:HistoryLimit {HistoryLimit} must be between 10 and 100000";
        // Orleans collects idle activations once a minute (its collection quantum): an age under two would not be kept.
        if (IdleMinutes is < 2 or > 1440)
            return $"Autobuilder:UploadMemory:IdleMinutes {IdleMinutes} must be between 2 and 1440";
        return null;
    }
}
