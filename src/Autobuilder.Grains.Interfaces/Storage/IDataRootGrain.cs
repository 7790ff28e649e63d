using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>One host's data root (key: the host name, as its silos announce it), placed on a silo of that host: its free space for <c>status</c>.</summary>
public interface IDataRootGrain : IGrainWithStringKey
{
    [Reader]
    Task<DiskSpace> GetDiskAsync();

    /// <summary>Bytes and files under each top folder of the data root (no link followed; counting stops, marked partial, after 1,000,000 entries).</summary>
    [Reader]
    Task<IReadOnlyList<FolderUsage>> GetFolderUsageAsync();
}
