namespace Autobuilder.Grains;

/// <summary>Free space of one host's data root against its reserve (Autobuilder:Disk).</summary>
[GenerateSerializer, Immutable]
public sealed record DiskSpace(
    [property: Id(0)] string Host,
    [property: Id(1)] string DataRoot,
    [property: Id(2)] long FreeBytes,
    [property: Id(3)] long TotalBytes,
    [property: Id(4)] long ReserveBytes)
{
    /// <summary>Free space has fallen under the reserve: intake, builds and publishes wait.</summary>
    public bool UnderReserve => ReserveBytes > 0 && FreeBytes < ReserveBytes;

    /// <summary>What waits, in words: "disk under reserve: 12 MiB free on /var/lib/autobuilder, reserve 24 MiB".</summary>
    public string Reason => $"disk under reserve: {Bytes(FreeBytes)} free on {DataRoot}, reserve {Bytes(ReserveBytes)} (Autobuilder:Disk)";

    public static string Bytes(long n) => n switch
    {
        >= 1L << 30 => $"{n / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{n / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{n / (double)(1L << 10):0.0} KiB",
        _ => $"{n} bytes",
    };
}

/// <summary>What one top folder of a data root holds (uploads/, results/, logs/, rejected/, state/…), for <c>status</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record FolderUsage(
    [property: Id(0)] string Folder,
    [property: Id(1)] long Bytes,
    [property: Id(2)] long Files,
    [property: Id(3)] bool Partial);
