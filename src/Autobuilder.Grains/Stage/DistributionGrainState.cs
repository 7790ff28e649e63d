using Autobuilder.Grains.Stage.Journal;

namespace Autobuilder.Grains.Stage;

/// <summary>
/// What a distribution grain persists: only counters and short histories. The package set is in
/// the journal (<see cref="IPackageJournal"/>), whose last commit is the change generation, so this
/// small file is all that is rewritten per publish.
/// </summary>
[GenerateSerializer]
public sealed class DistributionGrainState
{
    [Id(0)] public long PublishedGeneration { get; set; }
    [Id(1)] public DateTimeOffset? PublishedAt { get; set; }
    [Id(2)] public List<PublishRecord> History { get; set; } = [];
    [Id(3)] public List<StageRejection> Rejections { get; set; } = [];
    [Id(4)] public string? LastError { get; set; }

    // The remote live tree (LiveRemote), when the repository has one.
    [Id(5)] public long? RemoteGeneration { get; set; }
    [Id(6)] public string? RemoteFolder { get; set; }
    [Id(7)] public DateTimeOffset? RemoteSyncedAt { get; set; }
    [Id(8)] public DateTimeOffset? RemoteAttemptedAt { get; set; }
    [Id(9)] public string? RemoteError { get; set; }
    [Id(10)] public string? RemoteTarget { get; set; }
}
