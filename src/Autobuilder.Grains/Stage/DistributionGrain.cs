using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage.Incoming;
using Autobuilder.Grains.Stage.Journal;
using Autobuilder.Grains.Stage.Maintenance;
using Autobuilder.Grains.Stage.Pool;
using Autobuilder.Grains.Stage.Publishing;
using Autobuilder.Grains.Uploads.Checks;
using Autobuilder.Grains.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Grains.Stage;

/// <summary>
/// One distribution (ARCHITECTURE.md §3, §6): takes .changes from its queue, keeps its package set
/// (journal on the stage host, a <see cref="PackageSet"/> in memory), bumps its change generation
/// on every change and publishes each new generation. Files, indices and signatures are the
/// injected services' business; this class decides.
/// </summary>
[RolePlacement(SiloRoles.Stage)]
public sealed partial class DistributionGrain(
    [PersistentState("distribution", "state")] IPersistentState<DistributionGrainState> state,
    StageConfiguration configuration,
    IPackageJournal journal,
    IStageIncoming incoming,
    IRepositoryPool pool,
    IDistributionPublisher publisher,
    IOptions<AutobuilderOptions> options,
    TimeProvider time,
    ILogger<DistributionGrain> logger) : Grain, IDistributionGrain
{
    private const int HistoryKept = 50;
    private const int RejectionsKept = 20;

    private DistributionGrainState S => state.State;
    private string _repositoryName = "";
    private string _product = "";
    private RepositoryConfig? _repository;
    private PackageSet _set = new(new JournalContents(0, [], []));

    // Pool files added since the last publish; null after activation, when the live pool is checked whole.
    private HashSet<PoolFile>? _unpublished;

    // Tries a failed remote live sync again while it keeps failing (besides the next publish and `repo sync`).
    private IGrainTimer? _remoteRetry;

    // The remote live sync running in the background, if any: one at a time, off the grain's turn.
    private Task<RemoteAttempt>? _syncing;
    private long _attempts;

    // Record keys changed since the last publish, so the publisher updates its indices by the change;
    // null when unknown (after activation, after a failed publish): the publisher then builds them whole.
    private HashSet<string>? _changed;

    private string Key => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_repositoryName, _product) = StageConfiguration.SplitKey(Key);
        _repository = configuration.Find(_repositoryName);
        // A queue folder of an unknown repository or product still gets answers (rejections), but no journal.
        if (_repository is not null && _repository.HasProduct(_product))
            _set = new PackageSet(await journal.LoadAsync(_repositoryName, _product, cancellationToken));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The publisher's indices hold this activation's records; a later activation loads its own.
        if (Valid)
            publisher.Forget(_repository!, _product);
        return Task.CompletedTask;
    }

    private bool Valid => _repository is not null && _repository.HasProduct(_product);

    async Task IDistributionGrain.StartAsync()
    {
        if (!Valid)
            return;
        var live = await publisher.LiveGenerationAsync(_repository!, _product);
        if (_set.Generation != S.PublishedGeneration || live != S.PublishedGeneration || S.LastError is not null)
        {
            await PublishAsync(force: false, live is null ? "first publish" : "publish after restart");
            return;
        }
        try
        {
            // Live is current: build the publisher's indices now, so the first change after a restart is a small update.
            await publisher.PrepareAsync(_repository!, _product, S.PublishedGeneration, _set.All);
            _changed = [];
            // And every pool file of the set is live (a generation goes live only after its pool files).
            _unpublished = [];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPrepareFailed(logger, Key, ex);
        }
        // Not inline: a slow or unreachable remote must not hold up the start of the other distributions.
        if (RemoteBehind)
            RetryRemote(TimeSpan.Zero);
    }

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

    private async Task CommitAsync(IReadOnlyList<PackageRecord> added, IReadOnlyList<string> removed, string? changesSha256, string note)
    {
        var batch = new JournalBatch(_set.Generation + 1, added, removed, changesSha256, note, time.GetUtcNow());
        await journal.AppendAsync(_repositoryName, _product, batch, _set.Count);
        Apply(batch);
    }

    private void Apply(JournalBatch batch)
    {
        _set.Apply(batch);
        _unpublished?.UnionWith(batch.Added.SelectMany(r => r.Files));
        _changed?.UnionWith(batch.Added.Select(r => r.Key));
        _changed?.UnionWith(batch.Removed);
    }

    async Task<StageResult> IDistributionGrain.PublishAsync(bool force)
    {
        var before = _attempts;
        var local = await PublishAsync(force, force ? "published again (sync)" : "publish");
        if (!local.Ok)
            return local;
        // Asked for by an operator (repo sync), who is told how the remote fared.
        await AwaitRemoteAsync(before);
        return WithRemote(local);
    }

    private async Task<StageResult> PublishAsync(bool force, string note)
    {
        if (!Valid)
            return StageResult.Refused(NotADistribution());
        var generation = _set.Generation;
        if (!force && generation == S.PublishedGeneration && S.LastError is null
            && await publisher.LiveGenerationAsync(_repository!, _product) == generation)
        {
            if (!RemoteBehind)
                return new StageResult(true, $"{Key}: generation {generation} is already live", generation);
            // Live here, behind there: only the remote sync is owed.
            StartRemoteSync();
            return WithRemote(new StageResult(true, $"{Key}: generation {generation} is already live", generation));
        }

        var announce = ChangedBinaries();
        var now = time.GetUtcNow();
        try
        {
            var outcome = await publisher.PublishAsync(new PublishRequest(_repository!, _product, generation, _set.All,
                force ? null : _unpublished, ByHashGenerations(now), now)
            {
                Since = S.PublishedGeneration,
                // A forced publish (repo sync) builds every index from the records, whatever the publisher kept.
                Changed = force || _changed is null ? null : _changed.ToDictionary(k => k, _set.Find, StringComparer.Ordinal),
            });
            _unpublished = [];
            _changed = [];
            S.PublishedGeneration = generation;
            S.PublishedAt = outcome.At;
            S.LastError = null;
            S.History.Add(new PublishRecord(generation, outcome.At, _set.Count, note));
            if (S.History.Count > HistoryKept)
                S.History.RemoveRange(0, S.History.Count - HistoryKept);
            LogPublished(logger, Key, generation, _set.Count);
            await state.WriteStateAsync();
            AnnouncePublished(generation, announce);
            // The remote follows only a complete local publish, in the background: a slow remote
            // must not hold this distribution's queue (a sync still running goes on to this generation when it ends).
            StartRemoteSync();
            return WithRemote(new StageResult(true, $"{Key}: generation {generation} is live ({_set.Count} packages)", generation));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _changed = null;
            S.LastError = $"publishing generation {generation} failed: {ex.Message}";
            await state.WriteStateAsync();
            LogPublishFailed(logger, Key, generation, ex);
            return StageResult.Refused($"{Key}: {S.LastError}");
        }
    }

    /// <summary>Whether the remote live tree (if any) is not known to serve the published generation.</summary>
    private bool RemoteBehind =>
        Valid && _repository!.LiveRemote is { } remote
        && (S.RemoteError is not null || S.RemoteTarget != remote.ToString() || S.RemoteGeneration != S.PublishedGeneration);

    /// <summary>
    /// Starts bringing the remote live tree to what the local one serves, off the grain's turn,
    /// unless a sync is running already (its end starts the next one while the remote is behind).
    /// The outcome comes back through <see cref="IDistributionGrain.RemoteSyncDoneAsync"/>, a grain
    /// call, so the state is only ever changed and written in the grain's own turns.
    /// </summary>
    private void StartRemoteSync()
    {
        if (!Valid || _repository!.LiveRemote is null || _syncing is not null)
            return;
        var attempt = ++_attempts;
        var (repository, product, started) = (_repository!, _product, time.GetUtcNow());
        var running = Task.Run(async () =>
        {
            try
            {
                return new RemoteAttempt(attempt, started, await publisher.SyncRemoteAsync(repository, product), null);
            }
            catch (Exception ex)
            {
                return new RemoteAttempt(attempt, started, null, ex.Message);
            }
        });
        _syncing = running;
        var self = this.AsReference<IDistributionGrain>();
        _ = running.ContinueWith(async _ =>
        {
            try
            {
                await self.RemoteSyncDoneAsync(attempt);
            }
            catch (Exception ex)
            {
                // Deactivated meanwhile: the next activation's start (or publish) syncs again.
                LogRemoteReportFailed(logger, Key, ex);
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    async Task IDistributionGrain.RemoteSyncDoneAsync(long attempt)
    {
        // Already taken by a caller that waited for it (repo sync), or from an earlier activation.
        if (_syncing is not { IsCompleted: true } running || running.Result.Attempt != attempt)
            return;
        await RecordRemoteAsync(running.Result);
        if (S.RemoteError is null && RemoteBehind)
            StartRemoteSync(); // a newer generation was published meanwhile: straight to it
    }

    /// <summary>Records a finished sync and writes the state. A failure leaves the remote on its previous generation and starts the retry timer.</summary>
    private async Task RecordRemoteAsync(RemoteAttempt result)
    {
        _syncing = null;
        var remote = _repository!.LiveRemote!;
        S.RemoteAttemptedAt = result.Started;
        if (result.Outcome is { } outcome)
        {
            S.RemoteTarget = remote.ToString();
            S.RemoteGeneration = outcome.Generation;
            S.RemoteFolder = outcome.Folder;
            S.RemoteSyncedAt = outcome.At;
            S.RemoteError = null;
            _remoteRetry?.Dispose();
            _remoteRetry = null;
            LogRemoteSynced(logger, Key, remote.ToString(), outcome.Folder);
        }
        else
        {
            if (S.RemoteTarget != remote.ToString())
            {
                // Another target than the recorded one: what it serves is unknown.
                S.RemoteTarget = remote.ToString();
                S.RemoteGeneration = null;
                S.RemoteFolder = null;
                S.RemoteSyncedAt = null;
            }
            S.RemoteError = result.Error;
            LogRemoteFailed(logger, Key, remote.ToString(), remote.Retry.TotalSeconds, result.Error ?? "");
            RetryRemote(remote.Retry);
        }
        await state.WriteStateAsync();
    }

    /// <summary>
    /// For `repo sync`, which reports the remote's outcome: waits for a sync started after
    /// <paramref name="before"/> (the publish's own); a sync started earlier may be of an older
    /// generation, so it is let end and one more runs. The waiting call holds the grain, as the
    /// operator asked it to; the syncs' reports find them recorded and do nothing.
    /// </summary>
    private async Task AwaitRemoteAsync(long before)
    {
        if (!Valid || _repository!.LiveRemote is null)
            return;
        if (_syncing is { } running && (await running).Attempt <= before)
            await RecordRemoteAsync(await running);
        StartRemoteSync();
        if (_syncing is { } mine)
            await RecordRemoteAsync(await mine);
    }

    private sealed record RemoteAttempt(long Attempt, DateTimeOffset Started, RemoteSyncOutcome? Outcome, string? Error);

    private void RetryRemote(TimeSpan due) =>
        _remoteRetry ??= this.RegisterGrainTimer(RetryRemoteAsync, new GrainTimerCreationOptions
        {
            DueTime = due,
            Period = _repository!.LiveRemote!.Retry,
            KeepAlive = true,
        });

    private async Task RetryRemoteAsync(CancellationToken ct)
    {
        if (!RemoteBehind && S.LastError is null)
        {
            _remoteRetry?.Dispose();
            _remoteRetry = null;
            return;
        }
        await PublishAsync(force: false, "publish retried after a failed remote live sync");
    }

    /// <summary>A successful local publish's result, turned into a failure when the remote live tree could not follow.</summary>
    private StageResult WithRemote(StageResult local)
    {
        if (_repository!.LiveRemote is not { } remote || !local.Ok)
            return local;
        if (_syncing is not null)
            return new StageResult(true, $"{local.Message}; the remote live tree {remote} follows (syncing)", local.Generation);
        return S.RemoteError is { } error
            ? new StageResult(false, $"{local.Message} here, but the remote live tree {remote} still serves " +
                $"{(S.RemoteGeneration is { } g ? $"generation {g}" : "what it had")}: {error} (tried again every {remote.Retry.TotalSeconds:0} s, or: autobuilder repo sync {Key})",
                local.Generation)
            : new StageResult(true, $"{local.Message}; remote live tree {remote} too", local.Generation);
    }

    /// <summary>
    /// The generations whose indices stay reachable by hash in the next one: the one live now, and
    /// every earlier one that stopped being live less than Stage:ByHashMinutes ago.
    /// </summary>
    private List<long> ByHashGenerations(DateTimeOffset now)
    {
        var result = new List<long>();
        for (var i = S.History.Count - 1; i >= 0; i--)
        {
            var supersededAt = i == S.History.Count - 1 ? now : S.History[i + 1].At;
            if (i < S.History.Count - 1 && supersededAt < now - configuration.ByHashWindow)
                break;
            if (!result.Contains(S.History[i].Generation))
                result.Add(S.History[i].Generation);
        }
        return result;
    }

    async Task<DistributionStatus> IDistributionGrain.GetStatusAsync() => await StatusAsync();

    private async Task<DistributionStatus> StatusAsync()
    {
        long? live = Valid ? await publisher.LiveGenerationAsync(_repository!, _product) : null;
        return new DistributionStatus(_repositoryName, _product, _set.Generation, S.PublishedGeneration, S.PublishedAt, live,
            _set.BinaryCount, _set.SourceCount, S.LastError, [.. S.History], [.. S.Rejections], RemoteStatus());
    }

    private RemoteLiveStatus? RemoteStatus()
    {
        if (!Valid || _repository!.LiveRemote is not { } remote)
            return null;
        var target = remote.ToString();
        return S.RemoteTarget == target
            ? new RemoteLiveStatus(target, S.RemoteGeneration, S.RemoteFolder, S.RemoteSyncedAt, S.RemoteAttemptedAt, S.RemoteError)
            : new RemoteLiveStatus(target, null, null, null, null, null);
    }

    async Task<DistributionDetails> IDistributionGrain.GetDetailsAsync() => new(await StatusAsync(), _set.Summaries());

    Task<IReadOnlyList<PackageRecord>> IDistributionGrain.GetSourcePackagesAsync(string source, string version) =>
        Task.FromResult(_set.OfSource(source, version));

    Task<IReadOnlyList<string>> IDistributionGrain.GetSourceVersionsAsync(string source) => Task.FromResult(_set.SourceVersions(source));

    Task<IReadOnlyList<string>> IDistributionGrain.GetPoolFilesAsync() =>
        Task.FromResult<IReadOnlyList<string>>(_set.PoolPaths().Distinct(StringComparer.Ordinal).ToList());

    Task<IReadOnlyList<SourceSummary>> IDistributionGrain.GetPromotionCandidatesAsync(TimeSpan minimumAge)
    {
        var cutoff = time.GetUtcNow() - minimumAge;
        // The newest version of each source, once every record of it has been here long enough.
        var candidates = _set.Summaries()
            .GroupBy(s => s.Source, StringComparer.Ordinal)
            .Select(g => g.First())
            .Where(s => s.AddedAt <= cutoff)
            .ToList();
        return Task.FromResult<IReadOnlyList<SourceSummary>>(candidates);
    }

    async Task<StageResult> IDistributionGrain.PromoteFromAsync(string fromRepository, string fromProduct, string source, string version)
    {
        if (!Valid)
            return StageResult.Refused(NotADistribution());
        var from = configuration.Find(fromRepository);
        var fromKey = StageConfiguration.DistributionKey(fromRepository, fromProduct);
        if (from is null || !from.HasProduct(fromProduct))
            return StageResult.Refused($"{fromKey} is not a configured distribution");
        if (fromKey == Key)
            return StageResult.Refused($"{source} {version}: source and target are both {Key}");

        var fromGrain = GrainFactory.GetGrain<IDistributionGrain>(fromKey);
        var records = await fromGrain.GetSourcePackagesAsync(source, version);
        if (records.Count == 0)
        {
            var versions = await fromGrain.GetSourceVersionsAsync(source);
            return StageResult.Refused($"{source} {version} is not in {fromKey}" +
                (versions.Count > 0 ? $" (it has {source} {string.Join(", ", versions)})" : $" (it has no version of {source})"));
        }
        if (PromotionRules.Incomplete(records, from, _repository!, fromKey) is { } incomplete)
            return StageResult.Refused(incomplete);
        if (_set.SourceVersions(source) is [var newest, ..]
            && IncomingRules.Refusal(newest, version, $"{source} {version}", Key) is { } refusal)
            return StageResult.Refused(refusal.Replace(" is not newer than ", " cannot be promoted: not newer than ", StringComparison.Ordinal));

        var files = records.SelectMany(r => r.Files).Distinct().ToList();
        var problems = await pool.CopyAsync(from, _repository!, files);
        if (problems.Count > 0)
            return StageResult.Refused($"{source} {version} cannot be promoted to {Key}: {string.Join("; ", problems)}");

        var now = time.GetUtcNow();
        var added = records.Select(r => r with { AddedAt = now }).ToList();
        var surplus = _set.SurplusWith(added, _repository!.KeepVersions);
        var note = $"promoted {source} {version} from {fromKey}";
        await CommitAsync(added, surplus, null, note);
        LogPromoted(logger, Key, source, version, fromKey, _set.Generation);
        var published = await PublishAsync(force: false, note);
        return Outcome(published, $"promoted {source} {version} ({added.Count} package(s)) from {fromKey} to {Key}");
    }

    async Task<StageResult> IDistributionGrain.RemoveAsync(string source, string? version)
    {
        if (!Valid)
            return StageResult.Refused(NotADistribution());
        // A copy: the set's own lists change when the removal is applied.
        var records = (version is null ? _set.OfSource(source) : _set.OfSource(source, version)).ToList();
        if (records.Count == 0)
        {
            var versions = _set.SourceVersions(source);
            return StageResult.Refused($"{source}{(version is null ? "" : " " + version)} is not in {Key}" +
                (versions.Count > 0 ? $" (it has {string.Join(", ", versions)})" : ""));
        }
        var note = $"removed {source} {version ?? "(every version)"}";
        await CommitAsync([], records.Select(r => r.Key).ToList(), null, note);
        var published = await PublishAsync(force: false, note);
        return Outcome(published, $"removed {records.Count} package(s) of {source} {version ?? string.Join(", ", records.Select(r => r.SourceVersion).Distinct())} from {Key}");
    }

    async Task<StageResult> IDistributionGrain.CleanupAsync(int? keep)
    {
        if (!Valid)
            return StageResult.Refused(NotADistribution());
        var n = keep ?? _repository!.KeepVersions;
        if (n < 1)
            return StageResult.Refused($"--keep must be at least 1 (got {n})");
        var surplus = _set.Surplus(n);
        if (surplus.Count == 0)
            return new StageResult(true, $"{Key}: nothing to remove (at most {n} version(s) of each package)", _set.Generation);
        var note = $"clean-up kept the newest {n} version(s), removed {surplus.Count} package(s)";
        await CommitAsync([], surplus, null, note);
        var published = await PublishAsync(force: false, note);
        return Outcome(published, $"{Key}: {note}");
    }

    async Task<StageResult> IDistributionGrain.RollbackAsync(long generation)
    {
        if (!Valid)
            return StageResult.Refused(NotADistribution());
        if (generation >= _set.Generation)
            return StageResult.Refused(generation == _set.Generation
                ? $"{Key} is at generation {generation} already"
                : $"{Key} has no generation {generation} yet (its generation is {_set.Generation})");
        var records = await publisher.ReadGenerationAsync(_repository!, _product, generation);
        if (records is null)
            return StageResult.Refused($"generation {generation} of {Key} was never published or is no longer kept " +
                $"(published and kept: {string.Join(", ", S.History.TakeLast(configuration.KeepGenerations).Select(h => h.Generation))})");
        var missing = await pool.MissingAsync(_repository!, records.SelectMany(r => r.Files).Select(f => f.Path).Distinct().ToList());
        if (missing.Count > 0)
            return StageResult.Refused($"generation {generation} of {Key} needs pool files clean-up has removed: {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? " …" : "")}");

        var target = records.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var removed = _set.All.Where(r => !target.ContainsKey(r.Key)).Select(r => r.Key).ToList();
        var now = time.GetUtcNow();
        var added = records.Where(r => _set.Find(r.Key) is null).Select(r => r with { AddedAt = now }).ToList();
        var note = $"rollback to generation {generation}";
        await CommitAsync(added, removed, null, note);
        var published = await PublishAsync(force: false, note);
        return Outcome(published, $"{Key}: generation {_set.Generation} has the packages of generation {generation} ({added.Count} back, {removed.Count} removed)");
    }

    private StageResult Outcome(StageResult published, string done) =>
        published.Ok
            ? new StageResult(true, $"{done}; generation {_set.Generation} is live", _set.Generation)
            : new StageResult(false, $"{done} as generation {_set.Generation}, but publishing failed: {published.Message} (retry with: autobuilder repo sync {Key})", _set.Generation);

    private string NotADistribution() =>
        _repository is null
            ? $"there is no repository '{_repositoryName}' (configured: {string.Join(", ", configuration.Repositories.Select(r => r.Name))})"
            : $"'{_product}' is not a product of {_repositoryName} (its products: {string.Join(", ", _repository.Products)})";

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

    [LoggerMessage(Level = LogLevel.Information, Message = "{Distribution}: generation {Generation} is live ({Packages} packages)")]
    private static partial void LogPublished(ILogger logger, string distribution, long generation, int packages);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Distribution}: publishing generation {Generation} failed")]
    private static partial void LogPublishFailed(ILogger logger, string distribution, long generation, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Distribution}: remote live tree {Target} serves generation folder {Folder}")]
    private static partial void LogRemoteSynced(ILogger logger, string distribution, string target, string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Distribution}: syncing the remote live tree {Target} failed (next try in {Seconds} s): {Reason}")]
    private static partial void LogRemoteFailed(ILogger logger, string distribution, string target, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Distribution}: reporting the end of a remote live sync failed; the next start or publish syncs again")]
    private static partial void LogRemoteReportFailed(ILogger logger, string distribution, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Distribution}: preparing the publisher's indices failed; the next publish builds them whole")]
    private static partial void LogPrepareFailed(ILogger logger, string distribution, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Distribution}: promoted {Source} {Version} from {From} as generation {Generation}")]
    private static partial void LogPromoted(ILogger logger, string distribution, string source, string version, string from, long generation);
}
