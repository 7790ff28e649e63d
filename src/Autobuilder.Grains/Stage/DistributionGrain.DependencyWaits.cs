namespace Autobuilder.Grains.Stage;

/// <summary>
/// After a publish, the distribution tells the builds waiting for build dependencies what it now
/// serves (issue 12, point 6): one one-way message per publish, so a waiting build is queued again
/// within the moment the packages it missed are live.
/// </summary>
public sealed partial class DistributionGrain
{
    /// <summary>The binaries changed since the last publish; all of them when that is unknown (after activation).</summary>
    private List<PackageRecord> ChangedBinaries() =>
        (_changed is null ? _set.All : _changed.Select(_set.Find).OfType<PackageRecord>()).Where(r => !r.IsSource).ToList();

    private void AnnouncePublished(long generation, List<PackageRecord> binaries)
    {
        if (binaries.Count == 0)
            return;
        try
        {
            _ = GrainFactory.GetGrain<IDependencyWaitGrain>(0).PublishedAsync(Key, generation, binaries.Select(ToPublished).ToList());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // No garage to tell (a stage on its own): builds still have `uploads retry`.
            LogAnnounceFailed(logger, Key, generation, ex.Message);
        }
    }

    private static PublishedBinary ToPublished(PackageRecord r) => new(r.Package, r.Version, r.Architecture, PackagesStanza.Provides(r.Stanza));

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "{Distribution}: generation {Generation} not announced to builds waiting for dependencies: {Reason}")]
    private static partial void LogAnnounceFailed(Microsoft.Extensions.Logging.ILogger logger, string distribution, long generation, string reason);
}
