namespace Autobuilder.Grains;

/// <summary>
/// A distribution at a glance: its change generation, the generation published (written to
/// staging and swapped into live) and when, what live really points at, and recent rejections.
/// </summary>
/// <param name="LiveGeneration">The generation the live dists/&lt;product&gt; link points at, read from the tree; null when nothing is live.</param>
/// <param name="LastError">Why the last publish failed, until one succeeds.</param>
/// <param name="Remote">The remote live tree's sync state, when the repository has one (LiveRemote).</param>
[GenerateSerializer, Immutable]
public sealed record DistributionStatus(
    [property: Id(0)] string Repository,
    [property: Id(1)] string Product,
    [property: Id(2)] long Generation,
    [property: Id(3)] long PublishedGeneration,
    [property: Id(4)] DateTimeOffset? PublishedAt,
    [property: Id(5)] long? LiveGeneration,
    [property: Id(6)] int BinaryPackages,
    [property: Id(7)] int SourcePackages,
    [property: Id(8)] string? LastError,
    [property: Id(9)] IReadOnlyList<PublishRecord> History,
    [property: Id(10)] IReadOnlyList<StageRejection> Rejections,
    [property: Id(11)] RemoteLiveStatus? Remote = null)
{
    public bool InSync => LastError is null && PublishedGeneration == Generation && LiveGeneration == PublishedGeneration && RemoteInSync;

    /// <summary>No remote live tree, or it serves the published generation and its last sync succeeded.</summary>
    public bool RemoteInSync => Remote is null || (Remote.LastError is null && Remote.Generation == PublishedGeneration);
}
