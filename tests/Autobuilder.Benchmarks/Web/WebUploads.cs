using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Grains.Uploads;
using Autobuilder.Silo.Storage;
using Autobuilder.Silo.Uploads;

namespace Autobuilder.Benchmarks.Web;

/// <summary>
/// The web benchmark's uploads, written into a data root before its silo starts, where the silo
/// keeps them: each upload's own grain state (state/upload/upload/&lt;id&gt;.json, through the silo's
/// <see cref="FileGrainStorage"/>: the document its WriteStateAsync writes, without the fsyncs) and
/// its row in the uploads' read model (state/uploads.sqlite, through <see cref="SqliteUploadIndex"/>).
/// The row is what the upload grain would have written for that state (same last reason, latency,
/// settled flag). One product, 5,000 sources, one upload every 30 s, 50 uploaders; 10 % rejected
/// by the version check, the rest built on one slot and published in extras-devel/bookworm: eight
/// transitions, one build, two mails, one publication each (what the walk of a real upload leaves).
/// </summary>
internal static class WebUploads
{
    public const string Product = "bookworm";
    public const string Distribution = "extras-devel/bookworm";
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string Source(int n) => $"pkg{n % 5000}";

    public static string Version(int n) => $"1.{n / 5000}-1";

    public static string Id(int n) => $"{Product}/{Source(n)}_{Version(n)}/1";

    public static bool Rejected(int n) => n % 10 == 0;

    /// <summary>The line of upload <paramref name="n"/>'s history its page must show.</summary>
    public static string ReceivedLine(int n) => $"received {Source(n)}_{Version(n)}.dsc for {Product}";

    /// <summary>Writes <paramref name="count"/> uploads (grain states in parallel, read model rows in batches).</summary>
    public static async Task WriteAsync(string dataRoot, int count)
    {
        var state = Path.Combine(dataRoot, "state");
        Directory.CreateDirectory(state);
        var storage = new FileGrainStorage(state);
        var index = new SqliteUploadIndex(Path.Combine(state, "uploads.sqlite"));
        const int batch = 10_000;
        for (var start = 0; start < count; start += batch)
        {
            var summaries = new UploadSummary[Math.Min(batch, count - start)];
            Parallel.For(0, summaries.Length, i =>
            {
                var n = start + i;
                var upload = State(n);
                storage.Import("upload", GrainId.Create("upload", Id(n)), upload);
                summaries[i] = Summary(Id(n), upload);
            });
            await index.SaveAsync(summaries);
        }
        // One sync for all the files the imports left unsynced.
        Autobuilder.Testing.Tool.Run("sync").Ok();
    }

