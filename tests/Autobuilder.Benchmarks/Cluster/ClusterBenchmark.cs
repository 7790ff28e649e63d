using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Autobuilder.Benchmarks.Pipeline;
using Autobuilder.Database;
using Autobuilder.Grains;
using Autobuilder.Grains.Security;
using Autobuilder.Grains.Services;
using Autobuilder.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Autobuilder.Benchmarks.Cluster;

/// <summary>
/// The cluster against the one silo of role "all", in one run:
/// 1. upload-to-apt-visible latency of the example package: a real PostgreSQL 15 with the schema
///    applied by the product's own code, garage, builder and stage silos as separate processes
///    (the shipped silo-config/{garage,builder,stage}.json), and an "all" silo process (the shipped
///    all.json) beside them. Uploads alternate between the two, one at a time, so load from other
///    work on the machine falls on both alike. "Visible" = the live Packages.gz that apt reads
///    (through the dists/&lt;product&gt; link) lists the uploaded version.
/// 2. scheduler throughput with 200 simulated slots: in one silo (as SchedulerBenchmark), and on a
///    cluster whose scheduler is on a garage process while the slots are on a builder silo inside
///    this process (the only place the simulated executor can be injected, so no silo program
///    ever carries it), twice: over plain TCP without the access filter, and over mutual TLS with
///    every call's certificate proof checked (issue 10: TLS must keep ≥ 0.8× of plain).
/// Ports are ones the kernel hands out as free at start (SiloProcess, PostgresServer and the
/// in-process builder alike), never the fixed ranges of the other benchmarks or the tests' own;
/// data lives under the benchmark's work folder (.bench/cluster-*), PostgreSQL under /tmp/ab-pg-*.
/// </summary>
internal sealed class ClusterBenchmark(string repo, string work, Report report)
{
    private const string Product = "bookworm";
    private const string Repository = "extras-devel";
    private const string Package = "hello-autobuilder";
    private static readonly TimeSpan UploadTimeout = TimeSpan.FromMinutes(3);

    private string _certificates = "";

