using Autobuilder.Debian.Versions;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Services;
using Microsoft.Extensions.Options;

namespace Autobuilder.Grains.Uploads;

[GenerateSerializer]
public sealed class UploadRegistryState
{
    /// <summary>Intake tickets of the uploads still resident (and of those registered but not yet received).</summary>
    [Id(0)] public Dictionary<string, string> Tickets { get; set; } = [];
    /// <summary>Last sequence number given per "source_version" still resident; the index knows the others.</summary>
    [Id(1)] public Dictionary<string, int> Sequences { get; set; } = [];
    /// <summary>Newest accepted version per source, and the upload that brought it.</summary>
    [Id(2)] public Dictionary<string, AcceptedVersion> Accepted { get; set; } = [];
    /// <summary>The uploads still moving and the newest settled ones (Autobuilder:UploadMemory:RecentSettled).</summary>
    [Id(3)] public Dictionary<string, UploadSummary> Uploads { get; set; } = [];
    /// <summary>
    /// Every upload in <see cref="Uploads"/> was copied to the index. False in the state of an
    /// autobuilder from before the index: the first activation copies them (the upgrade loses none).
    /// </summary>
    [Id(4)] public bool Indexed { get; set; }
}

[GenerateSerializer, Immutable]
public sealed record AcceptedVersion([property: Id(0)] string Version, [property: Id(1)] string UploadId);

