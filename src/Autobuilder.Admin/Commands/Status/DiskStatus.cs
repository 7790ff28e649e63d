using Autobuilder.Grains;

namespace Autobuilder.Admin.Commands.Status;

/// <summary>Free space and reserve of each host's data root, asked of a silo on that host.</summary>
public static class DiskStatus
{
    public static async Task<IReadOnlyList<DiskSpace>> OfAllHostsAsync(IGrainFactory grains)
    {
        var silos = await grains.GetGrain<IClusterInfoGrain>(0).GetSilosAsync();
        var disks = new List<DiskSpace>();
        foreach (var host in silos.Where(s => s.Status == "Active" && s.Host is not null).Select(s => s.Host!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            try
            {
                disks.Add(await grains.GetGrain<IDataRootGrain>(host).GetDiskAsync());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                disks.Add(new DiskSpace(host, $"(not measured: {ex.Message})", 0, 0, 0));
            }
        }
        return disks;
    }

    /// <summary>Per host, what each top folder of its data root holds; hosts that do not answer are left out.</summary>
    public static async Task<IReadOnlyList<(string Host, IReadOnlyList<FolderUsage> Folders)>> FoldersAsync(IGrainFactory grains, IEnumerable<DiskSpace> disks)
    {
        var all = new List<(string, IReadOnlyList<FolderUsage>)>();
        foreach (var host in disks.Select(d => d.Host).Distinct(StringComparer.Ordinal))
        {
            try
            {
                all.Add((host, await grains.GetGrain<IDataRootGrain>(host).GetFolderUsageAsync()));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Free space was shown; the folder sizes are a nicety.
            }
        }
        return all;
    }
}
