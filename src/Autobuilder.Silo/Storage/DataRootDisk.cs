using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Storage;

/// <summary>
/// Free space of the data root (statvfs(3) of the root itself, whatever its mount point) against
/// Autobuilder:Disk's reserve, measured at most once per CheckSeconds. Logs when the root falls
/// under its reserve and when it is above it again.
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
            long free, total;
            if (StatVfs(paths.Root, out var fs) == 0)
                (free, total) = ((long)(fs.BlocksAvailable * fs.FragmentSize), (long)(fs.Blocks * fs.FragmentSize));
            else
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

    // struct statvfs of 64-bit glibc (x86-64 and arm64): eleven unsigned longs, then spare ints.
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct StatVfsBuffer
    {
        public ulong BlockSize;
        public ulong FragmentSize;
        public ulong Blocks;
        public ulong BlocksFree;
        public ulong BlocksAvailable;
        public ulong Files;
        public ulong FilesFree;
        public ulong FilesAvailable;
        public ulong FileSystemId;
        public ulong Flags;
        public ulong NameMax;
        private readonly ulong _spare0, _spare1, _spare2;
    }

    // statvfs(3) of any path inside the file system (DriveInfo wants a mount point).
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "statvfs", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatVfs(string path, out StatVfsBuffer buffer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason}: intake takes no new upload, builds and publishes wait until space returns")]
    private static partial void LogUnder(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Root} has {Free} free again (reserve {Reserve}): intake, builds and publishes resume")]
    private static partial void LogAbove(ILogger logger, string root, string free, string reserve);
}
