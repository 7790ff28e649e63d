using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>One host's data root (key: the host name, as its silos announce it), placed on a silo of that host: its free space for <c>status</c>.</summary>
public interface IDataRootGrain : IGrainWithStringKey
{
    [Reader]
    Task<DiskSpace> GetDiskAsync();
}
