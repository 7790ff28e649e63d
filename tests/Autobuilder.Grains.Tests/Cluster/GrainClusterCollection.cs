namespace Autobuilder.Grains.Tests.Cluster;

/// <summary>
/// All grain tests share one cluster (starting one takes seconds). The scheduler is one grain for
/// the whole cluster, so the tests run one after another, and each leaves the slots idle.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain cluster";
}
