using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// The builder slots added at run time (key 0): <c>autobuilder builders add|remove</c>. Kept
/// durably so they are configured again after a restart; slots from silo-config are not here.
/// </summary>
public interface IBuilderRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds and configures a slot; returns why not (bad config, the key exists), or null.</summary>
    [Admin]
    Task<string?> AddAsync(SlotConfig config);

    /// <summary>Removes a run-time slot; returns why not (unknown, from silo-config, busy), or null.</summary>
    [Admin]
    Task<string?> RemoveAsync(string slot);

    [Reader]
    Task<IReadOnlyList<SlotConfig>> ListAsync();

    /// <summary>Configures every run-time slot again (silo start).</summary>
    [SiloOnly]
    Task ConfigureAllAsync();
}
