using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// The builds waiting for build dependencies (one per cluster, key 0, on the garage): what each
/// misses, and which distributions it builds against. A distribution that publishes says what it
/// published; every waiting build whose missing dependencies that satisfies is queued again at
/// once (no cron, no timer). <c>uploads retry</c> stays for the rest.
/// </summary>
public interface IDependencyWaitGrain : IGrainWithIntegerKey
{
    /// <summary>A build ended in dep-wait: remembered until it is satisfied or forgotten. Repeats replace.</summary>
    [SiloOnly]
    Task WaitAsync(DependencyWait wait);

    /// <summary>The build no longer waits (retried by hand, cancelled, superseded): forgotten.</summary>
    [SiloOnly]
    Task ForgetAsync(string buildId);

    /// <summary>
    /// A distribution (key "repository/product") published generation <paramref name="generation"/>
    /// holding <paramref name="binaries"/> (what it added by that generation; repeats are harmless).
    /// </summary>
    [SiloOnly]
    [OneWay]
    Task PublishedAsync(string distribution, long generation, IReadOnlyList<PublishedBinary> binaries);

    /// <summary>
    /// A verified upload replaces the older uploads of its source for its product: their waiting
    /// builds are told they are superseded (and so forgotten), even when those uploads are settled.
    /// </summary>
    [SiloOnly]
    Task SupersedeOlderAsync(string newerUploadId, string newerVersion);

    /// <summary>Every waiting build with what it misses, oldest first.</summary>
    [Reader]
    Task<IReadOnlyList<DependencyWait>> ListAsync();
}

/// <summary>
/// One build in dep-wait. <see cref="Missing"/>: the unmet build dependencies as written in the
/// .dsc with their version constraints ("libfoo-dev (&gt;= 1.2)", alternatives joined by " | ").
/// <see cref="BuildSources"/>: the distributions ("repository/product") the build uses besides
/// the base system; a publish in any other distribution does not wake it. <see cref="Attempt"/>:
/// the attempt that ended in dep-wait (a wake for an older attempt changes nothing).
/// <see cref="Checked"/>: when that attempt started, i.e. the archive it saw; a publish after it
/// that satisfies the build wakes it even if it was announced before the wait was recorded.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DependencyWait(
    [property: Id(0)] string BuildId,
    [property: Id(1)] string UploadId,
    [property: Id(2)] string Architecture,
    [property: Id(3)] IReadOnlyList<string> Missing,
    [property: Id(4)] IReadOnlyList<string> BuildSources,
    [property: Id(5)] DateTimeOffset Since,
    [property: Id(6)] int Attempt = 0,
    [property: Id(7)] DateTimeOffset? Checked = null);

/// <summary>A binary package a distribution publishes: enough to test a build dependency against it.</summary>
[GenerateSerializer, Immutable]
public sealed record PublishedBinary(
    [property: Id(0)] string Package,
    [property: Id(1)] string Version,
    [property: Id(2)] string Architecture,
    [property: Id(3)] IReadOnlyList<string> Provides);
