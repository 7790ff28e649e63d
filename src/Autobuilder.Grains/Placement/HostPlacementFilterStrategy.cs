using Orleans.Placement;

namespace Autobuilder.Grains.Placement;

/// <summary>
/// Keeps a grain keyed by a host name on a silo running on that host (silo metadata
/// <see cref="SiloRoles.HostKey"/>), whatever its role: the grain works on that host's disk.
/// </summary>
public sealed class HostPlacementFilterStrategy() : PlacementFilterStrategy(order: 0);