/// <summary>
/// The uploads of one product: ids, the version rule, and the uploads still moving.
/// Every upload of the product passes here several times, so its state is written by group
/// commit: the grain is reentrant, each call changes the state in memory without awaiting
/// anything in between (so interleaving cannot split a check from its change), and then waits
/// for a write that started after its change. Calls that arrive while one write runs share the
/// next one: a burst of a thousand uploads costs a few dozen writes, not thousands.
/// Each write first saves the changed summaries to the uploads' read model (<see cref="IUploadIndex"/>),
/// then the state; the state keeps only what is moving plus a short recent window, so its size
/// (and the garage's memory) stays bounded however many uploads the product has had.
/// </summary>
[RolePlacement(SiloRoles.Garage)]
[Reentrant]
public sealed class UploadRegistryGrain(
    [PersistentState("registry", "state")] IPersistentState<UploadRegistryState> state,
    IUploadIndex index,
    IOptions<AutobuilderOptions> options) : Grain, IUploadRegistryGrain
{
    private string Product => this.GetPrimaryKeyString();

    private int RecentSettled => options.Value.UploadMemory.RecentSettled;

    private Task _lastWrite = Task.CompletedTask;
    private TaskCompletionSource? _nextWrite;

    // Summaries changed since the last index save began, and those the running save carries:
    // until the index has them, sequence numbers are also looked up here.
    private Dictionary<string, UploadSummary> _unindexed = [];
    private IReadOnlyCollection<UploadSummary> _indexing = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.State.Indexed)
        {
            // State written before the index existed: every upload it lists goes to the index first.
            if (state.State.Uploads.Count > 0)
                await index.SaveAsync(state.State.Uploads.Values.ToList(), cancellationToken);
            state.State.Indexed = true;
            Trim();
            await state.WriteStateAsync(cancellationToken);
        }
    }

    /// <summary>Completes once a write that began after this call has made the state durable.</summary>
    private Task PersistAsync()
    {
        if (_nextWrite is { } queued)
            return queued.Task;
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _nextWrite = next;
        _lastWrite = WriteAfterAsync(_lastWrite, next);
        return next.Task;
    }

    private async Task WriteAfterAsync(Task previous, TaskCompletionSource done)
    {
        await previous;
        // From here on, a change needs the write after this one.
        _nextWrite = null;
        var batch = _unindexed;
        _unindexed = [];
        try
        {
            if (batch.Count > 0)
            {
                _indexing = batch.Values;
                await index.SaveAsync(batch.Values);
            }
            _indexing = [];
            await state.WriteKeepingMemoryAsync();
            done.SetResult();
        }
        catch (Exception ex)
        {
            // Not in the index: the next write carries them again (unless a newer summary came meanwhile).
            foreach (var (id, summary) in batch)
                _unindexed.TryAdd(id, summary);
            _indexing = [];
            done.SetException(ex);
        }
    }

    async Task<string> IUploadRegistryGrain.RegisterAsync(string ticket, string source, string version)
    {
        if (state.State.Tickets.TryGetValue(ticket, out var existing))
        {
            // Given out by a call whose write may still be running: answer once it is durable.
            await PersistAsync();
            return existing;
        }
        var key = $"{source}_{version}";
        if (!state.State.Sequences.ContainsKey(key))
        {
            // Not resident (new, or its uploads left memory): the index has its last number.
            var last = Math.Max(await index.LastSequenceAsync(Product, source, version), LastSequenceNotIndexed(key));
            if (state.State.Tickets.TryGetValue(ticket, out existing))
            {
                await PersistAsync();
                return existing;
            }
            state.State.Sequences[key] = Math.Max(state.State.Sequences.GetValueOrDefault(key), last);
        }
        var seq = state.State.Sequences[key] + 1;
        state.State.Sequences[key] = seq;
        var id = UploadIds.Upload(Product, source, version, seq);
        state.State.Tickets[ticket] = id;
        await PersistAsync();
        return id;
    }

    private int LastSequenceNotIndexed(string key) =>
        _unindexed.Values.Concat(_indexing).Where(u => SeriesOf(u.Id) == key).Select(u => SequenceOf(u.Id)).DefaultIfEmpty(0).Max();

    async Task<string?> IUploadRegistryGrain.AcceptVersionAsync(string source, string version, string uploadId)
    {
        if (!DebianVersion.TryParse(version, out var candidate, out var error))
            return error;
        if (state.State.Accepted.TryGetValue(source, out var accepted))
        {
            if (accepted.UploadId == uploadId)
            {
                await PersistAsync();
                return null;
            }
            var current = DebianVersion.Parse(accepted.Version);
            if (candidate.CompareTo(current) <= 0)
                return $"version {version} of {source} is not newer than {accepted.Version}, already accepted for {Product} (upload {accepted.UploadId}); raise the version in debian/changelog";
        }
        state.State.Accepted[source] = new AcceptedVersion(version, uploadId);
        await PersistAsync();
        return null;
    }

    async Task IUploadRegistryGrain.UpdateAsync(UploadSummary summary)
    {
        // Every unsettled upload tells its view again when the silo starts (a resume): what the
        // registry already holds costs no write.
        if (state.State.Uploads.TryGetValue(summary.Id, out var known) && known == summary)
            return;
        state.State.Uploads[summary.Id] = summary;
        _unindexed[summary.Id] = summary;
        Trim();
        await PersistAsync();
    }

    /// <summary>
    /// Drops from memory the settled uploads past the recent window, with their tickets and (when no
    /// upload of the same source version is left) their sequence counters: the index keeps them.
    /// </summary>
    private void Trim()
    {
        var settled = state.State.Uploads.Values.Where(IsFinished).ToList();
        if (settled.Count <= RecentSettled)
            return;
        var gone = settled.OrderBy(u => u.UpdatedAt).ThenBy(u => u.Id, StringComparer.Ordinal)
            .Take(settled.Count - RecentSettled).Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in gone)
            state.State.Uploads.Remove(id);
        foreach (var ticket in state.State.Tickets.Where(t => gone.Contains(t.Value)).Select(t => t.Key).ToList())
            state.State.Tickets.Remove(ticket);
        var kept = state.State.Uploads.Keys.Concat(state.State.Tickets.Values).Select(SeriesOf).ToHashSet(StringComparer.Ordinal);
        foreach (var series in gone.Select(SeriesOf).Where(s => !kept.Contains(s)))
            state.State.Sequences.Remove(series);
    }

    // "product/source_version/sequence" (UploadIds.Upload).
    private static string SeriesOf(string id) => id.Split('/')[1];

    private static int SequenceOf(string id) => int.TryParse(id.Split('/')[2], out var n) ? n : 0;

    Task<IReadOnlyList<string>> IUploadRegistryGrain.ActiveUploadsOfAsync(string source, string uploadId) =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Uploads.Values
            .Where(u => u.Source == source && u.Id != uploadId && !IsFinished(u)
                && u.State is not (UploadState.Received or UploadState.Rejected or UploadState.Done))
            .Select(u => u.Id).ToList());

    Task<IReadOnlyList<UploadSummary>> IUploadRegistryGrain.ListAsync(int limit) =>
        Task.FromResult<IReadOnlyList<UploadSummary>>(
            state.State.Uploads.Values.OrderByDescending(u => u.ReceivedAt).ThenByDescending(u => u.Id, StringComparer.Ordinal).Take(limit).ToList());

    async Task<UploadPage> IUploadRegistryGrain.QueryAsync(UploadQuery query) =>
        await index.QueryAsync(query with { Product = Product });

    Task IUploadRegistryGrain.ResumeActiveAsync()
    {
        foreach (var upload in state.State.Uploads.Values.Where(u => !IsFinished(u)))
            _ = GrainFactory.GetGrain<IUploadGrain>(upload.Id).ResumeAsync();
        // Registered but never received (intake stopped in between): intake delivers them again.
        return Task.CompletedTask;
    }

    private static bool IsFinished(UploadSummary u) => u.Settled;
}
