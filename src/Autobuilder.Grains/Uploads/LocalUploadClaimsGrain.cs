using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Security;

namespace Autobuilder.Grains.Uploads;

/// <summary>
/// The claims of <c>autobuilder upload</c> (<see cref="ILocalUploadClaimsGrain"/>), durable (a garage
/// restart between the claim and intake loses nothing). Bounded: a claim is kept
/// <see cref="KeepFor"/>, and at most <see cref="MaxClaims"/> (the oldest go first), so a console
/// in a loop cannot grow the state without end.
/// </summary>
[RolePlacement(SiloRoles.Garage)]
public sealed class LocalUploadClaimsGrain(
    [PersistentState("localUploadClaims", "state")] IPersistentState<LocalUploadClaimsState> state,
    TimeProvider time) : Grain, ILocalUploadClaimsGrain
{
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(2);
    public const int MaxClaims = 10_000;

    public async Task<string> ClaimAsync(LocalUploadClaim claim)
    {
        var who = VerifiedCaller.Name ?? throw new InvalidOperationException("the caller's certificate is not known: a claim needs the access filter's verified name");
        var now = time.GetUtcNow();
        var claims = state.State.Claims;
        claims.RemoveAll(c => now - c.At > KeepFor || c.Claim == claim);
        claims.Add(new LocalUploadClaimRecord(claim, who, now));
        if (claims.Count > MaxClaims)
            claims.RemoveRange(0, claims.Count - MaxClaims);
        await state.WriteStateAsync();
        return $"{claim.Product}/{claim.DscFileName} is recorded as put into incoming by '{who}'";
    }

    public Task<string?> FindAsync(LocalUploadClaim claim)
    {
        var now = time.GetUtcNow();
        var found = state.State.Claims.LastOrDefault(c => c.Claim == claim && now - c.At <= KeepFor);
        return Task.FromResult(found?.Who);
    }
}

[GenerateSerializer]
public sealed class LocalUploadClaimsState
{
    [Id(0)] public List<LocalUploadClaimRecord> Claims { get; set; } = [];
}

[GenerateSerializer, Immutable]
public sealed record LocalUploadClaimRecord(
    [property: Id(0)] LocalUploadClaim Claim,
    [property: Id(1)] string Who,
    [property: Id(2)] DateTimeOffset At);
