using Orleans.Metadata;
using Orleans.Placement;

namespace Autobuilder.Grains.Placement;

/// <summary>
/// Keeps a grain type on silos of one role (silo metadata <see cref="SiloRoles.RoleKey"/>); a silo
/// of role "all" plays every role. With <see cref="OnKeyHost"/>, only silos that run slots of the
/// host named by the grain key's first part ("host/user") qualify. The silo side (the filter
/// director) does the matching; this class only carries the settings through grain properties.
/// </summary>
public sealed class RolePlacementFilterStrategy(string role, bool onKeyHost) : PlacementFilterStrategy(order: 0)
{
    private const string RoleProperty = "role";
    private const string OnKeyHostProperty = "on-key-host";

    // Created by the runtime from grain properties, then initialised from them.
    public RolePlacementFilterStrategy() : this(SiloRoles.All, false)
    {
    }

    public string Role { get; private set; } = role;

    public bool OnKeyHost { get; private set; } = onKeyHost;

    public override void AdditionalInitialize(GrainProperties properties)
    {
        Role = GetPlacementFilterGrainProperty(RoleProperty, properties) ?? SiloRoles.All;
        OnKeyHost = GetPlacementFilterGrainProperty(OnKeyHostProperty, properties) == "true";
    }

    protected override IEnumerable<KeyValuePair<string, string>> GetAdditionalGrainProperties(
        IServiceProvider services, Type grainClass, GrainType grainType, IReadOnlyDictionary<string, string> existingProperties)
    {
        yield return new(RoleProperty, Role);
        yield return new(OnKeyHostProperty, OnKeyHost ? "true" : "false");
    }
}
