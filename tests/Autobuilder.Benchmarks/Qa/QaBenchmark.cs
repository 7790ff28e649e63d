using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Autobuilder.Benchmarks.Cluster;
using Autobuilder.Benchmarks.Pipeline;
using Autobuilder.Grains;
using Autobuilder.Grains.Stage;
using Autobuilder.Testing;

namespace Autobuilder.Benchmarks.Qa;

/// <summary>
/// The excuses of a big testing repository as a user meets them (issue 15's speed): the real
/// <c>autobuilder-silo</c> of role all with the shipped all.json (its QA ladder: extras-testing →
/// extras, 10 days, karma 10; its base: the machine's bookworm apt lists), extras-testing holding
/// <c>packages</c> packages of which the last <c>candidates</c> are not in extras (half new, half
/// an update of an older version extras holds), both filled through their own repo-incoming queues
/// (opened for this bulk load). Timed: the excuses through /api/v1 (warm, p50/p95 of
/// <c>reads</c> reads, each answer read whole) and through the console (a process per run), the
/// first read after a publish to the target (the installability verdicts recomputed), a vote until
/// the excuses show it; beside dose-debcheck run alone as a process on the same live indices and
/// the same base (decompressed beforehand, as dose cannot read apt's .lz4): the floor, once with
/// the whole testing index as foreground and once with only the candidates' stanzas.
/// </summary>
internal sealed class QaBenchmark(string repo, string work, Report report, int runs)
{
    private const string Testing = "extras-testing";
    private const string Target = "extras";
    private const string Product = QaUploads.Product;
    // Later uploads to the target: each one a publish after which the next read recomputes installability.
    private const int Publishes = 3;

    public async Task RunAsync(int packages, int candidates, int reads)
    {
        var root = Path.Combine(work, $"qa-{packages}-{candidates}");
        var generated = Path.Combine(root, "generated");
        var generate = Stopwatch.StartNew();
        QaUploads.EnsureGenerated(generated, packages, candidates, Publishes);
        var generateSeconds = generate.Elapsed.TotalSeconds;
        var data = Path.Combine(root, "silo");
        if (Directory.Exists(data))
            Directory.Delete(data, recursive: true);
        report.Heading($"QA excuses: {packages:N0} packages in {Testing}, {candidates:N0} candidates for {Target}, through the running silo, against dose-debcheck alone");

        var webPort = 0;
        await using var silo = ShippedSilo.Create(repo, "all", data, null, null, config =>
        {
            webPort = config["Autobuilder"]!["Web"]!["Port"]!.GetValue<int>();
            // The shipped stage (the default repositories), extras-testing and extras taking repo-incoming too for the bulk load.
            var repositories = new JsonArray();
            foreach (var name in StageConfiguration.DefaultRepositories)
                repositories.Add(new JsonObject { ["Name"] = name, ["AcceptsUploads"] = name is "extras-devel" or "community-testing" or Testing or Target });
            config["Autobuilder"]!["Stage"] = new JsonObject { ["Repositories"] = repositories };
        });
        await silo.StartAsync();

        // The load, through the silo's own queue watchers.
        var load = Stopwatch.StartNew();
        var inTarget = packages - candidates + candidates / 2;
        var testingQueue = Directory.CreateDirectory(Path.Combine(data, "repo-incoming", Testing, Product)).FullName;
        var targetQueue = Directory.CreateDirectory(Path.Combine(data, "repo-incoming", Target, Product)).FullName;
        for (var i = 0; i < packages; i++)
        {
            QaUploads.Link(generated, testingQueue, i, QaUploads.Current);
            if (i < packages - candidates)
                QaUploads.Link(generated, targetQueue, i, QaUploads.Current);
            else if (i % 2 == 0)
                QaUploads.Link(generated, targetQueue, i, QaUploads.Older);
        }
        await HoldsAsync(silo, Testing, packages, TimeSpan.FromMinutes(20));
        await HoldsAsync(silo, Target, inTarget, TimeSpan.FromMinutes(20));
        var loadSeconds = load.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"qa: the silo took {packages:N0} + {inTarget:N0} packages through repo-incoming in {loadSeconds:0.0} s");

