using Autobuilder.Grains.Placement;
using Orleans.Concurrency;

namespace Autobuilder.Grains.Retries;

/// <summary>The list behind <see cref="IDeliveryRetriesGrain"/>: in memory, bounded, oldest first.</summary>
[RolePlacement(SiloRoles.Garage)]
[Reentrant]
public sealed class DeliveryRetriesGrain : Grain, IDeliveryRetriesGrain
{
    /// <summary>More than this many waiting hand-offs are counted, not listed one by one (the oldest are kept).</summary>
    public const int Limit = 10_000;

    private readonly Dictionary<(DeliveryKind, string), PendingDelivery> _waiting = [];

    public Task WaitingAsync(PendingDelivery delivery)
    {
        if (_waiting.Count < Limit || _waiting.ContainsKey((delivery.Kind, delivery.What)))
            _waiting[(delivery.Kind, delivery.What)] = delivery;
        return Task.CompletedTask;
    }

    public Task DoneAsync(DeliveryKind kind, string what)
    {
        _waiting.Remove((kind, what));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PendingDelivery>> ListAsync() =>
        Task.FromResult<IReadOnlyList<PendingDelivery>>([.. _waiting.Values.OrderBy(d => d.Since)]);
}
