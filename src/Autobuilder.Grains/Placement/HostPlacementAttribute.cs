using Orleans.Placement;

namespace Autobuilder.Grains.Placement;

/// <summary>Places a grain keyed by a host name on a silo of that host (see <see cref="HostPlacementFilterStrategy"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class HostPlacementAttribute() : PlacementFilterAttribute(new HostPlacementFilterStrategy());
