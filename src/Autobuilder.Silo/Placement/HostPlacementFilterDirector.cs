using Autobuilder.Grains;
using Autobuilder.Silo.Hosting;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Autobuilder.Silo.Placement;

/// <summary>Narrows the silos for a grain keyed by a host name to the silos of that host; none is an error naming the host.</summary>
public sealed class HostPlacementFilterDirector(ISiloMetadataCache metadata, ILocalSiloDetails local, SiloIdentity self) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var host = target.GrainIdentity.Key.ToString() ?? "";
        var candidates = silos.Where(s => HostOf(s) == host).ToList();
        if (candidates.Count == 0)
            throw new NoSiloForRoleException($"no silo on host '{host}' is up to reach its files ({target.GrainIdentity})");
        return candidates;
    }

    private string? HostOf(SiloAddress silo) =>
        silo.Equals(local.SiloAddress) ? self.HostName : metadata.GetSiloMetadata(silo).Metadata.GetValueOrDefault(SiloRoles.HostKey);
}
