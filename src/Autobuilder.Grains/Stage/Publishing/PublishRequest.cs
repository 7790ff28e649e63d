namespace Autobuilder.Grains.Stage.Publishing;

/// <summary>One generation of a distribution to publish, with everything the publisher needs and nothing it must look up.</summary>
/// <param name="NewPoolFiles">Pool files added since the last publish, to copy to live; null to check every referenced file.</param>
/// <param name="ByHashFrom">Earlier generations whose indices stay reachable by hash in this one.</param>
public sealed record PublishRequest(
    RepositoryConfig Repository,
    string Product,
    long Generation,
    IReadOnlyCollection<PackageRecord> Packages,
    IReadOnlyCollection<PoolFile>? NewPoolFiles,
    IReadOnlyList<long> ByHashFrom,
    DateTimeOffset Date)
{
    /// <summary>
    /// The generation the previous publish of this distribution made live. With <see cref="Changed"/>
    /// it lets the publisher update the indices it keeps in memory from that publish instead of
    /// building them again from every record.
    /// </summary>
    public long? Since { get; init; }

    /// <summary>
    /// Every record key changed since <see cref="Since"/>, with the record it has now (null:
    /// removed); null when that is not known (after activation, on a forced publish), which makes the
    /// publisher build the indices from <see cref="Packages"/>.
    /// </summary>
    public IReadOnlyDictionary<string, PackageRecord?>? Changed { get; init; }
}
