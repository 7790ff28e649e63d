using System.Collections.Concurrent;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>
/// Stand-in for the stage's distribution in the in-process grain tests (no pool, journal or
/// publisher there; the real one is proven by the silo tests): records each offer and answers
/// Published with a rising generation, or Rejected for a source told to <see cref="Refuse"/>, or
/// throws for one told to <see cref="FailOffers"/> (the stage unreachable).
/// </summary>
public sealed class FakeDistributionGrain : Grain, IDistributionGrain
{
    public static ConcurrentQueue<UploadOffer> Offers { get; } = new();
    private static readonly ConcurrentDictionary<string, string> Refusals = new();
    private static readonly ConcurrentDictionary<string, int> Failures = new();
    private static long _generation;

    public static void Refuse(string source, string reason) => Refusals[source] = reason;

    public static void FailOffers(string source, int times) => Failures[source] = times;

    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Holds = new();

    /// <summary>Offers of <paramref name="source"/> wait (a slow stage) until <see cref="Release"/>.</summary>
    public static void Hold(string source) => Holds[source] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public static void Release(string source)
    {
        if (Holds.TryRemove(source, out var hold))
            hold.SetResult();
    }

    async Task<OfferAnswer> IDistributionGrain.OfferAsync(UploadOffer offer)
    {
        var source = offer.Source.DscFileName.Split('_')[0];
        if (Holds.TryGetValue(source, out var hold))
            await hold.Task;
        if (Failures.TryGetValue(source, out var left) && left > 0)
        {
            Failures[source] = left - 1;
            throw new InvalidOperationException("the stage silo is not reachable (fake)");
        }
        Offers.Enqueue(offer);
        var key = this.GetPrimaryKeyString();
        if (Refusals.TryGetValue(source, out var reason))
            return OfferAnswer.Rejected(key, [reason], "/stage/repo-rejected/fake");
        var now = DateTimeOffset.UtcNow;
        return new OfferAnswer(key, true, Interlocked.Increment(ref _generation), now, [], null, now);
    }

    Task IDistributionGrain.StartAsync() => Task.CompletedTask;
    Task IDistributionGrain.ProcessIncomingAsync(IReadOnlyList<string> changesFiles) => throw new NotSupportedException();
    Task<StageResult> IDistributionGrain.PublishAsync(bool force) => throw new NotSupportedException();
    Task IDistributionGrain.RemoteSyncDoneAsync(long attempt) => throw new NotSupportedException();
    Task<DistributionStatus> IDistributionGrain.GetStatusAsync() => throw new NotSupportedException();
    Task<DistributionDetails> IDistributionGrain.GetDetailsAsync() => throw new NotSupportedException();
    Task<DistributionDetails> IDistributionGrain.GetPageAsync(string? from, int limit) => throw new NotSupportedException();
    Task<IReadOnlyList<SourceSummary>> IDistributionGrain.GetSourcesAsync(IReadOnlyList<string> sources) => throw new NotSupportedException();
    Task<IReadOnlyList<PackageRecord>> IDistributionGrain.GetSourcePackagesAsync(string source, string version) => throw new NotSupportedException();
    Task<IReadOnlyList<string>> IDistributionGrain.GetSourceVersionsAsync(string source) => throw new NotSupportedException();
    Task<IReadOnlyList<string>> IDistributionGrain.GetPoolFilesAsync() => throw new NotSupportedException();
    Task<IReadOnlyList<SourceSummary>> IDistributionGrain.GetPromotionCandidatesAsync(TimeSpan minimumAge) => throw new NotSupportedException();
    Task<StageResult> IDistributionGrain.PromoteFromAsync(string fromRepository, string fromProduct, string source, string version) => throw new NotSupportedException();
    Task<StageResult> IDistributionGrain.RemoveAsync(string source, string? version) => throw new NotSupportedException();
    Task<StageResult> IDistributionGrain.CleanupAsync(int? keep) => throw new NotSupportedException();
    Task<StageResult> IDistributionGrain.RollbackAsync(long generation) => throw new NotSupportedException();
}
