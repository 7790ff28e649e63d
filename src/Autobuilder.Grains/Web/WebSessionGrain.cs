using Autobuilder.Grains.Placement;

namespace Autobuilder.Grains.Web;

[GenerateSerializer]
public sealed class WebSessionGrainState
{
    /// <summary>By the SHA-256 (hex) of the cookie's value.</summary>
    [Id(0)] public Dictionary<string, StoredWebSession> Sessions { get; set; } = [];
}

/// <summary>The web sessions' one activation, on the garage; its (bounded) state is written on each login and logout.</summary>
[RolePlacement(SiloRoles.Garage)]
public sealed class WebSessionGrain(
    [PersistentState("websessions", "state")] IPersistentState<WebSessionGrainState> state,
    TimeProvider time) : Grain, IWebSessionGrain
{
    /// <summary>The most sessions kept; a login past it ends the oldest.</summary>
    public const int MaxSessions = 10_000;

    async Task IWebSessionGrain.StartAsync(string key, StoredWebSession session)
    {
        Prune();
        state.State.Sessions[key] = session;
        await state.WriteStateAsync();
    }

    Task<StoredWebSession?> IWebSessionGrain.FindAsync(string key) =>
        Task.FromResult(state.State.Sessions.TryGetValue(key, out var s) && s.Expires > time.GetUtcNow() ? s : null);

    async Task IWebSessionGrain.EndAsync(string key)
    {
        if (state.State.Sessions.Remove(key))
            await state.WriteStateAsync();
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var key in state.State.Sessions.Where(s => s.Value.Expires <= now).Select(s => s.Key).ToList())
            state.State.Sessions.Remove(key);
        foreach (var key in state.State.Sessions.OrderBy(s => s.Value.Expires).Take(Math.Max(0, state.State.Sessions.Count - MaxSessions + 1)).Select(s => s.Key).ToList())
            state.State.Sessions.Remove(key);
    }
}
