using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Silo.Uploads;
using Autobuilder.Testing;

namespace Autobuilder.Benchmarks.Web;

/// <summary>
/// The pages and the API against a static file served by the same server (the floor), on a real
/// silo of role "all" whose uploads' read model holds <c>uploads</c> uploads. They are written into
/// the silo's own read model file (state/uploads.sqlite, through the store the silo uses) before it
/// starts: the fastest honest load, since the silo reads that file as its own. Each URL is asked
/// <c>requests</c> times, one at a time, after a warm-up; p50 and p95 of the wall time of each
/// answer (read whole). The garage's memory (RSS of the silo process) before and after.
/// Not here (yet): a 50,000-package distribution behind the repository pages, and the transitions
/// of the loaded uploads (their own grains' state): the upload pages of loaded uploads answer 404.
/// </summary>
internal sealed class WebBenchmark(string work, Report report)
{
    public async Task RunAsync(int uploads, int requests)
    {
        var root = Directory.CreateDirectory(Path.Combine(work, $"web-{Guid.NewGuid():N}")).FullName;
        try
        {
            await RunInAsync(root, uploads, requests);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private async Task RunInAsync(string root, int uploads, int requests)
    {
        var dataRoot = Path.Combine(root, "var");
        var load = Stopwatch.StartNew();
        Directory.CreateDirectory(Path.Combine(dataRoot, "state"));
        var index = new SqliteUploadIndex(Path.Combine(dataRoot, "state", "uploads.sqlite"));
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        const int batch = 10_000;
        for (var start = 0; start < uploads; start += batch)
        {
            await index.SaveAsync(Enumerable.Range(start, Math.Min(batch, uploads - start)).Select(n =>
            {
                var source = $"pkg{n % 5000}";
                var version = $"1.{n / 5000}-1";
                var rejected = n % 10 == 0;
                return new UploadSummary($"bookworm/{source}_{version}/1", "bookworm", source, version,
                    rejected ? UploadState.Rejected : UploadState.Done, rejected ? UploadState.Rejected : UploadState.Published,
                    t0.AddSeconds(n * 30), t0.AddSeconds(n * 30 + 600),
                    rejected ? "version is not newer than the one accepted" : "published in extras-devel/bookworm, generation 2", true,
                    new UploadLatency(t0.AddSeconds(n * 30), t0.AddSeconds(n * 30 + 1), t0.AddSeconds(n * 30 + 5), t0.AddSeconds(n * 30 + 300), t0.AddSeconds(n * 30 + 301), t0.AddSeconds(n * 30 + 302)),
                    $"uploader{n % 50}");
            }).ToList());
        }
        report.Line($"Loaded {uploads:N0} uploads into the read model in {Report.S(load.Elapsed.TotalSeconds)}.");

        var port = SiloProcess.FreePort();
        await using var silo = new SiloProcess(dataRoot, config =>
        {
            var autobuilder = config["Autobuilder"]!.AsObject();
            autobuilder["Slots"] = new JsonArray();
            autobuilder["Web"] = new JsonObject { ["Enabled"] = true, ["Port"] = port };
        });
        await silo.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        var rssBefore = Rss(silo.ProcessId!.Value);

        string[] urls =
        [
            "static/site.css", "", "uploads", "uploads?state=rejected", "uploads?source=pkg42", "uploads?uploader=uploader7",
            "uploads?since=2026-01-15", "uploads?q=pkg4242_", "uploads?offset=50000", "uploads?q=no-such-text",
            "api/v1/uploads", "api/v1/uploads?state=published&limit=1000", "api/v1/uploads?source=pkg42&offset=5",
            "queue", "builders", "repositories", "api/v1/status", "api/v1/repositories",
        ];
        var rows = new List<string> { "| URL | p50 | p95 | bytes |", "|---|---|---|---|" };
        foreach (var url in urls)
        {
            var times = new List<double>();
            long bytes = 0;
            for (var i = 0; i < requests + 5; i++)
            {
                var sw = Stopwatch.StartNew();
                using var answer = await http.GetAsync(url);
                var body = await answer.Content.ReadAsByteArrayAsync();
                sw.Stop();
                if (!answer.IsSuccessStatusCode)
                    throw new InvalidOperationException($"/{url} answered {(int)answer.StatusCode}");
                bytes = body.Length;
                if (i >= 5)
                    times.Add(sw.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            rows.Add($"| /{url} | {Ms(Percentile(times, 0.50))} | {Ms(Percentile(times, 0.95))} | {bytes:N0} |");
        }
        var rssAfter = Rss(silo.ProcessId!.Value);
        foreach (var row in rows)
            report.Line(row);
        report.Line($"Silo RSS: {rssBefore / 1024.0 / 1024:0} MiB after start, {rssAfter / 1024.0 / 1024:0} MiB after {urls.Length * (requests + 5):N0} requests (load {Report.Load()}).");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>Resident set size in bytes (/proc/PID/status, VmRSS).</summary>
    private static long Rss(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
