using Orleans.Storage;

namespace Autobuilder.Grains.Services;

/// <summary>
/// A state write whose version check failed. The activation that writes is the grain's only one (the
/// cluster's distributed directory), so a stored version other than the one it holds comes from its
/// own earlier write whose answer was lost (the database went away after committing it) or from a
/// database that lost commits it had acknowledged: either way what this activation holds is the
/// newest state, so it is written over the stored one. Letting the exception escape instead makes
/// Orleans deactivate the grain and read the stored state back, losing what only memory held (a
/// registration, a build's result) with nobody left to ask for it again.
/// </summary>
public static class StateWrites
{
    public static async Task WriteKeepingMemoryAsync<T>(this IPersistentState<T> state, CancellationToken ct = default)
    {
        try
        {
            await state.WriteStateAsync(ct);
        }
        catch (InconsistentStateException)
        {
            var held = state.State;
            // Only for the stored version; the state read is replaced by what this activation holds.
            await state.ReadStateAsync(ct);
            state.State = held;
            await state.WriteStateAsync(ct);
        }
    }
}
