using Autobuilder.Grains.Security;

namespace Autobuilder.Silo.Security;

/// <summary>
/// Every call a silo makes (a grain calling another, intake, start-up, reminders) carries the silo's
/// own proof, replacing whatever proof the call that led here carried: a grain acts for the cluster,
/// not for the user who called it, and the user's role was checked when that call came in.
/// </summary>
public sealed class SiloProofFilter(Credential credential, TimeProvider time) : IOutgoingGrainCallFilter
{
    private readonly Lock _lock = new();
    private CallProof? _proof;

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        // A call made while serving a call of this silo's own already carries this very proof: setting
        // it again would copy the request context for nothing.
        var proof = Proof();
        if (!ReferenceEquals(RequestContext.Get(CallProof.Key), proof))
            RequestContext.Set(CallProof.Key, proof);
        return context.Invoke();
    }

    private CallProof Proof()
    {
        var proof = _proof;
        var now = time.GetUtcNow();
        if (proof is not null && proof.Expires - now.ToUnixTimeSeconds() > 60)
            return proof;
        lock (_lock)
        {
            if (_proof is null || _proof.Expires - now.ToUnixTimeSeconds() <= 60)
                _proof = CallProof.Create(credential, CallProof.SiloSubject, now.Add(CallProof.Lifetime));
            return _proof;
        }
    }
}
