namespace Autobuilder.Grains.Tests.Cluster;

/// <summary>
/// Base of the grain tests: the shared cluster, and a start only once the standard slots are
/// quiet, so one test's builds never land in the next one's records.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public abstract class GrainTest(GrainClusterFixture cluster) : IAsyncLifetime
{
    protected GrainClusterFixture Cluster { get; } = cluster;

    public virtual Task InitializeAsync() => Cluster.WaitForQuietAsync();

    /// <summary>
    /// Releases whatever the test left hanging (it failed before its own release), so one red
    /// test does not turn the rest red by keeping a standard slot busy.
    /// </summary>
    public virtual Task DisposeAsync()
    {
        Cluster.Executor.ReleaseAll();
        return Task.CompletedTask;
    }
}
