using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// One upload's state machine (key: upload id, "product/source_version/sequence"). Every method is
/// idempotent: a repeated message changes nothing.
/// </summary>
public interface IUploadGrain : IGrainWithStringKey
{
    /// <summary>Records the upload, verifies it, and queues its builds or rejects it.</summary>
    [SiloOnly]
    Task ReceiveAsync(UploadReceived received);

    /// <summary>A slot has started an attempt of one of this upload's builds.</summary>
    [SiloOnly]
    Task BuildStartedAsync(BuildAssignment assignment);

    /// <summary>
    /// An attempt ended; infrastructure errors are retried here, on another slot. Returns false
    /// when the report was not for the build's current attempt (already ended, or superseded).
    /// </summary>
    [SiloOnly]
    Task<bool> BuildFinishedAsync(BuildResult result);

    /// <summary>The scheduler lost an attempt (its slot's lease ran out); treated as an infrastructure error.</summary>
    [SiloOnly]
    [OneWay]
    Task BuildLostAsync(string buildId, int attempt, string slot, string reason);

    /// <summary>Queues again the builds that are not finished (after a restart of the scheduler).</summary>
    [SiloOnly]
    [OneWay]
    Task ResumeAsync();

    /// <summary>Builds again an upload whose builds failed or waited for dependencies.</summary>
    [Operator]
    Task<string> RetryAsync();

    /// <summary>
    /// An operator stops the upload's queued and running builds (<c>uploads cancel</c>): queued
    /// ones are dropped, running ones stopped; each ends Cancelled (never retried), the reason and
    /// <paramref name="by"/> recorded and mailed. Returns what was done, or why nothing was.
    /// </summary>
    [Operator]
    Task<string> CancelAsync(string reason, string by);

    /// <summary>
    /// A newer upload of the same source for the same product was accepted: this upload's queued
    /// and running builds stop as by <see cref="CancelAsync"/>, with that as the reason. For silos
    /// only (the newer upload calls it).
    /// </summary>
    [SiloOnly]
    [OneWay]
    Task SupersedeAsync(string newerUploadId, string newerVersion);

    /// <summary>
    /// A distribution the build uses published what its dep-wait missed (<paramref name="reason"/>
    /// says what): the build is queued again at once, unless that attempt no longer waits (retried,
    /// cancelled, superseded). One-way: the dependency-wait grain forgets the wait as it sends this,
    /// and never waits on an upload (an upload waits on it when it records a wait).
    /// </summary>
    [SiloOnly]
    [OneWay]
    Task DependenciesAvailableAsync(string buildId, int attempt, string reason);

    /// <summary>
    /// An operator sets the upload's build priority (<c>uploads rescore</c>; higher is built
    /// first): its waiting builds move in the queue, later retries keep it, and the change and
    /// <paramref name="by"/> are recorded in the history. Returns what was done, or why not.
    /// </summary>
    [Operator]
    Task<string> RescoreAsync(int priority, string by);

    /// <summary>
    /// Interleaves: it only reads, and it must answer while the upload waits for a distribution's
    /// answer to its offer (Publishing), which may take as long as a publish.
    /// </summary>
    [Reader]
    [AlwaysInterleave]
    Task<UploadDetails?> GetDetailsAsync();

    /// <summary>
    /// The log of a build (the given architecture, else the running or last one) from a byte
    /// offset; null when the upload has no such build or it has not started.
    /// </summary>
    [Reader]
    [AlwaysInterleave]
    Task<LogChunk?> ReadLogAsync(string? architecture, long offset);
}
