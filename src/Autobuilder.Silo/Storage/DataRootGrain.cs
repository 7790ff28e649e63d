using Autobuilder.Grains;
using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Services;
using Orleans.Concurrency;

namespace Autobuilder.Silo.Storage;

/// <summary>A host's data root for <c>status</c>: placed on a silo of that host, it measures that host's disk.</summary>
[HostPlacement]
[Reentrant]
public sealed class DataRootGrain(IDiskReserve disk) : Grain, IDataRootGrain
{
    public Task<DiskSpace> GetDiskAsync() => Task.FromResult(disk.Now());
}
