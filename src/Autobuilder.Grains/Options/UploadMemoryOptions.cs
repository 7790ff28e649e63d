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

    /// <summary>What is wrong with these options, or null.</summary>
    public string? Problem()
    {
        if (RecentSettled is < 0 or > 100_000)
            return $"Autobuilder:UploadMemory:RecentSettled {RecentSettled} must be between 0 and 100000";
        if (HistoryLimit is < 10 or > 100_000)
            return $"Autobuilder:UploadMemory:HistoryLimit {HistoryLimit} must be between 10 and 100000";
        return null;
    }
}