        var live = Path.Combine(data, "repos", "live");
        string Index(string repository) => Path.Combine(live, repository, "dists", Product, "main", "binary-amd64", "Packages.gz");
        var baseFiles = DecompressBase(Path.Combine(root, "base"));
        var candidateStanzas = Path.Combine(root, "fg-candidates");
        WriteCandidates(Index(Testing), candidateStanzas, packages - candidates);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}/"), Timeout = TimeSpan.FromMinutes(5) };
        const string excusesUrl = $"api/v1/repositories/{Testing}/{Product}/excuses";
        var expectedBroken = Enumerable.Range(packages - candidates, candidates).Count(i => QaUploads.Broken(i, packages, candidates));

        // The first read after the start: JIT, both package sets listed, dose-debcheck on every candidate.
        var notes = new List<string>();
        Quiet(notes, "the first read");
        var (first, firstBody) = await ReadAsync(http, excusesUrl);
        Check(firstBody, candidates, expectedBroken);

        // Warm: what a user meets while nothing was published.
        Quiet(notes, "the warm reads");
        for (var i = 0; i < 3; i++)
            await ReadAsync(http, excusesUrl);
        var warm = new List<double>();
        long bytes = 0;
        for (var i = 0; i < reads; i++)
        {
            var (seconds, body) = await ReadAsync(http, excusesUrl);
            warm.Add(seconds);
            bytes = Encoding.UTF8.GetByteCount(body);
        }

        // The console, a process per run (start-up, certificate proof, the call, JSON out).
        var consoleTimes = new List<double>();
        var console = Path.Combine(repo, "src", "Autobuilder.Admin", "bin", "Release", "net10.0", "autobuilder.dll");
        if (File.Exists(console))
        {
            var output = Path.Combine(root, "console.json");
            for (var i = 0; i < Math.Max(3, runs); i++)
                consoleTimes.Add(Measure.Run(output, "dotnet", [console, "repo", "excuses", $"{Testing}/{Product}", "--json", .. silo.ConsoleArguments]));
            Check(File.ReadAllText(output), candidates, expectedBroken);
        }
        else
            notes.Add($"the console was not built ({console}): `dotnet build src/Autobuilder.Admin -c Release` first to time `repo excuses`");

        // A vote, and the read that must show it.
        var voter = "qatester";
        await silo.Grains.GetGrain<IAccountDirectoryGrain>(0).AddAsync(new NewAccount(voter, "QA Tester", "qatester@example.org", []));
        var votedOn = QaUploads.Name(packages - 1);
        var voteClock = Stopwatch.StartNew();
        var vote = await silo.Grains.GetGrain<IQaGrain>($"{Testing}/{Product}").VoteAsync(new QaVote(votedOn, QaUploads.Current, voter, 1, "works for me", false));
        if (!vote.Ok)
            throw new InvalidOperationException($"the vote was refused: {vote.Message}");
        var voteSeconds = voteClock.Elapsed.TotalSeconds;
        var (shownSeconds, shown) = await ReadAsync(http, $"{excusesUrl}?source={votedOn}");
        var karma = JsonNode.Parse(shown)!["packages"]!.AsArray().Single()!["karma"]!.GetValue<int>();
        if (karma != 1)
            throw new InvalidOperationException($"the read after the vote shows karma {karma}, not 1");

        // After a publish to the target: the first read recomputes installability (once), the next is warm again.
        Quiet(notes, "the reads after a publish");
        var afterPublish = new List<double>();
        var warmAgain = new List<double>();
        for (var k = 0; k < Publishes; k++)
        {
            QaUploads.Link(generated, targetQueue, packages + k, QaUploads.Current);
            await HoldsAsync(silo, Target, inTarget + k + 1, TimeSpan.FromMinutes(2));
            var (seconds, body) = await ReadAsync(http, excusesUrl);
            Check(body, candidates, expectedBroken);
            afterPublish.Add(seconds);
            warmAgain.Add((await ReadAsync(http, excusesUrl)).Seconds);
        }

        // A publish every candidate reaches (then one most reach at full size): qabench1 (qabench2) at a newer version into
        // both repositories; the verdicts of the candidates reaching it are judged again.
        Quiet(notes, "the reads after a publish the candidates reach");
        var afterReaching = new List<double>();
        foreach (var i in QaUploads.Reaching)
        {
            QaUploads.Link(generated, testingQueue, i, QaUploads.Newer);
            QaUploads.Link(generated, targetQueue, i, QaUploads.Newer);
            await HoldsVersionAsync(silo, Testing, QaUploads.Name(i), QaUploads.Newer, TimeSpan.FromMinutes(2));
            await HoldsVersionAsync(silo, Target, QaUploads.Name(i), QaUploads.Newer, TimeSpan.FromMinutes(2));
            var (seconds, body) = await ReadAsync(http, excusesUrl);
            Check(body, candidates, expectedBroken);
            afterReaching.Add(seconds);
        }

        // The floor: dose-debcheck alone, as a process, on the same indices.
        Quiet(notes, "dose-debcheck alone");
        // Plain copies: dose-debcheck reads only the first gzip member of a Packages.gz, and our
        // publisher compresses in blocks (a 50,000-package index is many members).
        var testingPlain = Gunzip(Index(Testing), Path.Combine(root, "testing-Packages"));
        string[] background = [$"--bg={Gunzip(Index(Target), Path.Combine(root, "target-Packages"))}", .. baseFiles.Select(f => $"--bg={f}")];
        var doseOut = Path.Combine(root, "dose.yaml");
        var whole = DoseAlone(doseOut, testingPlain, background);
        var wholeBroken = File.ReadLines(doseOut).Count(l => l.StartsWith("  package: ", StringComparison.Ordinal));
        var only = DoseAlone(doseOut, candidateStanzas, background);
        var onlyBroken = File.ReadLines(doseOut).Count(l => l.StartsWith("  package: ", StringComparison.Ordinal));
        if (onlyBroken != expectedBroken || wholeBroken != expectedBroken)
            throw new InvalidOperationException($"dose-debcheck alone found {wholeBroken} (whole index) and {onlyBroken} (candidates) broken packages, not {expectedBroken}");

        static double P(List<double> values, int p) => PipelineBenchmark.Pct([.. values.Order()], p);
        static string Pair(List<double> values) => values.Count == 0 ? "—" : $"{P(values, 50):0.000} s / {P(values, 95):0.000} s";
        report.Line($"Data: {packages + Publishes:N0} tiny .debs with their .changes generated in {generateSeconds:0.0} s (0 when an earlier run left them), " +
                    $"taken by the silo's repo-incoming watchers ({packages:N0} into {Testing}, {inTarget:N0} into {Target}) in {loadSeconds:0.0} s. " +
                    $"Base: {baseFiles.Count} bookworm Packages files of this machine's apt lists (the shipped BaseIndices). " +
                    $"{expectedBroken} candidates are uninstallable by design; both sides find exactly those.");
        report.Line("");
        report.Line("| measure | p50 / p95 (wall) | CPU (p50 run) |");
        report.Line("| --- | ---: | ---: |");
        report.Line($"| **ours: excuses through /api/v1, warm** ({reads} reads, {bytes / 1024.0 / 1024:0.0} MiB of JSON each) | **{Pair(warm)}** | |");
        report.Line($"| ours: `autobuilder repo excuses {Testing}/{Product} --json` (a console process per run) | {Pair(consoleTimes)} | |");
        report.Line($"| ours: the first read after a publish to {Target} (installability recomputed) | {Pair(afterPublish)} | |");
        report.Line($"| ours: the read after that (warm again) | {Pair(warmAgain)} | |");
        report.Line($"| ours: the first read after a publish to both of a package every candidate reaches (then qabench2) ({string.Join(", ", afterReaching.Select(s => $"{s:0.000} s"))}) | {Pair(afterReaching)} | |");
        report.Line($"| ours: the first read after the silo started (JIT, both package sets listed, dose) | {first:0.000} s | |");
        report.Line($"| ours: a vote (grain call), then the read of that package's excuses showing it (karma 1) | {voteSeconds:0.000} s + {shownSeconds:0.000} s | |");
        report.Line($"| dose-debcheck alone, foreground the whole {Testing} index ({packages:N0}) | {Pair(whole.Wall)} | {P(whole.Cpu, 50):0.000} s |");
        report.Line($"| dose-debcheck alone, foreground the {candidates:N0} candidates' stanzas | {Pair(only.Wall)} | {P(only.Cpu, 50):0.000} s |");
        report.Line("");
        var ratio = P(whole.Wall, 50) / P(warm, 50);
        report.Line($"dose-debcheck alone (whole index) ÷ ours warm (p50): **{ratio:0.0}×**; ÷ ours after a publish: {P(whole.Wall, 50) / P(afterPublish, 50):0.00}×. " +
                    $"Target (issue 15): excuses of {candidates:N0} candidates, installability included, in ≤ 2 s: " +
                    $"warm p95 {P(warm, 95):0.000} s: **{(P(warm, 95) <= 2 ? "met" : "not met")}**; the first read after a publish p95 {P(afterPublish, 95):0.000} s: " +
                    $"**{(P(afterPublish, 95) <= 2 ? "met" : "not met")}**; after a publish every candidate reaches, at most {afterReaching.Max():0.000} s: " +
                    $"**{(afterReaching.Max() <= 2 ? "met" : "not met")}**. A vote shows in the very next read. Load average {Report.Load()} at the end.");
        foreach (var note in notes)
            report.Line($"- {note}");
        // What the silo's installability checker judged again on each change (its log), the last ones.
        foreach (var line in silo.Output.Split('\n').Where(l => l.Contains("dose-debcheck judged", StringComparison.Ordinal)).TakeLast(2 + Publishes + QaUploads.Reaching.Length))
            report.Line($"- silo: {line.Trim()}");
    }

    /// <summary>One GET, the answer read whole: seconds and body.</summary>
    private static async Task<(double Seconds, string Body)> ReadAsync(HttpClient http, string url)
    {
        var sw = Stopwatch.StartNew();
        using var answer = await http.GetAsync(url);
        var body = await answer.Content.ReadAsStringAsync();
        sw.Stop();
        if (!answer.IsSuccessStatusCode)
            throw new InvalidOperationException($"/{url} answered {(int)answer.StatusCode}: {body}");
        return (sw.Elapsed.TotalSeconds, body);
    }

    /// <summary>Every candidate listed, and exactly the broken ones held by an installability reason naming what they need.</summary>
    private static void Check(string json, int candidates, int broken)
    {
        var listed = JsonNode.Parse(json)!["packages"]!.AsArray();
        var notInstallable = listed.Count(p => p!["reasons"]!.AsArray().Any(r => r!["kind"]!.GetValue<string>() == "installable"
            && r["text"]!.GetValue<string>().Contains(" needs ", StringComparison.Ordinal)));
        if (listed.Count != candidates || notInstallable != broken)
            throw new InvalidOperationException($"the excuses list {listed.Count} candidates ({candidates} expected), {notInstallable} not installable ({broken} expected)");
    }

    private static async Task HoldsAsync(SiloProcess silo, string repository, int count, TimeSpan timeout)
    {
        var distribution = silo.Grains.GetGrain<IDistributionGrain>(StageConfiguration.DistributionKey(repository, Product));
        var sw = Stopwatch.StartNew();
        while ((await distribution.GetStatusAsync()) is not { BinaryPackages: var n, InSync: true } || n < count)
        {
            if (sw.Elapsed > timeout)
                throw new TimeoutException($"{repository}/{Product} did not take {count} packages in {timeout.TotalMinutes:0} minutes");
            await Task.Delay(250);
        }
    }

    private static async Task HoldsVersionAsync(SiloProcess silo, string repository, string source, string version, TimeSpan timeout)
    {
        var distribution = silo.Grains.GetGrain<IDistributionGrain>(StageConfiguration.DistributionKey(repository, Product));
        var sw = Stopwatch.StartNew();
        while (!(await distribution.GetSourceVersionsAsync(source)).Contains(version) || !(await distribution.GetStatusAsync()).InSync)
        {
            if (sw.Elapsed > timeout)
                throw new TimeoutException($"{repository}/{Product} did not take {source} {version} in {timeout.TotalMinutes:0} minutes");
            await Task.Delay(250);
        }
    }

    /// <summary>The shipped BaseIndices (silo-config/all.json) for amd64, decompressed with apt-helper as the silo does on a run, here before any timing.</summary>
    private List<string> DecompressBase(string folder)
    {
        Directory.CreateDirectory(folder);
        var shipped = JsonNode.Parse(File.ReadAllText(Path.Combine(repo, "silo-config", "all.json")))!;
        var patterns = shipped["Autobuilder"]!["Qa"]!["BaseIndices"]![Product]!.AsArray().Select(p => p!.GetValue<string>().Replace("{arch}", "amd64", StringComparison.Ordinal));
        var files = new List<string>();
        foreach (var pattern in patterns)
        {
            var dir = Path.GetDirectoryName(pattern)!;
            if (!Directory.Exists(dir))
                continue;
            foreach (var file in Directory.GetFiles(dir, Path.GetFileName(pattern)).Where(f => !Path.GetFileName(f).Contains(".diff", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                var plain = Path.Combine(folder, $"base-{files.Count}");
                Measure.Run(plain, "/usr/lib/apt/apt-helper", "cat-file", file);
                files.Add(plain);
            }
        }
        if (files.Count == 0)
            throw new InvalidOperationException("no bookworm apt lists on this machine (the shipped BaseIndices): run apt-get update with bookworm sources");
        return files;
    }

    /// <summary>The stanzas of packages qabench&lt;from&gt; and up out of the live testing index: the candidates as our checker writes them (without its renaming).</summary>
    private static void WriteCandidates(string index, string target, int from)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(index), CompressionMode.Decompress));
        using var writer = new StreamWriter(target, append: false, new UTF8Encoding(false));
        var stanza = new StringBuilder();
        var keep = false;
        while (true)
        {
            var line = reader.ReadLine();
            if (line is null || line.Length == 0)
            {
                if (keep && stanza.Length > 0)
                    writer.Write(stanza.Append('\n'));
                stanza.Clear();
                keep = false;
                if (line is null)
                    break;
                continue;
            }
            if (line.StartsWith("Package: qabench", StringComparison.Ordinal)
                && int.TryParse(line["Package: qabench".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                keep = n >= from;
            stanza.Append(line).Append('\n');
        }
    }

    private static string Gunzip(string gz, string plain)
    {
        using (var input = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress))
        using (var output = File.Create(plain))
            input.CopyTo(output);
        return plain;
    }

    /// <summary>dose-debcheck as our checker runs it (--explain --failures), its report to a file; exit 1 (some broken) is its normal answer.</summary>
    private (List<double> Wall, List<double> Cpu) DoseAlone(string output, string foreground, string[] background)
    {
        var wall = new List<double>();
        var cpu = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            wall.Add(Measure.Run(output, "/bin/sh", ["-c", "dose-debcheck \"$@\"; [ $? -le 1 ]", "sh", "--deb-native-arch=amd64", "--explain", "--failures",
                $"--fg={foreground}", .. background]));
            cpu.Add(Measure.LastCpu);
        }
        return (wall, cpu);
    }

    private static void Quiet(List<string> notes, string section)
    {
        var idle = Measure.WaitForQuiet(TimeSpan.FromSeconds(30), 0.8);
        notes.Add($"before {section}: CPUs {idle:P0} idle, /proc/loadavg {File.ReadAllText("/proc/loadavg").Trim()}");
    }
}