    private static UploadGrainState State(int n)
    {
        var source = Source(n);
        var version = Version(n);
        var at = Start.AddSeconds(n * 30.0);
        var login = $"uploader{n % 50}";
        var dsc = $"{source}_{version}.dsc";
        var s = new UploadGrainState
        {
            Ticket = $"{n:x8}",
            Product = Product,
            DscFileName = dsc,
            Folder = $"/var/lib/autobuilder/uploads/{Product}/{source}_{version}/1",
            Source = source,
            Version = version,
            Uploader = $"Uploader {n % 50} <{login}@example.org>",
            ReceivedAt = at,
            Origin = new UploadOrigin(UploadChannel.Ssh, login),
            Identity = new UploadIdentity(login, $"OpenPGP signature of {source}_{version}_source.changes by {login}", $"{n % 50:X40}", $"{source}_{version}_source.changes"),
            Files = [dsc, $"{source}_{version}.tar.xz", $"{source}_{version}_source.changes"],
            ChangesFileName = $"{source}_{version}_source.changes",
            AccountEmail = $"{login}@example.org",
        };
        var history = s.History;
        history.Add(new UploadTransition(at, UploadState.Received, UploadState.Received, $"received {dsc} for {Product} (intake ticket {s.Ticket})"));
        if (Rejected(n))
        {
            var why = $"{source} {version}: version is not newer than {source} {version} accepted before";
            s.Problems = [why];
            s.Rejections = [new UploadRejection("version", dsc, "Version", $"newer than {version}", version, why)];
            history.Add(new UploadTransition(at.AddSeconds(1), UploadState.Received, UploadState.Rejected, why));
            s.State = UploadState.Rejected;
            s.Outcome = UploadState.Rejected;
            s.RejectedFolder = $"/var/lib/autobuilder/rejected/{Product}/{source}_{version}/1";
            s.RejectionMailed = true;
            s.Mails = [new UploadMail("rejection", [$"{login}@example.org"], [], $"Rejected: {source} {version} ({Product})", at.AddSeconds(2), at.AddSeconds(2), 1, "sent")];
            s.UpdatedAt = at.AddSeconds(2);
            return s;
        }
        var slot = $"localhost/abbuild{1 + n % 2}";
        var generation = 2 + n;
        history.Add(new UploadTransition(at.AddSeconds(1), UploadState.Received, UploadState.Verified,
            $"all 3 files intact; uploader: {s.Identity.How}; builds: amd64 (binary)"));
        history.Add(new UploadTransition(at.AddSeconds(1), UploadState.Verified, UploadState.Queued, "1 build(s) queued"));
        history.Add(new UploadTransition(at.AddSeconds(5), UploadState.Queued, UploadState.Building, $"amd64: attempt 1 started on {slot}"));
        history.Add(new UploadTransition(at.AddSeconds(300), UploadState.Building, UploadState.Built, "amd64: Success"));
        history.Add(new UploadTransition(at.AddSeconds(300), UploadState.Built, UploadState.Publishing,
            $"offering {source} {version} (source and 1 build(s)) to {Distribution}"));
        history.Add(new UploadTransition(at.AddSeconds(301), UploadState.Publishing, UploadState.Published, $"published in {Distribution}, generation {generation}"));
        history.Add(new UploadTransition(at.AddSeconds(302), UploadState.Published, UploadState.Done, $"published in {Distribution}, generation {generation}"));
        s.Builds =
        [
            new BuildRecord
            {
                Architecture = "amd64", Type = BuildType.Binary, State = BuildState.Finished, Attempt = 1, Slot = slot, Outcome = BuildOutcome.Success,
                Summary = "dpkg-buildpackage: 1 .deb", LogPath = $"/var/lib/autobuilder/logs/{Product}/{source}_{version}/1/amd64-1.log",
                ResultsFolder = $"/var/lib/autobuilder/results/{Product}/{source}_{version}/1/amd64", Started = at.AddSeconds(5), Finished = at.AddSeconds(300),
                HandedOff = true, Mailed = true,
            },
        ];
        s.Publications = [new OfferAnswer(Distribution, true, generation, at.AddSeconds(301.2), [], null, at.AddSeconds(301))];
        s.PublicationMailed = true;
        s.Mails =
        [
            new UploadMail("build amd64", [$"{login}@example.org"], ["builds@example.org"], $"Built: {source} {version} on amd64 ({Product})", at.AddSeconds(300), at.AddSeconds(300), 1, "sent"),
            new UploadMail("publication", [$"{login}@example.org"], [], $"Published: {source} {version} in {Distribution}", at.AddSeconds(302), at.AddSeconds(302), 1, "sent"),
        ];
        s.State = UploadState.Done;
        s.Outcome = UploadState.Published;
        s.UpdatedAt = at.AddSeconds(302);
        return s;
    }

    /// <summary>The read model's row of that state, as the grain's snapshot makes it.</summary>
    private static UploadSummary Summary(string id, UploadGrainState s)
    {
        DateTimeOffset? First(UploadState state) => s.History.FirstOrDefault(h => h.To == state)?.At;
        var published = s.Publications.Where(p => p.Published).ToList();
        var latency = new UploadLatency(s.ReceivedAt, First(UploadState.Verified), First(UploadState.Building), First(UploadState.Built),
            published.Count > 0 ? published.Max(p => p.AcceptedAt ?? p.LiveAt) : null, published.Count > 0 ? published.Max(p => p.LiveAt) : null);
        return new UploadSummary(id, s.Product, s.Source, s.Version, s.State, s.Outcome, s.ReceivedAt, s.UpdatedAt, s.History[^1].Reason,
            s.State == UploadState.Done || (s.State == UploadState.Rejected && s.RejectionMailed), latency, s.Identity?.Account);
    }
}
