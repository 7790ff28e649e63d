using Autobuilder.Grains.Stage.Incoming;
using Autobuilder.Grains.Stage.Journal;
using Autobuilder.Grains.Uploads.Checks;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Grains.Stage;

/// <summary>
/// Accepting (ARCHITECTURE.md §6): the .changes of the repo-incoming queue, taken one by one against
/// the set, committed in one journal append, then one publish. Offers from uploads take the same
/// path (DistributionGrain.Offers.cs).
/// </summary>
public sealed partial class DistributionGrain
{
    /// <summary>
    /// Takes the .changes one by one (each checked against the set as the ones before left it),
    /// then commits every accepted one in one journal append — one pool sync and one journal sync
    /// for the whole call instead of one each per upload — clears them from the queue, and publishes once.
    /// </summary>
    async Task IDistributionGrain.ProcessIncomingAsync(IReadOnlyList<string> changesFiles)
    {
        var taken = new TakenChanges();
        foreach (var name in changesFiles)
        {
            try
            {
                await TakeAsync(name, taken);
            }
            catch (Exception ex)
            {
                // An I/O failure leaves the .changes in the queue; the next scan tries it again.
                LogTakeFailed(logger, Key, name, ex);
            }
        }
        if (await CommitTakenAsync(taken) && taken.Accepted.Count > 0)
            await PublishAsync(force: false, $"accepted {string.Join(", ", taken.Accepted)}");
    }

    /// <summary>Accepts (into the set, for the journal at the end of the call) or rejects one .changes.</summary>
    private async Task TakeAsync(string name, TakenChanges taken)
    {
        var changes = await incoming.InspectAsync(_repositoryName, _product, name);
        if (changes is null)
            return; // taken meanwhile (a repeated notification)
        if (_set.Accepted(changes.Sha256))
        {
            // Accepted before (a crash cut the clean-up short, or a copy earlier in this call): clear it once committed, publish nothing twice.
            taken.Finish.Add(changes);
            LogAlreadyAccepted(logger, Key, name);
            return;
        }

        var problems = (await IncomingRules.CheckAsync(changes, _repositoryName, _repository, _product, KnownProducts(), _set)).ToList();
        IReadOnlyList<PackageRecord> records = [];
        if (problems.Count == 0)
        {
            (records, var placements) = IncomingRecords.Build(changes, _repository!, time.GetUtcNow());
            var placed = placements.Select(p => p.PoolPath).ToHashSet(StringComparer.Ordinal);
            var fromPool = records.SelectMany(r => r.Files).Select(f => f.Path).Where(p => !placed.Contains(p)).Distinct().ToList();
            foreach (var missing in fromPool.Count > 0 ? await pool.MissingAsync(_repository!, fromPool) : [])
                problems.Add(IncomingRules.PoolMissing(Path.GetFileName(missing)));
            if (problems.Count == 0)
                problems.AddRange((await pool.AddAsync(_repository!, changes.Folder, placements, durable: false)).Select(IncomingRules.PoolRefused));
        }
        if (problems.Count > 0)
        {
            var folder = await incoming.RejectAsync(_repositoryName, _product, changes, problems);
            S.Rejections.Add(new StageRejection(name, time.GetUtcNow(), folder, [.. problems.Select(p => p.Reason)], [.. problems.Select(p => p.ToUpload())]));
            if (S.Rejections.Count > RejectionsKept)
                S.Rejections.RemoveRange(0, S.Rejections.Count - RejectionsKept);
            await state.WriteStateAsync();
            LogRejected(logger, Key, name, string.Join("; ", problems.Select(p => p.Reason)));
            return;
        }

        var surplus = _set.SurplusWith(records, _repository!.KeepVersions);
        var batch = new JournalBatch(_set.Generation + 1, records, surplus, changes.Sha256, $"accepted {name}", time.GetUtcNow());
        taken.CountBefore ??= _set.Count;
        Apply(batch);
        taken.Batches.Add(batch);
        taken.Finish.Add(changes);
        taken.Accepted.Add(name);
    }

    /// <summary>
    /// Makes the call's accepted .changes durable — pool names first, then one journal append — and
    /// only then clears them from the queue. False when the journal could not be written: the set is
    /// read back from the journal and the .changes stay queued for the next scan.
    /// </summary>
    private async Task<bool> CommitTakenAsync(TakenChanges taken)
    {
        if (taken.Batches.Count > 0)
        {
            try
            {
                await pool.EnsureDurableAsync(_repository!);
                await journal.AppendAsync(_repositoryName, _product, taken.Batches, taken.CountBefore ?? _set.Count);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCommitFailed(logger, Key, taken.Batches.Count, ex);
                _set = new PackageSet(await journal.LoadAsync(_repositoryName, _product));
                _changed = null;
                _unpublished = null;
                return false;
            }
            foreach (var batch in taken.Batches)
                LogAccepted(logger, Key, batch.Note, batch.Generation, batch.Removed.Count);
        }
        foreach (var changes in taken.Finish)
        {
            try
            {
                await incoming.FinishAsync(_repositoryName, _product, changes);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Committed already: the next scan finds it accepted and clears it.
                LogTakeFailed(logger, Key, changes.ChangesFile, ex);
            }
        }
        return true;
    }

    /// <summary>What one ProcessIncomingAsync call took, waiting for its commit.</summary>
    private sealed class TakenChanges
    {
        public List<JournalBatch> Batches { get; } = [];
        public List<ChangesInspection> Finish { get; } = [];
        public List<string> Accepted { get; } = [];
        public int? CountBefore { get; set; }
    }


    private HashSet<string> KnownProducts() =>
        configuration.Repositories.SelectMany(r => r.Products).Concat(options.Value.Products).ToHashSet(StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Distribution}: {Changes} as generation {Generation} ({Removed} older package(s) dropped)")]
    private static partial void LogAccepted(ILogger logger, string distribution, string changes, long generation, int removed);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Distribution}: committing {Count} accepted .changes failed; they stay queued")]
    private static partial void LogCommitFailed(ILogger logger, string distribution, int count, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Distribution}: rejected {Changes}: {Reasons}")]
    private static partial void LogRejected(ILogger logger, string distribution, string changes, string reasons);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Distribution}: {Changes} was accepted before; its queue files are cleared")]
    private static partial void LogAlreadyAccepted(ILogger logger, string distribution, string changes);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Distribution}: taking {Changes} failed; it stays queued")]
    private static partial void LogTakeFailed(ILogger logger, string distribution, string changes, Exception ex);
}
