using Autobuilder.Grains;
using Autobuilder.Grains.Placement;
using Autobuilder.Silo.Hosting;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Autobuilder.Silo.Placement;

/// <summary>
/// Narrows the silos a grain may be placed on to those of its role (from their metadata); for
/// builder slots, to the silo that runs slots of the host in the key "host/user". With none left,
/// placement fails with an exception that names the missing role, so the caller can say what to start.
/// </summary>
public sealed class RolePlacementFilterDirector(ISiloMetadataCache metadata, ILocalSiloDetails local, SiloIdentity self) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var strategy = (RolePlacementFilterStrategy)filterStrategy;
        var host = strategy.OnKeyHost ? KeyHost(target.GrainIdentity) : null;
        var candidates = new List<SiloAddress>();
        var wildcards = new List<SiloAddress>();
        foreach (var silo in silos)
        {
            var (role, slotHosts) = Describe(silo);
            if (role != strategy.Role && role != SiloRoles.All)
                continue;
            if (host is null || slotHosts.Contains(host))
                candidates.Add(silo);
            else if (slotHosts.Contains("*"))
                wildcards.Add(silo);
        }
        // A silo that names the host wins over one that takes any host.
        if (candidates.Count == 0)
            candidates = wildcards;
        if (candidates.Count == 0)
            throw new NoSiloForRoleException(strategy.Role, host, target.GrainIdentity.ToString());
        return candidates;
    }

    private (string? Role, string[] SlotHosts) Describe(SiloAddress silo)
    {
        // Our own metadata is known before the cluster's cache has fetched it (early calls at start).
        IReadOnlyDictionary<string, string> values = silo.Equals(local.SiloAddress) ? self.Metadata() : metadata.GetSiloMetadata(silo).Metadata;
        var role = values.TryGetValue(SiloRoles.RoleKey, out var r) ? r : null;
        var hosts = values.TryGetValue(SiloRoles.SlotHostsKey, out var h) ? h.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        return (role, hosts);
    }

    /// <summary>"builder1" of the slot key "builder1/user".</summary>
    private static string KeyHost(GrainId grain)
    {
        var key = grain.Key.ToString() ?? "";
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? key[..slash] : key;
    }
}
