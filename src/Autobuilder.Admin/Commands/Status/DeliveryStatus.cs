using Autobuilder.Grains;

namespace Autobuilder.Admin.Commands.Status;

/// <summary>The failed hand-offs waiting to be tried again (intake deliveries, offers to the stage, mails).</summary>
public static class DeliveryStatus
{
    public static async Task<IReadOnlyList<PendingDelivery>> AllAsync(IGrainFactory grains) =>
        await grains.GetGrain<IDeliveryRetriesGrain>(0).ListAsync();
}
