using Autobuilder.Grains.Stage.Incoming;
using Autobuilder.Grains.Stage.Journal;
using Autobuilder.Grains.Stage.Pool;
using Autobuilder.Grains.Uploads.Checks;
using Autobuilder.Acceptance;
using Autobuilder.Debian.Checksums;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Grains.Stage;

/// <summary>
/// Offers from uploads (issue 12, "the stage by message"): the distribution fetches the source and
/// the builds' packages, accepts all of them or none (the checks of the queue, against the set as
/// it is), commits them in one journal append, publishes, and answers the upload with the
/// generation that serves them. It never calls the upload: the answer is the return value.
/// </summary>
public sealed partial class DistributionGrain
{
    private IOfferedFiles Offered => ServiceProvider.GetRequiredService<IOfferedFiles>();

    async Task<OfferAnswer> IDistributionGrain.OfferAsync(UploadOffer offer)
    {
        if (!Valid)
            return OfferAnswer.Rejected(Key, [NotADistribution()]);
        // Fetching copies the offered files onto this host: under the reserve nothing is taken, and
        // the upload offers again (it retries a failed offer on its own timer).
        if (DiskUnderReserve() is { } full)
            throw new IOException($"{Key} takes no offer now: the stage's {full.Reason}");
        // Where the offer spends its time, in its log line (the publish logs its own parts).
        var started = Stopwatch.GetTimestamp();
        var fetched = await Offered.FetchAsync(_repositoryName, _product, offer);
        var fetchedAt = Stopwatch.GetElapsedTime(started);
        if (fetched.Problems.Count > 0)
        {
            // Nothing was taken; the files are still on the garage where the upload keeps them.
            LogOfferRejected(logger, Key, offer.UploadId, string.Join("; ", fetched.Problems));
            await Offered.ClearAsync(fetched.Folder);
            return OfferAnswer.Rejected(Key, fetched.Problems);
        }

        var parts = new List<ChangesInspection>();
        var gone = new List<string>();
        var builds = new List<ChangesInspection>();
        foreach (var name in fetched.ChangesFiles)
        {
            if (await incoming.InspectOfferedAsync(fetched.Folder, name) is { } changes)
                builds.Add(changes);
            else
                gone.Add(name);
        }
        if (await incoming.InspectSourceAsync(fetched.Folder, offer.Source.DscFileName) is { } source)
        {
            // The source goes to the pool folder of its binaries' component (a .dsc has no Section; the .changes does).
            var section = builds.SelectMany(b => b.Files).Select(f => f.Section).FirstOrDefault(s => s is { Length: > 0 });
            parts.Add(section is null ? source : WithSection(source, section));
        }
        else
            gone.Add(offer.Source.DscFileName);
        parts.AddRange(builds);
        if (gone.Count > 0)
            throw new IOException($"{Key}: offered files of {offer.UploadId} are missing after the fetch: {string.Join(", ", gone)}");

        var fresh = parts.Where(p => !_set.Accepted(p.Sha256)).ToList();
        if (fresh.Count == 0)
        {
            // Accepted before (the answer was lost on its way back): the same answer again, nothing twice.
            LogOfferAcceptedBefore(logger, Key, offer.UploadId);
            return await AnswerPublishedAsync(offer, fetched, parts, null, started, "accepted before");
        }

        var inspectedAt = Stopwatch.GetElapsedTime(started);
        var now = time.GetUtcNow();
        var problems = new List<CheckRejection>();
        var planned = new List<(ChangesInspection Changes, IReadOnlyList<PackageRecord> Records, IReadOnlyList<PoolPlacement> Placements)>();
        foreach (var part in fresh)
        {
            var found = (await IncomingRules.CheckAsync(part, _repositoryName, _repository, _product, KnownProducts(), _set)).ToList();
            if (found.Count == 0)
            {
                var (records, placements) = IncomingRecords.Build(part, _repository!, now);
                var placed = placements.Select(p => p.PoolPath).ToHashSet(StringComparer.Ordinal);
                var fromPool = records.SelectMany(r => r.Files).Select(f => f.Path).Where(p => !placed.Contains(p)).Distinct().ToList();
                foreach (var missing in fromPool.Count > 0 ? await pool.MissingAsync(_repository!, fromPool) : [])
                    found.Add(IncomingRules.PoolMissing(Path.GetFileName(missing)));
                planned.Add((part, records, placements));
            }
            problems.AddRange(found.Select(f => f.Reason.Contains(part.ChangesFile, StringComparison.Ordinal) ? f : f with { Reason = $"{part.ChangesFile}: {f.Reason}" }));
        }
        // Every part into the pool before any joins the set: a refusal here leaves the set as it was.
        if (problems.Count == 0)
        {
            foreach (var (changes, _, placements) in planned)
                problems.AddRange((await pool.AddAsync(_repository!, changes.Folder, placements, durable: false)).Select(IncomingRules.PoolRefused));
        }
        if (problems.Count > 0)
            return await RejectOfferAsync(offer, fetched, fresh, problems);
        var pooledAt = Stopwatch.GetElapsedTime(started);

        var taken = new TakenChanges();
        foreach (var (changes, records, _) in planned)
        {
            var surplus = _set.SurplusWith(records, _repository!.KeepVersions);
            var batch = new JournalBatch(_set.Generation + 1, records, surplus, changes.Sha256, $"accepted {changes.ChangesFile} offered by {offer.UploadId}", now);
            taken.CountBefore ??= _set.Count;
            Apply(batch);
            taken.Batches.Add(batch);
            taken.Finish.Add(changes);
            taken.Accepted.Add(changes.ChangesFile);
        }
        taken.Finish.AddRange(parts.Except(fresh));
        if (!await CommitTakenAsync(taken))
            throw new IOException($"{Key}: the journal could not be written; {offer.UploadId} was not taken (offer it again)");
        var journaledAt = Stopwatch.GetElapsedTime(started);
        return await AnswerPublishedAsync(offer, fetched, parts, now, started,
            $"fetched {fetchedAt.TotalMilliseconds:0.0}, inspected {(inspectedAt - fetchedAt).TotalMilliseconds:0.0}, " +
            $"checked and pooled {(pooledAt - inspectedAt).TotalMilliseconds:0.0}, journal {(journaledAt - pooledAt).TotalMilliseconds:0.0}");
    }

