using Autobuilder.Grains.Placement;

namespace Autobuilder.Grains.Audit;

/// <summary>The audit log's one activation, on the garage. Changes by users are rare: the whole bounded list is written each time.</summary>
[RolePlacement(SiloRoles.Garage)]
public sealed class AuditLogGrain(
    [PersistentState("audit", "state")] IPersistentState<AuditLogGrainState> state) : Grain, IAuditLogGrain
{
    async Task IAuditLogGrain.RecordAsync(AuditEntry entry)
    {
        var entries = state.State.Entries;
        entries.Add(entry);
        if (entries.Count > IAuditLogGrain.Capacity)
            entries.RemoveRange(0, entries.Count - IAuditLogGrain.Capacity);
        await state.WriteStateAsync();
    }

    Task<IReadOnlyList<AuditEntry>> IAuditLogGrain.ListAsync(int limit)
    {
        var entries = state.State.Entries;
        var take = Math.Clamp(limit, 0, entries.Count);
        return Task.FromResult<IReadOnlyList<AuditEntry>>(entries.GetRange(entries.Count - take, take));
    }
}

[GenerateSerializer]
public sealed class AuditLogGrainState
{
    [Id(0)] public List<AuditEntry> Entries { get; set; } = [];
}
