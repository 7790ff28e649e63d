using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Uploads;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Grains.Builds;

/// <summary>
/// The builds in dep-wait (key 0, on the garage beside the scheduler and the uploads). A publish
/// in a distribution a build uses marks the missing entries it satisfies; once all are, the build's
/// upload is told at once (one-way: this grain never waits on an upload, while an upload waits on it
/// to record a wait, so no call chain can loop). What was published in the last minutes is kept in
/// memory, so a build whose attempt looked at the archive just before a publish, and reported its
/// dep-wait just after it, is woken too.
/// </summary>
[RolePlacement(SiloRoles.Garage)]
public sealed partial class DependencyWaitGrain(
    [PersistentState("depwait", "state")] IPersistentState<DependencyWaitGrainState> state,
    TimeProvider time,
    ILogger<DependencyWaitGrain> logger) : Grain, IDependencyWaitGrain
{
    /// <summary>How long a publish is remembered for waits recorded after it (an attempt's report can lag its look at the archive).</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromMinutes(30);

    private readonly List<(string Distribution, long Generation, DateTimeOffset At, IReadOnlyList<PublishedBinary> Binaries)> _recent = [];

    private List<WaitingBuild> Waits => state.State.Waits;

    async Task IDependencyWaitGrain.WaitAsync(DependencyWait wait)
    {
        Waits.RemoveAll(w => w.Wait.BuildId == wait.BuildId);
        var entry = new WaitingBuild { Wait = wait, SatisfiedBy = [.. wait.Missing.Select(_ => (string?)null)] };
        Waits.Add(entry);
        LogWaiting(logger, wait.BuildId, string.Join(", ", wait.Missing), string.Join(", ", wait.BuildSources));
        // Publishes the attempt did not see (after it started) count as if they came now.
        Prune();
        string? woken = null;
        foreach (var p in _recent.Where(p => wait.Checked is { } seen && p.At > seen))
            woken ??= Mark(entry, p.Distribution, p.Generation, p.Binaries);
        if (woken is not null)
            Wake(entry, woken);
        await state.WriteStateAsync();
    }

    async Task IDependencyWaitGrain.ForgetAsync(string buildId)
    {
        if (Waits.RemoveAll(w => w.Wait.BuildId == buildId) > 0)
            await state.WriteStateAsync();
    }

    async Task IDependencyWaitGrain.PublishedAsync(string distribution, long generation, IReadOnlyList<PublishedBinary> binaries)
    {
        _recent.Add((distribution, generation, time.GetUtcNow(), binaries));
        Prune();
        var changed = false;
        foreach (var entry in Waits.Where(w => w.Wait.BuildSources.Contains(distribution, StringComparer.Ordinal)).ToList())
        {
            var before = entry.SatisfiedBy.Count(s => s is not null);
            if (Mark(entry, distribution, generation, binaries) is { } why)
                Wake(entry, why);
            changed |= entry.SatisfiedBy.Count(s => s is not null) != before;
        }
        if (changed)
            await state.WriteStateAsync();
    }

    async Task IDependencyWaitGrain.SupersedeOlderAsync(string newerUploadId, string newerVersion)
    {
        var (product, source) = ProductAndSource(newerUploadId);
        var older = Waits.Where(w => w.Wait.UploadId != newerUploadId && ProductAndSource(w.Wait.UploadId) == (product, source)).ToList();
        if (older.Count == 0)
            return;
        foreach (var w in older)
        {
            Waits.Remove(w);
            LogForgotten(logger, w.Wait.BuildId, $"superseded by {newerUploadId}");
            // The older upload records why it stops waiting (one-way, as every call from here to an upload).
            _ = GrainFactory.GetGrain<IUploadGrain>(w.Wait.UploadId).SupersedeAsync(newerUploadId, newerVersion);
        }
        await state.WriteStateAsync();
    }

    Task<IReadOnlyList<DependencyWait>> IDependencyWaitGrain.ListAsync() =>
        Task.FromResult<IReadOnlyList<DependencyWait>>(Waits.Select(w => w.Wait).OrderBy(w => w.Since).ThenBy(w => w.BuildId, StringComparer.Ordinal).ToList());

    /// <summary>
    /// Marks what <paramref name="binaries"/> satisfy of <paramref name="entry"/>'s missing entries;
    /// returns the reason to wake it when nothing is missing any more, else null. A wait that named
    /// nothing (dependencies that cannot be installed together) is never woken by a publish.
    /// </summary>
    private static string? Mark(WaitingBuild entry, string distribution, long generation, IReadOnlyList<PublishedBinary> binaries)
    {
        var wait = entry.Wait;
        if (wait.Missing.Count == 0 || !wait.BuildSources.Contains(distribution, StringComparer.Ordinal))
            return null;
        var earlier = entry.SatisfiedBy.Where(x => x is not null).Select(x => x!).ToList();
        var found = DependencyMatch.Satisfied(wait.Missing, wait.Architecture, binaries);
        var newly = new List<string>();
        for (var i = 0; i < found.Count; i++)
        {
            if (entry.SatisfiedBy[i] is null && found[i] is { } by)
            {
                entry.SatisfiedBy[i] = $"{by} in {distribution}";
                newly.Add($"{wait.Missing[i]} (by {by})");
            }
        }
        if (newly.Count == 0 || entry.SatisfiedBy.Any(x => x is null))
            return null;
        return $"{distribution} published generation {generation} with {string.Join(", ", newly)}"
            + (earlier.Count > 0 ? $"; satisfied before: {string.Join(", ", earlier)}" : "");
    }

    private void Wake(WaitingBuild entry, string why)
    {
        Waits.Remove(entry);
        LogWaking(logger, entry.Wait.BuildId, why);
        _ = GrainFactory.GetGrain<IUploadGrain>(entry.Wait.UploadId).DependenciesAvailableAsync(entry.Wait.BuildId, entry.Wait.Attempt, why);
    }

    private void Prune()
    {
        var cut = time.GetUtcNow() - RecentWindow;
        _recent.RemoveAll(p => p.At < cut);
    }

    private static (string Product, string Source) ProductAndSource(string uploadId)
    {
        var parts = uploadId.Split('/');
        if (parts.Length != 3)
            return (uploadId, "");
        var underscore = parts[1].IndexOf('_');
        return (parts[0], underscore > 0 ? parts[1][..underscore] : parts[1]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{BuildId} waits for {Missing} (from {Sources})")]
    private static partial void LogWaiting(ILogger logger, string buildId, string missing, string sources);

    [LoggerMessage(Level = LogLevel.Information, Message = "{BuildId} queued again: {Reason}")]
    private static partial void LogWaking(ILogger logger, string buildId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{BuildId} no longer waits: {Reason}")]
    private static partial void LogForgotten(ILogger logger, string buildId, string reason);
}
