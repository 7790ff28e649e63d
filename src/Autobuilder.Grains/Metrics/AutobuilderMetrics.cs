using System.Diagnostics.Metrics;

namespace Autobuilder.Grains.Metrics;

/// <summary>
/// The autobuilder's own instruments (meter "Autobuilder"), exported by the silo's Prometheus
/// endpoint (docs/metrics.md). Names are already Prometheus names, so the exporter adds nothing.
/// Grains record events where they happen (one line each); gauges read snapshots that the grain
/// owning the data publishes from its own turn, so no exporter thread ever reads grain state.
/// Everything here is in memory: no I/O, so grains may call it.
/// </summary>
public static class AutobuilderMetrics
{
    public const string MeterName = "Autobuilder";

    public static readonly Meter Meter = new(MeterName, "1.0");

    // Builds take seconds to hours; an upload's walk up to a day.
    private static readonly double[] BuildBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800];
    private static readonly double[] WalkBuckets = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 86400];
    private static readonly double[] PublishBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    /// <summary>A snapshot older than this is not reported: its grain moved or stopped, another silo reports it now.</summary>
    public static readonly TimeSpan SnapshotLifetime = TimeSpan.FromSeconds(60);

    public static readonly Histogram<double> BuildDuration = Meter.CreateHistogram(
        "autobuilder_build_duration_seconds", "s", "How long a finished build ran, by outcome and architecture.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = BuildBuckets });

    public static readonly Histogram<double> UploadToPublished = Meter.CreateHistogram(
        "autobuilder_upload_to_published_seconds", "s", "From an upload's landing to the stage's acceptance of it (every target distribution).",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WalkBuckets });

    public static readonly Histogram<double> UploadToLive = Meter.CreateHistogram(
        "autobuilder_upload_to_live_seconds", "s", "From an upload's landing to its generation being served by the stage host.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WalkBuckets });

    public static readonly Histogram<double> PublishDuration = Meter.CreateHistogram(
        "autobuilder_publish_duration_seconds", "s", "How long a distribution took to answer an upload's offer (fetch, checks, journal, publish), by outcome.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PublishBuckets });

    public static readonly Counter<long> Rejections = Meter.CreateCounter<long>(
        "autobuilder_rejections_total", null, "Rejections by the acceptance check that refused (a rejected upload counts once per failed check); check=\"stage\" for a stage's refusal.");

    public static readonly Counter<long> MailFailures = Meter.CreateCounter<long>(
        "autobuilder_mail_failures_total", null, "Mails not sent: permanent=\"true\" given up for good, \"false\" tried again later.");

    private static SchedulerSnapshot? _scheduler;
    private static RemoteSyncSnapshot? _remote;

    static AutobuilderMetrics()
    {
        Meter.CreateObservableGauge("autobuilder_builds_waiting", () => Current(_scheduler)?.Waiting.Select(w =>
            new Measurement<long>(w.Value, new KeyValuePair<string, object?>("architecture", w.Key))) ?? [],
            null, "Builds waiting in the scheduler's queue, by architecture.");
        Meter.CreateObservableGauge("autobuilder_builds_running", () => Current(_scheduler)?.Running.Select(r =>
            new Measurement<long>(r.Value, new KeyValuePair<string, object?>("architecture", r.Key))) ?? [],
            null, "Builds given to a slot and not yet ended, by architecture.");
        Meter.CreateObservableGauge("autobuilder_slots", () => Current(_scheduler)?.Slots.Select(s =>
            new Measurement<long>(s.Value, new KeyValuePair<string, object?>("state", s.Key))) ?? [],
            null, "Builder slots by state (idle, busy, draining, offline).");
        Meter.CreateObservableGauge("autobuilder_remote_sync_lag_seconds", () => Current(_remote)?.Lag.Select(l =>
            new Measurement<double>(l.Value, new KeyValuePair<string, object?>("distribution", l.Key))) ?? [],
            "s", "How long a distribution's remote live tree has been behind its published generation (0: in sync).");
    }

    /// <summary>The scheduler's counts, published from its own turn.</summary>
    public static void PublishScheduler(SchedulerSnapshot snapshot) => _scheduler = snapshot;

    /// <summary>The remote trees' lag, published by the silo's poller.</summary>
    public static void PublishRemoteSync(RemoteSyncSnapshot snapshot) => _remote = snapshot;

    /// <summary>The scheduler's last snapshot if it is recent (for tests and the gauges).</summary>
    public static SchedulerSnapshot? Scheduler => Current(_scheduler);

    private static T? Current<T>(T? snapshot) where T : class, ISnapshot =>
        snapshot is not null && DateTimeOffset.UtcNow - snapshot.At < SnapshotLifetime ? snapshot : null;

    /// <summary>A label value for an enum: the console's and the API's kebab-case word ("build-failed").</summary>
    public static string Label<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}

public interface ISnapshot
{
    DateTimeOffset At { get; }
}

/// <summary>Counts by architecture and slot state at one moment.</summary>
public sealed record SchedulerSnapshot(
    DateTimeOffset At,
    IReadOnlyDictionary<string, long> Waiting,
    IReadOnlyDictionary<string, long> Running,
    IReadOnlyDictionary<string, long> Slots) : ISnapshot;

/// <summary>Seconds each remote live tree is behind, keyed "repository/product".</summary>
public sealed record RemoteSyncSnapshot(DateTimeOffset At, IReadOnlyDictionary<string, double> Lag) : ISnapshot;
