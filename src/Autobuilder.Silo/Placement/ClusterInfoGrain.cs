using Autobuilder.Grains;
using Autobuilder.Silo.Hosting;
using Orleans.Concurrency;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Autobuilder.Silo.Placement;

/// <summary>
/// Answers "which silos, doing what, holding which grains": Orleans' management grain for the
/// membership table and activation counts, the silo metadata for roles and hosts. A stateless
/// worker: it runs on whichever silo the console's gateway is, and holds nothing.
/// </summary>
[StatelessWorker]
public sealed class ClusterInfoGrain(ISiloMetadataCache metadata, ILocalSiloDetails local, SiloIdentity self, IClusterMembershipService membership) : Grain, IClusterInfoGrain
{
    // Grain classes by the word the console shows for them.
    private static readonly Dictionary<string, string> Kinds = new(StringComparer.Ordinal)
    {
        ["UploadGrain"] = "upload",
        ["UploadRegistryGrain"] = "registry",
        ["BuildSchedulerGrain"] = "scheduler",
        ["BuilderSlotGrain"] = "slot",
        ["BuilderRegistryGrain"] = "builders",
        ["RepositoryGrain"] = "repository",
        ["RepositoriesGrain"] = "repositories",
        ["DistributionGrain"] = "distribution",
    };

    public async Task<IReadOnlyList<SiloView>> GetSilosAsync()
    {
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        MembershipEntry[] hosts;
        try
        {
            hosts = [.. await management.GetDetailedHosts(onlyActive: false)];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The membership table (PostgreSQL in a cluster) is away: this silo's own view of the
            // cluster still says who is up, without start and heartbeat times.
            hosts = [.. membership.CurrentSnapshot.Members.Values.Select(m => new MembershipEntry
            {
                SiloAddress = m.SiloAddress, SiloName = m.Name, HostName = "", Status = m.Status,
                StartTime = DateTime.MinValue, IAmAliveTime = DateTime.MinValue,
            })];
        }
        var active = hosts.Where(h => h.Status == SiloStatus.Active).Select(h => h.SiloAddress).ToArray();
        var statistics = active.Length > 0 ? await management.GetSimpleGrainStatistics(active) : [];
        var views = new List<SiloView>();
        foreach (var h in hosts.OrderByDescending(h => h.Status == SiloStatus.Active).ThenByDescending(h => h.StartTime))
        {
            IReadOnlyDictionary<string, string> values = h.SiloAddress.Equals(local.SiloAddress) ? self.Metadata() : metadata.GetSiloMetadata(h.SiloAddress).Metadata;
            var byKind = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var s in statistics.Where(s => s.SiloAddress.Equals(h.SiloAddress)))
            {
                var name = ShortName(s.GrainType);
                if (Kinds.TryGetValue(name, out var kind))
                    byKind[kind] = byKind.GetValueOrDefault(kind) + s.ActivationCount;
            }
            views.Add(new SiloView(
                h.SiloAddress.ToString(), h.SiloName, h.HostName, h.Status.ToString(),
                values.GetValueOrDefault(SiloRoles.RoleKey), values.GetValueOrDefault(SiloRoles.HostKey),
                values.GetValueOrDefault(SiloRoles.SlotHostsKey, "").Split(',', StringSplitOptions.RemoveEmptyEntries),
                new DateTimeOffset(DateTime.SpecifyKind(h.StartTime, DateTimeKind.Utc)),
                new DateTimeOffset(DateTime.SpecifyKind(h.IAmAliveTime, DateTimeKind.Utc)),
                byKind.Values.Sum(), byKind));
        }
        return views;
    }

    /// <summary>"UploadGrain" of "Autobuilder.Grains.Uploads.UploadGrain,Autobuilder.Grains" (or of a plain grain type name).</summary>
    private static string ShortName(string grainType)
    {
        var name = grainType.Split(',')[0];
        return name[(name.LastIndexOf('.') + 1)..];
    }
}
