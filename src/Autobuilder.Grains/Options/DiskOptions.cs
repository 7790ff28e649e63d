namespace Autobuilder.Grains.Options;

/// <summary>
/// "Autobuilder:Disk": the free space a data root keeps in reserve. Under it, intake takes no new
/// upload (the files stay in incoming and are taken when space returns), builds wait in the queue
/// and publishes wait, so what is half done can still finish and state files can still be written.
/// The reserve is the larger of <see cref="ReserveBytes"/> and <see cref="ReservePercent"/> of the
/// file system.
/// </summary>
public sealed class DiskOptions
{
    /// <summary>Free bytes kept in reserve (default 1 GiB; 0 with a percent of 0 turns the check off).</summary>
    public long ReserveBytes { get; set; } = 1L << 30;

    /// <summary>Free space kept in reserve as a percentage of the file system's size.</summary>
    public double ReservePercent { get; set; } = 2;

    /// <summary>How long a measurement of free space is reused (statvfs is cheap, but intake asks every second).</summary>
    public double CheckSeconds { get; set; } = 1;
}
