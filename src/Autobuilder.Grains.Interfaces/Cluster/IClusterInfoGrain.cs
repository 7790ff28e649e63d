using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>The silos of the cluster with their roles, hosts and grain counts (any key; answered by the silo it is called on).</summary>
public interface IClusterInfoGrain : IGrainWithIntegerKey
{
    /// <summary>Active silos, and the dead ones still in the membership table, newest first.</summary>
    [Reader]
    Task<IReadOnlyList<SiloView>> GetSilosAsync();
}
