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
/// <para>
/// Cut by job into partial files: accepting (<c>.Accepting</c>, <c>.Offers</c>), publishing
/// (<c>.Publishing</c>, <c>.DependencyWaits</c>), maintenance (<c>.Maintenance</c>: promote, remove,
/// clean-up, rollback) and the remote live tree (<c>.LiveTree</c>). One grain, not one per job: every
/// job changes the same package set and the same persisted state (one JSON document, whose shape
/// data roots already hold), and the grain's single-threaded turns are what keep them consistent —
/// the set has one writer, and a second grain would need either a second copy of the set or calls
/// back into this one that can interleave with a publish.
/// </para>
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

    async Task<DistributionStatus> IDistributionGrain.GetStatusAsync() => await StatusAsync();

    private async Task<DistributionStatus> StatusAsync()
    {
        long? live = Valid ? await publisher.LiveGenerationAsync(_repository!, _product) : null;
        return new DistributionStatus(_repositoryName, _product, _set.Generation, S.PublishedGeneration, S.PublishedAt, live,
            _set.BinaryCount, _set.SourceCount, S.LastError, [.. S.History], [.. S.Rejections], RemoteStatus());
    }

    async Task<DistributionDetails> IDistributionGrain.GetDetailsAsync() => new(await StatusAsync(), _set.Summaries());

    async Task<DistributionDetails> IDistributionGrain.GetPageAsync(string? from, int limit)
    {
        var sources = _set.Summaries(from, Math.Clamp(limit, 1, 1000), out var next);
        return new(await StatusAsync(), sources, next);
    }

    Task<IReadOnlyList<SourceSummary>> IDistributionGrain.GetSourcesAsync(IReadOnlyList<string> sources) => Task.FromResult(_set.Summaries(sources));

    Task<IReadOnlyList<PackageRecord>> IDistributionGrain.GetSourcePackagesAsync(string source, string version) =>
        Task.FromResult(_set.OfSource(source, version));

    Task<IReadOnlyList<string>> IDistributionGrain.GetSourceVersionsAsync(string source) => Task.FromResult(_set.SourceVersions(source));

    Task<IReadOnlyList<string>> IDistributionGrain.GetPoolFilesAsync() =>
        Task.FromResult<IReadOnlyList<string>>(_set.PoolPaths().Distinct(StringComparer.Ordinal).ToList());

    private string NotADistribution() =>
        _repository is null
            ? $"there is no repository '{_repositoryName}' (configured: {string.Join(", ", configuration.Repositories.Select(r => r.Name))})"
            : $"'{_product}' is not a product of {_repositoryName} (its products: {string.Join(", ", _repository.Products)})";
}
