using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Autobuilder.Benchmarks.Stage;
using Autobuilder.Grains;
using Autobuilder.Grains.Stage;
using Autobuilder.Testing;

namespace Autobuilder.Benchmarks.Web;

/// <summary>
/// The pages and the API against a static file served by the same server (the floor), on a real
/// silo of role "all" holding <c>uploads</c> uploads and a distribution of <c>packages</c> packages.
/// The uploads are written where the silo keeps them before it starts (<see cref="WebUploads"/>:
/// each upload's grain state file and its read model row, through the silo's own stores): the
/// fastest honest load, since the silo reads both as its own. The distribution (extras-devel/
/// bookworm) is filled through the running silo's repo-incoming queue with the publish benchmark's
/// generated packages (<see cref="StageUploads"/>), as an operator's bulk import would be. Each URL
/// is asked <c>requests</c> times, one at a time, after 5 warm-up requests; p50 and p95 of the wall
/// time of each answer (read whole). Upload pages ask a different upload each time (its grain
/// activated from its state file: the cold case). The garage's memory (RSS of the silo process)
/// after start, after the requests, and after touching many uploads' pages.
/// </summary>
internal sealed class WebBenchmark(string work, Report report)
{
    private const string Distribution = "extras-devel/bookworm";

    public async Task RunAsync(int uploads, int packages, int requests)
    {
        var root = Directory.CreateDirectory(Path.Combine(work, $"web-{Guid.NewGuid():N}")).FullName;
        try
        {
            await RunInAsync(root, uploads, packages, requests);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private async Task RunInAsync(string root, int uploads, int packages, int requests)
    {
        var dataRoot = Path.Combine(root, "var");
        var load = Stopwatch.StartNew();
        await WebUploads.WriteAsync(dataRoot, uploads);
        report.Line($"Loaded {uploads:N0} uploads (grain state files and read model rows) in {Report.S(load.Elapsed.TotalSeconds)}.");
        // The publish benchmark's packages, generated once and kept under the work folder.
        var generated = Path.Combine(work, $"publish-{packages}", "generated");
        if (packages > 0)
            StageUploads.EnsureGenerated(generated, packages);

        var port = SiloProcess.FreePort();
        var metricsPort = SiloProcess.FreePort();
        await using var silo = new SiloProcess(dataRoot, config =>
        {
            var autobuilder = config["Autobuilder"]!.AsObject();
            autobuilder["Slots"] = new JsonArray();
            autobuilder["Web"] = new JsonObject { ["Enabled"] = true, ["Port"] = port };
            // Orleans' activation count, read from the silo's own Prometheus endpoint.
            autobuilder["Metrics"] = new JsonObject { ["Enabled"] = true, ["Port"] = metricsPort };
            // The shortest idle time allowed, so that the run can see touched uploads leave memory.
            autobuilder["UploadMemory"] = new JsonObject { ["IdleMinutes"] = IdleMinutes };
        });
        await silo.StartAsync();
        var pid = silo.ProcessId!.Value;
        var rssStart = Rss(pid);

        if (packages > 0)
        {
            var fill = Stopwatch.StartNew();
            var queue = Path.Combine(dataRoot, "repo-incoming", "extras-devel", WebUploads.Product);
            Directory.CreateDirectory(queue);
            foreach (var i in Enumerable.Range(0, packages))
                StageUploads.Link(generated, queue, i);
            var distribution = silo.Grains.GetGrain<IDistributionGrain>(StageConfiguration.DistributionKey("extras-devel", WebUploads.Product));
            while ((await distribution.GetStatusAsync()) is not { BinaryPackages: var n, InSync: true } || n < packages)
            {
                if (fill.Elapsed > TimeSpan.FromMinutes(10))
                    throw new TimeoutException($"{Distribution} did not take {packages} packages in 10 minutes");
                await Task.Delay(1000);
            }
            report.Line($"The silo took {packages:N0} packages into {Distribution} through repo-incoming in {Report.S(fill.Elapsed.TotalSeconds)}.");
        }
        var rssLoaded = Rss(pid);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        var random = new Random(42);
        // A different published or rejected upload each time: its page asserts its history is there.
        string AnyUpload(out string expect)
        {
            var n = random.Next(uploads);
            expect = WebUploads.ReceivedLine(n);
            return WebUploads.Id(n);
        }
        var bench = packages > 0 ? $"bench{packages / 2}" : "bench0";
        (string Label, Func<(string Url, string? Expect)> Next)[] urls =
        [
            ("/static/site.css (the floor)", () => ("static/site.css", null)),
            ("/ (overview)", () => ("", null)),
            ("/uploads", () => ("uploads", null)),
            ("/uploads?state=rejected", () => ("uploads?state=rejected", null)),
            ("/uploads?source=pkg42", () => ("uploads?source=pkg42", null)),
            ("/uploads?uploader=uploader7", () => ("uploads?uploader=uploader7", null)),
            ("/uploads?since=2026-01-15", () => ("uploads?since=2026-01-15", null)),
            ("/uploads?offset=50000", () => ("uploads?offset=50000", null)),
            ("/uploads?q=pkg4242_ (search, 20 matches)", () => ("uploads?q=pkg4242_", "pkg4242_")),
            ("/uploads?q=no-such-text (search, no match)", () => ("uploads?q=no-such-text", null)),
            ("/uploads?q=generation 1234 (search, reason text)", () => ("uploads?q=generation%201234", null)),
            ("/uploads?q=published (search, 90 % match)", () => ("uploads?q=published", null)),
            ("/uploads/ID (a different upload each time)", () => { var id = AnyUpload(out var e); return ($"uploads/{id}", e); }),
            ("/api/v1/uploads", () => ("api/v1/uploads", null)),
            ("/api/v1/uploads?state=published&limit=1000", () => ("api/v1/uploads?state=published&limit=1000", null)),
            ("/api/v1/uploads?source=pkg42&offset=5", () => ("api/v1/uploads?source=pkg42&offset=5", null)),
            ("/api/v1/uploads/ID (a different upload each time)", () => { var id = AnyUpload(out var e); return ($"api/v1/uploads/{id}", e); }),
            ("/queue", () => ("queue", null)),
            ("/builders", () => ("builders", null)),
            ("/api/v1/status", () => ("api/v1/status", null)),
            ("/repositories", () => ("repositories", null)),
            ("/api/v1/repositories", () => ("api/v1/repositories", null)),
            ($"/repositories/{Distribution} (first page, generations)", () => ($"repositories/{Distribution}", null)),
            ($"/repositories/{Distribution}?from={bench} (a later page)", () => ($"repositories/{Distribution}?from={bench}", $">{bench}<")),
            ($"/api/v1/repositories/{Distribution}", () => ($"api/v1/repositories/{Distribution}", null)),
            ($"/api/v1/repositories/{Distribution}?from={bench}&limit=1000", () => ($"api/v1/repositories/{Distribution}?from={bench}&limit=1000", $"\"{bench}\"")),
            ($"/repositories/{Distribution}/qa/{bench} (a package's page)", () => ($"repositories/{Distribution}/qa/{bench}", bench)),
            ($"/api/v1/repositories/{Distribution}/excuses?source={bench}", () => ($"api/v1/repositories/{Distribution}/excuses?source={bench}", null)),
        ];
        var rows = new List<string> { "| URL | p50 | p95 | bytes |", "|---|---:|---:|---:|" };
        var missed = new List<string>();
        var asked = 0;
        foreach (var (label, next) in urls)
        {
            var times = new List<double>();
            long bytes = 0;
            for (var i = 0; i < requests + 5; i++)
            {
                var (url, expect) = next();
                var sw = Stopwatch.StartNew();
                using var answer = await http.GetAsync(url);
                var body = await answer.Content.ReadAsByteArrayAsync();
                sw.Stop();
                asked++;
                if (!answer.IsSuccessStatusCode)
                    throw new InvalidOperationException($"/{url} answered {(int)answer.StatusCode}");
                if (expect is not null && !Encoding.UTF8.GetString(body).Contains(expect, StringComparison.Ordinal))
                    throw new InvalidOperationException($"/{url} does not show '{expect}'");
                bytes = body.Length;
                if (i >= 5)
                    times.Add(sw.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            var p95 = Percentile(times, 0.95);
            if (p95 > 50)
                missed.Add(label);
            rows.Add($"| {label} | {Ms(Percentile(times, 0.50))} | {(p95 > 50 ? $"**{Ms(p95)}**" : Ms(p95))} | {bytes:N0} |");
            Console.Error.WriteLine($"web: {rows[^1]} (load {Report.Load()})");
        }
        var rssAfter = Rss(pid);

        // Many uploads' pages, as a crawler would walk them: each activates its upload's grain.
        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}/") };
        var activationsBefore = await ActivationsAsync(metrics);
        var touched = Math.Min(uploads, 10_000);
        var touch = Stopwatch.StartNew();
        for (var n = 0; n < touched; n++)
        {
            using var answer = await http.GetAsync($"api/v1/uploads/{WebUploads.Id(n)}");
            answer.EnsureSuccessStatusCode();
        }
        touch.Stop();
        var rssTouched = Rss(pid);
        var activationsTouched = await ActivationsAsync(metrics);
        // Then idle: the touched uploads' grains leave after IdleMinutes (Orleans looks once a minute).
        var idle = Stopwatch.StartNew();
        var activationsIdle = activationsTouched;
        while (idle.Elapsed < TimeSpan.FromMinutes(IdleMinutes + 2) && activationsIdle > activationsBefore + touched / 10)
        {
            await Task.Delay(5000);
            activationsIdle = await ActivationsAsync(metrics);
        }
        var rssIdle = Rss(pid);
        foreach (var row in rows)
            report.Line(row);
        report.Line("");
        report.Line($"Target p95 ≤ 50 ms: {(missed.Count == 0 ? "**met** by every URL" : $"**not met** by {string.Join(", ", missed)}")} (load {Report.Load()} at the end).");
        report.Line($"Silo RSS: {Mib(rssStart)} after start, {Mib(rssLoaded)} with the distribution loaded, {Mib(rssAfter)} after {asked:N0} requests, " +
                    $"{Mib(rssTouched)} after reading {touched:N0} other uploads' details ({Report.S(touch.Elapsed.TotalSeconds)}; Orleans activations " +
                    $"{activationsBefore:N0} → {activationsTouched:N0}), {Mib(rssIdle)} and {activationsIdle:N0} activations {idle.Elapsed.TotalSeconds:0} s later " +
                    $"(Autobuilder:UploadMemory:IdleMinutes {IdleMinutes}).");
    }

    private const double IdleMinutes = 2;

    /// <summary>Orleans' count of grain activations in the silo (orleans_catalog_activations on its metrics endpoint, its series summed); -1 when not served.</summary>
    private static async Task<long> ActivationsAsync(HttpClient metrics)
    {
        const string name = "orleans_catalog_activations";
        var lines = (await metrics.GetStringAsync("metrics")).Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal)).ToList();
        if (lines.Count == 0)
            return -1;
        // "name{labels} value [timestamp]" or "name value [timestamp]"
        return lines.Sum(l => (long)double.Parse((l.Contains('}') ? l[(l.LastIndexOf('}') + 1)..] : l[name.Length..]).Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }

    private static string Mib(long bytes) => $"{bytes / 1024.0 / 1024:0} MiB";

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>Resident set size in bytes (/proc/PID/status, VmRSS).</summary>
    private static long Rss(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
