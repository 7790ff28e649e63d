using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Autobuilder.Grains.Tests.Cluster;

/// <summary>
/// The test cluster has one silo, which plays every role: role placement (RolePlacementAttribute)
/// keeps every candidate. The real director, on silo metadata, is tested with real silos.
/// </summary>
public sealed class AnySiloPlacementDirector : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos) => silos;
}
