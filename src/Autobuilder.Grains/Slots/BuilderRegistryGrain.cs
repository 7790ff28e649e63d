using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Grains.Slots;

/// <summary>
/// The slots added at run time, kept durably (a few records: rewritten whole on each change). Slots
/// from silo-config are not stored: configuration stays their one source of truth.
/// </summary>
[RolePlacement(SiloRoles.Garage)]
public sealed partial class BuilderRegistryGrain(
    [PersistentState("builders", "state")] IPersistentState<BuilderRegistryGrainState> state,
    IOptions<AutobuilderOptions> options,
    ILogger<BuilderRegistryGrain> logger) : Grain, IBuilderRegistryGrain
{
    private List<SlotConfig> Added => state.State.Added;

    async Task<string?> IBuilderRegistryGrain.AddAsync(SlotConfig config)
    {
        if (config.Problem() is { } problem)
            return problem;
        if (SlotConfigs.FromOptions(options.Value).Any(s => s.Key == config.Key))
            return $"slot {config.Key} is configured in silo-config already";
        if (Added.Any(s => s.Key == config.Key))
            return $"slot {config.Key} exists already (remove it first to change it)";
        Added.Add(config);
        await state.WriteStateAsync();
        LogAdded(logger, config.Key, config.Where);
        await GrainFactory.GetGrain<IBuilderSlotGrain>(config.Key).ConfigureAsync(config);
        return null;
    }

    async Task<string?> IBuilderRegistryGrain.RemoveAsync(string slot)
    {
        if (SlotConfigs.FromOptions(options.Value).Any(s => s.Key == slot))
            return $"slot {slot} comes from silo-config; remove it there (drain it now with 'autobuilder builders drain {slot}')";
        var config = Added.FirstOrDefault(s => s.Key == slot);
        if (config is null)
            return $"no run-time slot {slot} (list them with: autobuilder builders list)";
        var refusal = await GrainFactory.GetGrain<IBuilderSlotGrain>(slot).RemoveAsync();
        if (refusal is not null)
            return refusal;
        Added.Remove(config);
        await state.WriteStateAsync();
        LogRemoved(logger, slot);
        return null;
    }

    Task<IReadOnlyList<SlotConfig>> IBuilderRegistryGrain.ListAsync() => Task.FromResult<IReadOnlyList<SlotConfig>>([.. Added]);

    async Task IBuilderRegistryGrain.ConfigureAllAsync()
    {
        foreach (var config in Added)
            await GrainFactory.GetGrain<IBuilderSlotGrain>(config.Key).ConfigureAsync(config);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Builder slot {Slot} added ({Where})")]
    private static partial void LogAdded(ILogger logger, string slot, string where);

    [LoggerMessage(Level = LogLevel.Information, Message = "Builder slot {Slot} removed")]
    private static partial void LogRemoved(ILogger logger, string slot);
}