    /// <summary>Publishes (when not live yet) and answers with the generation that serves the offer.</summary>
    private async Task<OfferAnswer> AnswerPublishedAsync(UploadOffer offer, OfferedFolder fetched, IReadOnlyList<ChangesInspection> parts, DateTimeOffset? acceptedAt,
        long started, string phases)
    {
        if (acceptedAt is null)
        {
            // Clear the queue files of an offer taken before (a crash after the commit left them).
            foreach (var part in parts)
                await incoming.FinishAsync(_repositoryName, _product, part);
        }
        var publishing = Stopwatch.GetElapsedTime(started);
        var published = await PublishAsync(force: false, $"accepted {offer.UploadId}");
        var publishedAt = Stopwatch.GetElapsedTime(started);
        // Taken, but not live: the generation is in the journal and goes live at the next publish;
        // the upload offers again (and is answered from the journal) until it is.
        if (!published.Ok)
            throw new IOException($"{Key}: {offer.UploadId} was accepted, but publishing failed: {published.Message}");
        await Offered.ClearAsync(fetched.Folder);
        LogOfferPublished(logger, Key, offer.UploadId, S.PublishedGeneration, publishedAt.TotalMilliseconds, phases, (publishedAt - publishing).TotalMilliseconds);
        return new OfferAnswer(Key, true, S.PublishedGeneration, S.PublishedAt, [], null, acceptedAt);
    }

    private async Task<OfferAnswer> RejectOfferAsync(UploadOffer offer, OfferedFolder fetched, IReadOnlyList<ChangesInspection> parts, IReadOnlyList<CheckRejection> rejections)
    {
        var problems = rejections.Select(r => r.Reason).ToList();
        string? first = null;
        foreach (var part in parts)
        {
            var folder = await incoming.RejectAsync(_repositoryName, _product, part, rejections);
            first ??= folder;
            S.Rejections.Add(new StageRejection(part.ChangesFile, time.GetUtcNow(), folder, problems, [.. rejections.Select(r => r.ToUpload())]));
        }
        if (S.Rejections.Count > RejectionsKept)
            S.Rejections.RemoveRange(0, S.Rejections.Count - RejectionsKept);
        await state.WriteStateAsync();
        await Offered.ClearAsync(fetched.Folder);
        LogOfferRejected(logger, Key, offer.UploadId, string.Join("; ", problems));
        return OfferAnswer.Rejected(Key, problems, first);
    }

    private static ChangesInspection WithSection(ChangesInspection source, string section) => source with
    {
        Files = [.. source.Files.Select(f => f with { Section = section })],
        SourcePackage = source.SourcePackage is { } s ? s with { DscEntry = s.DscEntry with { Section = section } } : null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "{Distribution}: {UploadId} is live in generation {Generation} after {Milliseconds:0.0} ms ({Phases}, published {PublishMs:0.0})")]
    private static partial void LogOfferPublished(ILogger logger, string distribution, string uploadId, long generation, double milliseconds, string phases, double publishMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Distribution}: rejected the offer of {UploadId}: {Reasons}")]
    private static partial void LogOfferRejected(ILogger logger, string distribution, string uploadId, string reasons);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Distribution}: {UploadId} was accepted before; answered again")]
    private static partial void LogOfferAcceptedBefore(ILogger logger, string distribution, string uploadId);
}
