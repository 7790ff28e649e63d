using Autobuilder.Grains.Retries;

namespace Autobuilder.Grains.Uploads;

/// <summary>
/// Failed hand-offs of an upload (its mails, its offer to the stage, its own state write) are tried again with back-off
/// and listed in <see cref="IDeliveryRetriesGrain"/> while they wait, for <c>status</c>.
/// </summary>
public sealed partial class UploadGrain
{
    // Per kind: since when it fails, how many tries failed. In memory: after a restart the next failure starts the count again.
    private readonly Dictionary<DeliveryKind, (DateTimeOffset Since, int Attempts)> _failing = [];

    /// <summary>Records a failed try and reports it; returns how long to wait before the next one.</summary>
    private TimeSpan DeliveryFailed(DeliveryKind kind, double baseSeconds, string error)
    {
        var now = time.GetUtcNow();
        var (since, attempts) = _failing.GetValueOrDefault(kind, (now, 0));
        _failing[kind] = (since, ++attempts);
        // A database that returns must be noticed soon: an upload holding unwritten progress tries at least once a minute.
        var delay = kind == DeliveryKind.State ? Backoff.ForState(baseSeconds, attempts) : Backoff.After(baseSeconds, attempts);
        _ = GrainFactory.GetGrain<IDeliveryRetriesGrain>(0).WaitingAsync(new PendingDelivery(kind, DeliveryName(kind), since, attempts, now + delay, error));
        return delay;
    }

    /// <summary>The hand-off went through (or was given up for good): it leaves the list.</summary>
    private void DeliveryDone(DeliveryKind kind)
    {
        if (_failing.Remove(kind))
            _ = GrainFactory.GetGrain<IDeliveryRetriesGrain>(0).DoneAsync(kind, DeliveryName(kind));
    }

    private string DeliveryName(DeliveryKind kind) => kind switch
    {
        DeliveryKind.Mail => $"mail of upload {Id}",
        DeliveryKind.State => $"state of upload {Id} (written again, then resumed)",
        _ => $"publish of upload {Id}",
    };
}
