using Orleans.Placement;

namespace Autobuilder.Grains.Placement;

/// <summary>
/// Places a grain class on a silo of <paramref name="role"/> (ARCHITECTURE.md §2): garage for
/// uploads and scheduling, stage for repositories and distributions, builder for slots (with
/// <paramref name="onKeyHost"/>: the silo of the builder host named in the key "host/user").
/// Grains without it use Orleans' default placement. With no silo of the role up, a call fails
/// with <see cref="NoSiloForRoleException"/> naming the role.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RolePlacementAttribute(string role, bool onKeyHost = false)
    : PlacementFilterAttribute(new RolePlacementFilterStrategy(role, onKeyHost))
{
    public string Role { get; } = role;

    public bool OnKeyHost { get; } = onKeyHost;
}