    public async Task RunAsync(int uploads, int builds = 10_000, int slots = 200, int rounds = 5, bool split = false)
    {
        var root = Path.Combine(work, $"cluster-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        // The cluster's CA, as an operator makes it (certs init): one certificate per silo host.
        var authority = new CertificateAuthority(Path.Combine(root, "certs"));
        authority.Init(["garage", "builder1", "stage", "sim"], CertificateNames.ForCurrentUser());
        _certificates = authority.Folder;
        var sw = Stopwatch.StartNew();
        await using var postgres = await PostgresServer.StartAsync();
        Console.Error.WriteLine($"cluster: PostgreSQL up in {sw.Elapsed.TotalSeconds:0.0} s");

        if (uploads > 0)
        {
            report.Heading($"Cluster: upload → apt-visible, the example package, {uploads} uploads each");
            await LatencyAsync(root, postgres, uploads);
        }

        if (builds > 0)
        {
            report.Heading($"Cluster: scheduler, {builds:N0} builds over {slots} simulated slots");
            await SchedulerAsync(root, postgres, builds, slots, rounds, split);
        }
        Console.Error.WriteLine($"cluster: whole run {sw.Elapsed.TotalSeconds:0} s");
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task LatencyAsync(string root, PostgresServer postgres, int uploads)
    {
        var database = await postgres.CreateDatabaseAsync("autobuilder");
        await DatabaseSchema.ApplyAsync(database);
        // The uploader: a key of their own, an account with it and the right to upload, on both systems
        // (the shipped garage.json requires signed uploads from an account with the right; all.json takes them too).
        using var key = UploaderGpgKey.Create(Path.Combine(root, "uploader-gnupg"), "Bench Uploader <uploader@bench.example.org>");
        var dscs = ExampleSources.Make(repo, Path.Combine(root, "sources"), ["1.0", .. Enumerable.Range(0, uploads).Select(Version)], key);

        await using var all = Shipped("all", Path.Combine(root, "all"), null, Stamped);
        await using var garage = Shipped("garage", Path.Combine(root, "garage"), database, Stamped);
        await using var builder = Shipped("builder", Path.Combine(root, "builder1"), database, Stamped);
        await using var stage = Shipped("stage", Path.Combine(root, "stage"), database, Stamped);
        var sw = Stopwatch.StartNew();
        await all.StartAsync();
        // The garage first: every other silo's start talks to the scheduler on it.
        await garage.StartAsync();
        await Task.WhenAll(builder.StartAsync(), stage.StartAsync());
        Console.Error.WriteLine($"cluster: 4 silo processes up in {sw.Elapsed.TotalSeconds:0.0} s");
        var systems = new[] { new Target("one silo (all)", all, all), new Target("cluster (garage, builder, stage)", garage, stage) };
        foreach (var system in systems)
            await system.AddUploaderAsync(key);

        // One warm-up each with the shipped example itself: the stage makes its signing key at its
        // first publish, and the first build, mail and publish pay for JIT and cold caches.
        foreach (var system in systems)
        {
            var warm = await system.UploadAsync(dscs[0], "1.0");
            Console.Error.WriteLine($"cluster: warm-up on {system.Name}: {warm.Total:0.00} s");
        }
        // The build's own wall time, for the overhead (landing → apt-visible minus the build): the same
        // source built by dpkg-buildpackage alone after each round, under the load that round had.
        var alone = new List<double>();
        for (var i = 0; i < uploads; i++)
        {
            var version = Version(i);
            foreach (var system in systems)
            {
                // A moment for the previous publish's tail (old generations removed, mails) to settle.
                await Task.Delay(500);
                var run = await system.UploadAsync(dscs[i + 1], version);
                Console.Error.WriteLine($"cluster: {system.Name} {version}: {run.Total:0.00} s = {run.ToBuilding:0.00} to Building + " +
                                        $"{run.Building:0.00} to Built + {run.Publish:0.00} to apt-visible (load {Report.Load()})");
            }
            alone.Add(PipelineBenchmark.DpkgBuildpackageAlone(dscs[i + 1], Path.Combine(root, "alone", version)));
        }

        report.Line("| system | p50 | p99 | max | landing → Building (p50) | Building → Built (p50) | Built → apt-visible (p50) | overhead: landing → apt-visible minus dpkg-buildpackage alone (p50, p95) |");
        report.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var overheads = new List<double>();
        foreach (var s in systems)
        {
            var overhead = s.Runs.Select((r, i) => r.Total - alone[i]).Order().ToList();
            overheads.Add(PipelineBenchmark.Pct(overhead, 50));
            report.Line($"| {s.Name} | **{P(s.Runs, r => r.Total, 50):0.000} s** | {P(s.Runs, r => r.Total, 99):0.000} s | {s.Runs.Max(r => r.Total):0.000} s | " +
                        $"{P(s.Runs, r => r.ToBuilding, 50):0.000} s | {P(s.Runs, r => r.Building, 50):0.000} s | {P(s.Runs, r => r.Publish, 50):0.000} s | " +
                        $"**{PipelineBenchmark.Pct(overhead, 50):0.000} s**, {PipelineBenchmark.Pct(overhead, 95):0.000} s |");
        }
        report.Line("");
        report.Line($"dpkg-buildpackage alone on the same sources: median {alone.Order().ElementAt(alone.Count / 2):0.000} s. " +
                    $"Upload → apt-visible overhead p50 ≤ 0.5 s (issue 12): one silo **{(overheads[0] <= 0.5 ? "met" : "not met")}**, " +
                    $"cluster **{(overheads[1] <= 0.5 ? "met" : "not met")}**.");
        var (one, cluster) = (systems[0], systems[1]);
        var extra50 = P(cluster.Runs, r => r.Total, 50) - P(one.Runs, r => r.Total, 50);
        var extra99 = P(cluster.Runs, r => r.Total, 99) - P(one.Runs, r => r.Total, 99);
        var ratio = P(cluster.Runs, r => r.Total, 50) / P(one.Runs, r => r.Total, 50);
        report.Line("");
        // The silos' own logs (the stage logs where each offer spent its time), kept beside the report.
        foreach (var (silo, label) in new[] { (all, "all"), (garage, "garage"), (builder, "builder"), (stage, "stage") })
            File.WriteAllText(Path.Combine(work, $"cluster-latency-{label}.log"), silo.Output);
        report.Line($"Cluster extra cost: p50 **{extra50:+0.000;-0.000} s** ({ratio:0.00}× the one silo), p99 {extra99:+0.000;-0.000} s; " +
                    $"target ≤ 1 s: **{(extra50 <= 1 ? "met" : "not met")}** at p50, {(extra99 <= 1 ? "met" : "not met")} at p99. " +
                    $"Load average {Report.Load()} at the end.");
    }

    /// <summary>
    /// How a scheduler cluster is secured: <see cref="Plain"/> (no TLS, no access filter: before issue 10),
    /// <see cref="Tls"/> (what ships), and with <c>--cluster-split</c> the two halves apart (the
    /// benchmark-only switches of SecurityOptions): TLS without the per-call proofs and access filter,
    /// and the proofs and filter without TLS.
    /// </summary>
    private sealed record Variant(string Name, string Key, bool Secure, bool WithoutTls = false, bool WithoutCallProofs = false)
    {
        public static readonly Variant Plain = new("cluster, plain TCP (PostgreSQL state)", "plain", Secure: false);
        public static readonly Variant Tls = new("cluster, mutual TLS + access filter", "tls", Secure: true);
        public static readonly Variant TlsOnly = new("cluster, mutual TLS, no call proofs", "tlsonly", Secure: true, WithoutCallProofs: true);
        public static readonly Variant ProofsOnly = new("cluster, call proofs + access filter, no TLS", "proofsonly", Secure: true, WithoutTls: true);
    }

    private async Task SchedulerAsync(string root, PostgresServer postgres, int builds, int slots, int rounds, bool split)
    {
        // The baseline: one silo with the product's file state, as `--only scheduler` runs it.
        var singleCounter = new SlotCallCounter();
        await using var single = await SchedulerBenchmark.StartSiloAsync(Path.Combine(root, "scheduler-single"), slots, singleCounter, freePorts: true);
        // The same cluster twice: plain TCP without the access filter (as before issue 10), and
        // mutual TLS with every call's proof checked (what ships); with split, also each half alone.
        Variant[] variants = split ? [Variant.Plain, Variant.Tls, Variant.TlsOnly, Variant.ProofsOnly] : [Variant.Plain, Variant.Tls];
        var clusters = new List<SchedulerCluster>();
        try
        {
            foreach (var variant in variants)
                clusters.Add(await StartSchedulerClusterAsync(root, postgres, slots, variant));

            // Rounds alternate between the systems, so load from other work falls on all alike. The first
            // two warm them up and are not counted: throughput still rose over the first rounds with one
            // (the JIT's tiers and profile-guided recompilation, grain activations, connection pools).
            var systems = new List<(string Name, IGrainFactory Grains, SlotCallCounter Counter, List<SchedulerRun> Runs)>
                { ("one silo (file state)", single.Grains, singleCounter, []) };
            foreach (var (variant, cluster) in variants.Zip(clusters))
                systems.Add((variant.Name, cluster.Builder.Grains, cluster.Counter, []));
            const int warmUps = 2;
            for (var round = 0; round < warmUps + rounds; round++)
            {
                foreach (var (name, grains, counter, runs) in systems)
                {
                    var run = await SchedulerBenchmark.MeasureAsync(grains, counter, builds, slots, activeUploads: true, round);
                    Console.Error.WriteLine($"cluster: scheduler round {round}, {name}: {run.DispatchesPerSecond:N0} dispatches/s (load {Report.Load()})");
                    if (round >= warmUps)
                        runs.Add(run);
                }
            }

            report.Line($"Median of {rounds} rounds (fastest in brackets); uploads' grains active before the clock starts, as a real upload's is.");
            report.Line("");
            report.Line("| where | dispatches/s | grain calls/s (to and from the slots) | calls a dispatch | idle slot beside a waiting build |");
            report.Line("| --- | ---: | ---: | ---: | ---: |");
            var medians = new List<double>();
            foreach (var (name, _, _, runs) in systems)
            {
                var sorted = runs.OrderBy(r => r.DispatchesPerSecond).ToList();
                var median = sorted[sorted.Count / 2];
                medians.Add(median.DispatchesPerSecond);
                report.Line($"| {name} | **{median.DispatchesPerSecond:N0}** ({sorted[^1].DispatchesPerSecond:N0}) | {median.CallsPerSecond:N0} ({sorted[^1].CallsPerSecond:N0}) | " +
                            $"{median.CallsPerDispatch:0.0} | {runs.Sum(r => r.Violations)} of {runs.Sum(r => r.Samples)} samples |");
            }
            report.Line("");
            // systems[1] is plain, systems[2] TLS; the ratio of each round's pair shows how far the machine's load moved it.
            var tlsRatio = medians[2] / medians[1];
            var perRound = systems[2].Runs.Zip(systems[1].Runs, (t, p) => t.DispatchesPerSecond / p.DispatchesPerSecond).Order().ToList();
            report.Line($"Cluster ÷ one silo: {medians[1] / medians[0]:0.00}× the dispatches/s (plain), {medians[2] / medians[0]:0.00}× (TLS). " +
                        $"TLS ÷ plain: **{tlsRatio:0.00}×** (round by round {string.Join(", ", perRound.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}); " +
                        $"target ≥ 0.8×: **{(tlsRatio >= 0.8 ? "met" : "not met")}**. Load average {Report.Load()}.");
            for (var i = 3; i < systems.Count; i++)
                report.Line($"- {systems[i].Name} ÷ plain: **{medians[i] / medians[1]:0.00}×**.");
        }
        finally
        {
            foreach (var cluster in clusters)
                await cluster.DisposeAsync();
        }
    }

    private sealed class SchedulerCluster(SiloProcess garage, BenchSilo builder, SlotCallCounter counter) : IAsyncDisposable
    {
        public BenchSilo Builder => builder;
        public SlotCallCounter Counter => counter;

        public async ValueTask DisposeAsync()
        {
            await builder.DisposeAsync();
            await garage.DisposeAsync();
        }
    }

    /// <summary>A garage process and, in this process, a builder silo with <paramref name="slots"/> simulated slots, on a database of their own.</summary>
    private async Task<SchedulerCluster> StartSchedulerClusterAsync(string root, PostgresServer postgres, int slots, Variant variant)
    {
        var name = variant.Key;
        var database = await postgres.CreateDatabaseAsync($"autobuilder_scheduler_{name}");
        await DatabaseSchema.ApplyAsync(database);
        var garage = Shipped("garage", Path.Combine(root, $"scheduler-garage-{name}"), database, config =>
        {
            // As in the one-silo run: a simulated build never heartbeats, and must not be taken back.
            config["Autobuilder"]!["LeaseSeconds"] = 600;
            config["Autobuilder"]!["Security"]!["Enabled"] = variant.Secure;
            config["Autobuilder"]!["Security"]!["BenchmarkWithoutTls"] = variant.WithoutTls;
            config["Autobuilder"]!["Security"]!["BenchmarkWithoutCallProofs"] = variant.WithoutCallProofs;
        });
        await garage.StartAsync();
        Console.Error.WriteLine($"cluster: scheduler garage '{name}' is process {garage.ProcessId}");

        var settings = new Dictionary<string, string?>
        {
            ["Autobuilder:Role"] = SiloRoles.Builder,
            ["Autobuilder:DataRoot"] = Path.Combine(root, $"scheduler-builder-{name}"),
            ["Autobuilder:Security:Enabled"] = variant.Secure ? "true" : "false",
            ["Autobuilder:Security:BenchmarkWithoutTls"] = variant.WithoutTls ? "true" : "false",
            ["Autobuilder:Security:BenchmarkWithoutCallProofs"] = variant.WithoutCallProofs ? "true" : "false",
            ["Autobuilder:Security:Folder"] = _certificates,
            ["Mail:OutboxDirectory"] = Path.Combine(root, $"scheduler-builder-{name}", "outbox"),
            ["Cluster:Membership"] = "postgresql",
            ["Cluster:ConnectionString"] = database,
            ["Cluster:HostName"] = "sim",
            ["Cluster:AdvertisedAddress"] = "127.0.0.1",
            ["Orleans:SiloPort"] = SiloProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = SiloProcess.FreePort().ToString(CultureInfo.InvariantCulture),
        };
        SchedulerBenchmark.AddSimulatedSlots(settings, slots, "sim");
        var counter = new SlotCallCounter();
        var builder = await BenchSilo.StartAsync(settings, silo =>
        {
            silo.Services.AddSingleton<IBuildExecutorFactory, SimulatedBuildExecutorFactory>();
            counter.Install(silo);
        }, clusterMember: true);
        counter.Arm(builder.Grains);
        return new SchedulerCluster(garage, builder, counter);
    }

    /// <summary>Log lines with their UTC time to the millisecond, so the kept logs show where an upload's time went.</summary>
    private static void Stamped(JsonObject config) =>
        config["Logging"]!["Console"] = new JsonObject
        {
            ["FormatterName"] = "simple",
            ["FormatterOptions"] = new JsonObject { ["TimestampFormat"] = "HH:mm:ss.fff ", ["UseUtcTimestamp"] = true, ["SingleLine"] = true },
        };

    private SiloProcess Shipped(string role, string dataRoot, string? database, Action<JsonObject>? extra = null) =>
        ShippedSilo.Create(repo, role, dataRoot, database, database is null ? null : _certificates, extra);

    private static string Version(int i) => $"1.0.{i + 1}";

    private static double P(List<UploadRun> runs, Func<UploadRun, double> value, int p) =>
        PipelineBenchmark.Pct(runs.Select(value).Order().ToList(), p);

    /// <summary>One upload's times, in seconds: landing → apt-visible, and its three legs.</summary>
    private sealed record UploadRun(double Total, double ToBuilding, double Building, double Publish);

    /// <summary>Where uploads land (the garage) and where apt reads (the stage's live tree).</summary>
    private sealed class Target(string name, SiloProcess garage, SiloProcess stage)
    {
        public string Name => name;
        public List<UploadRun> Runs { get; } = [];

        private string PackagesGz => Path.Combine(stage.DataRoot, "repos", "live", Repository, "dists", Product, "main",
            $"binary-{SiloProcess.HostArchitecture}", "Packages.gz");

        /// <summary>The uploader's account on the garage (local durable storage in role all, PostgreSQL in the cluster): its OpenPGP key, its right.</summary>
        public async Task AddUploaderAsync(UploaderGpgKey key)
        {
            var directory = garage.Grains.GetGrain<IAccountDirectoryGrain>(0);
            await directory.AddAsync(new NewAccount("bench", "Bench Uploader", "uploader@bench.example.org", []));
            await directory.AddOpenPgpKeyAsync("bench", System.Text.Encoding.UTF8.GetBytes(key.ArmoredPublicKey));
            await directory.GrantAsync(new UploadRight("bench", Repository, Product));
        }

        /// <summary>Drops the upload as PipelineBenchmark does and times it until apt would see it; warm-ups are not recorded.</summary>
        public async Task<UploadRun> UploadAsync(string dsc, string version)
        {
            var landed = PipelineBenchmark.Drop(dsc, garage.Incoming(Product));
            var visible = await PipelineBenchmark.Until(() => Task.FromResult(Lists(version) ? DateTimeOffset.UtcNow : (DateTimeOffset?)null),
                UploadTimeout, $"{Package} {version} in the live index of {name}");
            var id = $"{Product}/{Package}_{version}/1";
            var details = await garage.Grains.GetGrain<IUploadGrain>(id).GetDetailsAsync()
                ?? throw new InvalidOperationException($"{name}: {id} is visible but the garage does not know it");
            DateTimeOffset At(UploadState state) => details.History.First(t => t.To == state).At;
            var building = At(UploadState.Building);
            // Since issue 12 the upload ends Done only after the stage's answer: the build ends at Built.
            var done = At(UploadState.Built);
            var run = new UploadRun((visible!.Value - landed).TotalSeconds, (building - landed).TotalSeconds,
                (done - building).TotalSeconds, (visible.Value - done).TotalSeconds);
            // Where the time went, for whoever reads the progress: every recorded step, in ms after landing.
            Console.Error.WriteLine($"cluster: {name} {version} steps (ms after landing): " + string.Join(", ", details.History
                .Where(t => t.At >= landed.AddSeconds(-1))
                .Select(t => $"{t.To}{(t.To == t.From ? $" ({Cut(t.Reason)})" : "")} {(t.At - landed).TotalMilliseconds:0}"))
                + $", apt-visible {(visible.Value - landed).TotalMilliseconds:0}");
            if (version != "1.0")
                Runs.Add(run);
            return run;
        }

        private static string Cut(string reason) => reason.Length <= 40 ? reason : reason[..40] + "…";

        /// <summary>Reads the live index as apt would (through the dists link): is this version listed?</summary>
        private bool Lists(string version)
        {
            try
            {
                using var gz = new GZipStream(File.OpenRead(PackagesGz), CompressionMode.Decompress);
                var text = new StreamReader(gz).ReadToEnd();
                return text.Split("\n\n").Any(stanza => stanza.Contains($"Package: {Package}\n", StringComparison.Ordinal)
                    && stanza.Contains($"\nVersion: {version}\n", StringComparison.Ordinal));
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return false;
            }
        }
    }
}
