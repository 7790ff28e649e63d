namespace Autobuilder.Grains.Stage;

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
    DateTimeOffset Date);
