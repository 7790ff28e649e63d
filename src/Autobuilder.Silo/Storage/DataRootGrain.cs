using System.IO.Enumeration;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Services;
using Orleans.Concurrency;

namespace Autobuilder.Silo.Storage;

/// <summary>A host's data root for <c>status</c>: placed on a silo of that host, it measures that host's disk.</summary>
[HostPlacement]
[Reentrant]
public sealed class DataRootGrain(IDiskReserve disk, DataPaths paths) : Grain, IDataRootGrain
{
    /// <summary>Entries counted per call at most: status stays quick on a root with millions of files.</summary>
    public const int MaxEntries = 1_000_000;

    public Task<DiskSpace> GetDiskAsync() => Task.FromResult(disk.Now());

    public Task<IReadOnlyList<FolderUsage>> GetFolderUsageAsync() => Task.Run<IReadOnlyList<FolderUsage>>(() =>
    {
        var budget = MaxEntries;
        var usage = new List<FolderUsage>();
        foreach (var folder in Directory.EnumerateDirectories(paths.Root).Order(StringComparer.Ordinal))
        {
            if (new FileInfo(folder).LinkTarget is not null)
                continue;
            long bytes = 0, files = 0;
            var entries = new FileSystemEnumerable<(long Length, bool File)>(folder, (ref FileSystemEntry e) => (e.Length, !e.IsDirectory),
                new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 })
            {
                // Into real folders only: a link an uploader left is counted as itself, never followed.
                ShouldRecursePredicate = (ref FileSystemEntry e) => (e.Attributes & FileAttributes.ReparsePoint) == 0,
            };
            var partial = false;
            foreach (var (length, file) in entries)
            {
                if (--budget < 0)
                {
                    partial = true;
                    break;
                }
                if (file)
                {
                    bytes += length;
                    files++;
                }
            }
            usage.Add(new FolderUsage(Path.GetFileName(folder), bytes, files, partial));
        }
        return usage;
    });
}
