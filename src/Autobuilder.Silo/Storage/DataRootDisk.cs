using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Cluster;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Storage;

/// <summary>
/// Free space of the data root (statvfs through <see cref="DriveInfo"/>, which takes any path on
/// Linux) against Autobuilder:Disk's reserve, measured at most once per CheckSeconds. Logs when
/// the root falls under its reserve and when it is above it again.
/// </summary>
public sealed partial class DataRootDisk(DataPaths paths, SiloIdentity identity, IOptions<AutobuilderOptions> options, TimeProvider time,
    ILogger<DataRootDisk> logger) : IDiskReserve
{
    private readonly DiskOptions _disk = options.Value.Disk;
    private readonly Lock _lock = new();
    private DiskSpace? _last;
    private DateTimeOffset _measured;

    public DiskSpace Now()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_last is not null && now - _measured < TimeSpan.FromSeconds(_disk.CheckSeconds))
                return _last;
            var drive = new DriveInfo(paths.Root);
            long free, total;
            try
            {
                (free, total) = (drive.AvailableFreeSpace, drive.TotalSize);
            }
            catch (IOException)
            {
                // Not measurable (the root vanished): nothing waits on a number we do not have.
                (free, total) = (long.MaxValue, 0);
            }
            var reserve = Math.Max(_disk.ReserveBytes, (long)(total * _disk.ReservePercent / 100));
            var space = new DiskSpace(identity.HostName, paths.Root, free, total, reserve);
            if (space.UnderReserve != (_last?.UnderReserve ?? false))
            {
                if (space.UnderReserve)
                    LogUnder(logger, space.Reason);
                else
                    LogAbove(logger, paths.Root, DiskSpace.Bytes(free), DiskSpace.Bytes(reserve));
            }
            (_last, _measured) = (space, now);
            return space;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason}: intake takes no new upload, builds and publishes wait until space returns")]
    private static partial void LogUnder(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Root} has {Free} free again (reserve {Reserve}): intake, builds and publishes resume")]
    private static partial void LogAbove(ILogger logger, string root, string free, string reserve);
}
