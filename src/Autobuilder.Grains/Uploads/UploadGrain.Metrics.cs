using Autobuilder.Grains.Metrics;

namespace Autobuilder.Grains.Uploads;

/// <summary>
/// What an upload adds to the metrics (docs/metrics.md): each called once, where the event is
/// recorded in the state, so a replayed call (which returns before recording) counts nothing twice.
/// </summary>
public sealed partial class UploadGrain
{
    private static void CountRejections(IEnumerable<UploadRejection> rejections)
    {
        foreach (var check in rejections.Select(r => r.Check).Distinct(StringComparer.Ordinal))
            AutobuilderMetrics.Rejections.Add(1, new KeyValuePair<string, object?>("check", check));
    }

    private static void RecordBuildDuration(BuildRecord build, BuildResult result) =>
        AutobuilderMetrics.BuildDuration.Record(Math.Max(0, (result.Finished - result.Started).TotalSeconds),
            new KeyValuePair<string, object?>("outcome", AutobuilderMetrics.Label(build.Outcome ?? result.Outcome)),
            new KeyValuePair<string, object?>("architecture", build.Architecture));

    private static void RecordPublishDuration(OfferAnswer answer, TimeSpan took)
    {
        AutobuilderMetrics.PublishDuration.Record(took.TotalSeconds,
            new KeyValuePair<string, object?>("outcome", answer.Published ? "published" : "rejected"));
        if (!answer.Published)
            AutobuilderMetrics.Rejections.Add(1, new KeyValuePair<string, object?>("check", "stage"));
    }

    /// <summary>Upload → published and upload → live, from the latency legs once the upload is Published.</summary>
    private void RecordWalk()
    {
        var latency = Latency();
        if (latency.Published is { } published)
            AutobuilderMetrics.UploadToPublished.Record(Math.Max(0, (published - latency.Landed).TotalSeconds));
        if (latency.Live is { } live)
            AutobuilderMetrics.UploadToLive.Record(Math.Max(0, (live - latency.Landed).TotalSeconds));
    }

    private static void CountMailFailure(bool permanent) =>
        AutobuilderMetrics.MailFailures.Add(1, new KeyValuePair<string, object?>("permanent", permanent ? "true" : "false"));
}
