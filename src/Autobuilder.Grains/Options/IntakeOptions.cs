namespace Autobuilder.Grains.Options;

/// <summary>
/// Limits and pacing of intake (the "Autobuilder:Intake" section). The limits are checked from
/// the .dsc before any named file is opened: an upload over one is rejected at once with the
/// limit it broke, without a byte of its files being read.
/// </summary>
public sealed class IntakeOptions
{
    /// <summary>Largest .dsc read; a real one is a few KiB (a .changes taken along obeys the same limit).</summary>
    public long MaxDscBytes { get; set; } = 1L << 20;

    /// <summary>Most files one .dsc may name (orig, component tarballs, signatures, debian tarball).</summary>
    public int MaxFiles { get; set; } = 64;

    /// <summary>Largest size one named file may have, as the .dsc lists it.</summary>
    public long MaxFileBytes { get; set; } = 4L << 30;

    /// <summary>Largest total of all the named files of one upload.</summary>
    public long MaxUploadBytes { get; set; } = 8L << 30;

    /// <summary>
    /// Uploads whose files add up to more than this are copied and hashed by their own workers, at
    /// the lowest CPU priority, so that they never hold up the small uploads landing beside them.
    /// </summary>
    public long LargeUploadBytes { get; set; } = 64L << 20;

    /// <summary>Uploads of ordinary size taken (copied, hashed, handed to their grain) at once.</summary>
    public int Workers { get; set; } = 4;

    /// <summary>Large uploads copied and hashed at once.</summary>
    public int LargeWorkers { get; set; } = 1;

    /// <summary>
    /// How long an entry that is not a regular file (a link, pipe, device, socket or folder) and
    /// that no .dsc names may stay in incoming before it is set aside into stray/ with its reason.
    /// </summary>
    public double StraySeconds { get; set; } = 60;

    /// <summary>How long to wait before handing an upload to its grain again after a failed delivery.</summary>
    public double DeliveryRetrySeconds { get; set; } = 15;

    /// <summary>
    /// The longest a silo's shutdown waits for intake: copies in progress are abandoned (their
    /// uploads are still in incoming and taken again at the next start).
    /// </summary>
    public double StopSeconds { get; set; } = 5;

    /// <summary>
    /// In an SSH or HTTP upload area (files written in place, dput's .changes sent last): how long
    /// a complete .dsc with no .changes beside it waits, unchanged, before it is taken on its own.
    /// </summary>
    public double BareDscSeconds { get; set; } = 10;
}
