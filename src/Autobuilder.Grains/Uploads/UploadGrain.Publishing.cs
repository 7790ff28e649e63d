using Autobuilder.Grains.Stage;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Grains.Uploads;

/// <summary>
/// The end of an upload's walk (issue 12, "the stage by message"): once every build is done and
/// built, the upload offers its source and packages to each target distribution through a grain
/// call and records the answer — Published (generation, time live) or StageRejected (reasons) —
/// then mails it.
/// </summary>
/// <remarks>
/// Why this cannot deadlock: the upload awaits <see cref="IDistributionGrain.OfferAsync"/> and the
/// distribution's answer is that call's return value; the distribution calls no upload (it fetches
/// files through <see cref="IHostFilesGrain"/>, a grain of its own kind), so no request ever has
/// to enter this upload while it waits. The offer runs in a timer turn, not in the slot's
/// BuildFinishedAsync call, so the slot never waits for the stage or the mail server either.
/// </remarks>
public sealed partial class UploadGrain
{
    // Finishing (offers, mails) in a turn of its own, after the call that recorded the result answered.
    private IGrainTimer? _finishLater;

    // Offers the upload again while a target distribution cannot be reached.
    private IGrainTimer? _publishRetry;

    /// <summary>
    /// Runs <see cref="FinishAsync"/> in a grain timer turn of its own, right after the current
    /// call: the slot that reported the build is free as soon as the result is written. A crash
    /// before it runs loses nothing: the state says what is owed, and the registry resumes
    /// unsettled uploads at start. Not <see cref="ContinueAsync"/>: that asks slots whether they
    /// still run a build, and the reporting slot may still be waiting on this upload.
    /// </summary>
    private void FinishLater()
    {
        if (_finishLater is not null)
            return;
        _finishLater = this.RegisterGrainTimer(async () =>
        {
            _finishLater?.Dispose();
            _finishLater = null;
            await RunOwedAsync(FinishAsync);
        }, OneShotTimer.After(TimeSpan.Zero));
    }

    /// <summary>The distributions an upload of this product is published to: the builder's repository for the product.</summary>
    private IReadOnlyList<string> Targets => [StageConfiguration.DistributionKey(_options.Repository, S.Product)];

    /// <summary>
    /// Built → Publishing → Published or StageRejected, each answer recorded once. False while an
    /// offer is still owed (a target could not be reached: tried again after <c>PublishRetrySeconds</c>).
    /// </summary>
    private async Task<bool> PublishAsync()
    {
        if (S.State == UploadState.Built)
            await TransitionAsync(UploadState.Publishing,
                $"offering {S.Source} {S.Version} (source and {S.Builds.Count(b => b.Outcome == BuildOutcome.Success)} build(s)) to {string.Join(", ", Targets)}");
        if (S.State != UploadState.Publishing)
            return true;
        var offer = new UploadOffer(Id, handoff.Host,
            new OfferedSource(S.Folder, S.DscFileName, [.. S.Files.Where(f => f != S.DscFileName && !f.EndsWith(".changes", StringComparison.Ordinal))]),
            [.. S.Builds.Where(b => b.Outcome == BuildOutcome.Success).Select(b => new OfferedBuild(b.Architecture, b.ResultsFolder!))]);
        if (DiskUnderReserve() is { } full)
        {
            // A publish writes pool files and indices: it waits for space rather than fail half way.
            var why = $"publishing waits: disk under reserve on {full.DataRoot} (reserve {DiskSpace.Bytes(full.ReserveBytes)}, Autobuilder:Disk); tried again from every {_options.PublishRetrySeconds:0} s, backing off";
            if (S.History.LastOrDefault()?.Reason != why)
                await TransitionAsync(S.State, why);
            RetryPublishLater(DeliveryFailed(DeliveryKind.Publish, _options.PublishRetrySeconds, full.Reason));
            return false;
        }
        foreach (var target in Targets.Where(t => !S.Publications.Any(p => p.Distribution == t)))
        {
            OfferAnswer answer;
            var offered = time.GetTimestamp();
            try
            {
                answer = await GrainFactory.GetGrain<IDistributionGrain>(target).OfferAsync(offer);
                RecordPublishDuration(answer, time.GetElapsedTime(offered));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The stage is down, restarting or slow: the offer is idempotent, so it is simply made again.
                var why = $"offer to {target} failed ({ex.GetType().Name}: {ex.Message}); tried again from every {_options.PublishRetrySeconds:0} s, backing off";
                if (S.History.LastOrDefault()?.Reason != why)
                    await TransitionAsync(S.State, why);
                LogOfferFailed(logger, Id, target, ex);
                RetryPublishLater(DeliveryFailed(DeliveryKind.Publish, _options.PublishRetrySeconds, $"offer to {target}: {ex.GetType().Name}: {ex.Message}"));
                return false;
            }
            S.Publications.Add(answer);
            await TransitionAsync(S.State, answer.Published
                ? $"{target}: accepted, generation {answer.Generation} live at {answer.LiveAt:u}"
                : $"{target}: rejected by the stage: {string.Join("; ", answer.Reasons)}");
        }
        DeliveryDone(DeliveryKind.Publish);
        var refused = S.Publications.Where(p => !p.Published).ToList();
        if (refused.Count > 0)
            await TransitionAsync(UploadState.StageRejected,
                string.Join("; ", refused.Select(p => $"{p.Distribution} refused it: {string.Join("; ", p.Reasons)}")), UploadState.StageRejected);
        else
        {
            await TransitionAsync(UploadState.Published,
                string.Join("; ", S.Publications.Select(p => $"published in {p.Distribution}, generation {p.Generation}")), UploadState.Published);
            RecordWalk();
        }
        return true;
    }

    /// <summary>This silo's data root when it is under its reserve (Autobuilder:Disk); in role all that is the stage's disk too.</summary>
    private DiskSpace? DiskUnderReserve() =>
        ServiceProvider.GetService(typeof(Services.IDiskReserve)) is Services.IDiskReserve disk && disk.Now() is { UnderReserve: true } space ? space : null;

    private void RetryPublishLater(TimeSpan delay)
    {
        _publishRetry?.Dispose();
        _publishRetry = this.RegisterGrainTimer(async () =>
        {
            _publishRetry?.Dispose();
            _publishRetry = null;
            await RunOwedAsync(FinishAsync);
        }, OneShotTimer.After(delay));
    }

    /// <summary>Mails what the stage answered, once.</summary>
    private async Task<bool> MailPublicationAsync()
    {
        if (S.PublicationMailed || S.State is not (UploadState.Published or UploadState.StageRejected))
            return true;
        if (!await TryMailAsync("publication", () => mailer.SendPublicationAsync(Snapshot(), Recipient(), S.Publications)))
            return false;
        S.PublicationMailed = true;
        await WriteAsync();
        return true;
    }

    /// <summary>When the upload passed each point of its walk, from its history and the stage's answers.</summary>
    private UploadLatency Latency()
    {
        DateTimeOffset? First(UploadState state) => S.History.FirstOrDefault(h => h.To == state)?.At;
        var published = S.Publications.Where(p => p.Published).ToList();
        var all = published.Count > 0 && published.Count == Targets.Count;
        return new UploadLatency(S.ReceivedAt, First(UploadState.Verified), First(UploadState.Building),
            First(UploadState.Built),
            all ? published.Max(p => p.AcceptedAt ?? p.LiveAt) : null,
            all ? published.Max(p => p.LiveAt) : null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{UploadId}: offering to {Distribution} failed; offered again later")]
    private static partial void LogOfferFailed(ILogger logger, string uploadId, string distribution, Exception ex);
}
