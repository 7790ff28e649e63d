using Autobuilder.Debian.Versions;
using Autobuilder.Grains.Placement;

namespace Autobuilder.Grains.Uploads;

[GenerateSerializer]
public sealed class UploadRegistryState
{
    [Id(0)] public Dictionary<string, string> Tickets { get; set; } = [];
    /// <summary>Last sequence number given per "source_version".</summary>
    [Id(1)] public Dictionary<string, int> Sequences { get; set; } = [];
    /// <summary>Newest accepted version per source, and the upload that brought it.</summary>
    [Id(2)] public Dictionary<string, AcceptedVersion> Accepted { get; set; } = [];
    [Id(3)] public Dictionary<string, UploadSummary> Uploads { get; set; } = [];
}

[GenerateSerializer, Immutable]
public sealed record AcceptedVersion([property: Id(0)] string Version, [property: Id(1)] string UploadId);

/// <summary>
/// The uploads of one product: ids, the version rule, and the list the console shows.
/// Every upload of the product passes here several times, so its state is written by group
/// commit: the grain is reentrant, each call changes the state in memory without awaiting
/// anything in between (so interleaving cannot split a check from its change), and then waits
/// for a write that started after its change. Calls that arrive while one write runs share the
/// next one: a burst of a thousand uploads costs a few dozen writes, not thousands.
/// </summary>
[RolePlacement(SiloRoles.Garage)]
[Reentrant]
public sealed class UploadRegistryGrain(
    [PersistentState("registry", "state")] IPersistentState<UploadRegistryState> state) : Grain, IUploadRegistryGrain
{
    // Finished uploads kept in the list; older ones stay readable through their own grain.
    private const int FinishedKept = 1000;

    private string Product => this.GetPrimaryKeyString();

    private Task _lastWrite = Task.CompletedTask;
    private TaskCompletionSource? _nextWrite;

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
        try
        {
            await state.WriteStateAsync();
            done.SetResult();
        }
        catch (Exception ex)
        {
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
        var seq = state.State.Sequences.GetValueOrDefault(key) + 1;
        state.State.Sequences[key] = seq;
        var id = UploadIds.Upload(Product, source, version, seq);
        state.State.Tickets[ticket] = id;
        await PersistAsync();
        return id;
    }

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
        state.State.Uploads[summary.Id] = summary;
        var finished = state.State.Uploads.Values.Where(IsFinished).ToList();
        if (finished.Count > FinishedKept)
        {
            foreach (var old in finished.OrderBy(u => u.UpdatedAt).Take(finished.Count - FinishedKept))
                state.State.Uploads.Remove(old.Id);
        }
        await PersistAsync();
    }

    Task<IReadOnlyList<string>> IUploadRegistryGrain.ActiveUploadsOfAsync(string source, string uploadId) =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Uploads.Values
            .Where(u => u.Source == source && u.Id != uploadId && !IsFinished(u)
                && u.State is not (UploadState.Received or UploadState.Rejected or UploadState.Done))
            .Select(u => u.Id).ToList());

    Task<IReadOnlyList<UploadSummary>> IUploadRegistryGrain.ListAsync(int limit) =>
        Task.FromResult<IReadOnlyList<UploadSummary>>(
            state.State.Uploads.Values.OrderByDescending(u => u.ReceivedAt).ThenByDescending(u => u.Id, StringComparer.Ordinal).Take(limit).ToList());

    Task IUploadRegistryGrain.ResumeActiveAsync()
    {
        foreach (var upload in state.State.Uploads.Values.Where(u => !IsFinished(u)))
            _ = GrainFactory.GetGrain<IUploadGrain>(upload.Id).ResumeAsync();
        // Registered but never received (intake stopped in between): intake delivers them again.
        return Task.CompletedTask;
    }

    private static bool IsFinished(UploadSummary u) => u.Settled;
}
