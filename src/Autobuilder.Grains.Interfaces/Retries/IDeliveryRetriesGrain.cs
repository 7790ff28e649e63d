using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// The one list of failed hand-offs waiting to be tried again (intake deliveries, offers to the
/// stage, mails), for <c>status</c>. The retrying parties report each failure and the success that
/// ends it; the list is a cache in memory, filled again by their next failure after a restart.
/// </summary>
public interface IDeliveryRetriesGrain : IGrainWithIntegerKey
{
    [SiloOnly]
    [OneWay]
    Task WaitingAsync(PendingDelivery delivery);

    [SiloOnly]
    [OneWay]
    Task DoneAsync(DeliveryKind kind, string what);

    [Reader]
    Task<IReadOnlyList<PendingDelivery>> ListAsync();
}
