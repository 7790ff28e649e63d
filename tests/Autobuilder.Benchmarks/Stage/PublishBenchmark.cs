using System.Diagnostics;
using System.IO.Compression;
using Autobuilder.Benchmarks.Cluster;
using Autobuilder.Benchmarks.Pipeline;
using Autobuilder.Debian.Signing;
using Autobuilder.Grains;
using Autobuilder.Grains.Stage;
using Autobuilder.Testing;

namespace Autobuilder.Benchmarks.Stage;

/// <summary>
/// Publish as users see it (issue 12): from the moment a built package is offered to a
/// distribution that already holds <c>packages</c> packages to its new generation being live,
/// through the running silo process, against reprepro <c>processincoming</c> run as a process (as
/// operators run it from cron) on the same archive and the same packages.
/// Ours: the real <c>autobuilder-silo</c> of role all with the shipped all.json, its extras-devel
/// filled through its own repo-incoming queue, then the example package uploaded at new versions
/// one at a time, built by its slots and offered by the upload to the stage as every upload is;
/// the upload's own latency record gives built → published → live, and the benchmark watches the
/// live tree's dists link switch (the moment apt sees the new generation). reprepro: the same
/// generated packages imported, then for each version the same source (.dsc, tarball, source-only
/// .changes) and the .debs and binary .changes our build made, put in its incoming queue and taken
/// by one processincoming run (checks, pool, export, signing). The upload → apt-visible overhead
/// (landing → live minus dpkg-buildpackage alone on the same source) comes from the same uploads.
/// </summary>
internal sealed class PublishBenchmark(string repo, string work, Report report)
{
    private const string Repository = "extras-devel";
    private const string Product = StageUploads.Product;

    public async Task RunAsync(int packages, int uploads)
    {
        var root = Path.Combine(work, $"publish-{packages}");
        var generated = Path.Combine(root, "generated");
        StageUploads.EnsureGenerated(generated, packages);
        foreach (var stale in new[] { "silo", "sources", "alone" }.Select(d => Path.Combine(root, d)).Where(Directory.Exists))
            Directory.Delete(stale, recursive: true);
        var gnupg = Path.Combine(root, "reprepro-gnupg");
        var fingerprint = GpgKeys.FindOrCreate(gnupg, "Publish Bench <bench@autobuilder.invalid>");
        // reprepro signs with gpg's default home; our stage has its own key in its data root.
        Environment.SetEnvironmentVariable("GNUPGHOME", gnupg);
        report.Heading($"Publish as users see it: an offer to a {packages:N0}-package distribution → live, through the running silo, against reprepro processincoming");

        var versions = Enumerable.Range(1, uploads).Select(i => $"1.0.{i}").ToList();
        var dscs = ExampleSources.Make(repo, Path.Combine(root, "sources"), ["1.0", .. versions], sourceChanges: true);

        var data = Path.Combine(root, "silo");
        await using var silo = ShippedSilo.Create(repo, "all", data, null, null);
        await silo.StartAsync();
        // Filled through the running silo's own queue watcher, as an operator's bulk import would be.
        var sw = Stopwatch.StartNew();
        var queue = Path.Combine(data, "repo-incoming", Repository, Product);
        Directory.CreateDirectory(queue);
        foreach (var i in Enumerable.Range(0, packages))
            StageUploads.Link(generated, queue, i);
        var distribution = silo.Grains.GetGrain<IDistributionGrain>(StageConfiguration.DistributionKey(Repository, Product));
        while ((await distribution.GetStatusAsync()) is not { BinaryPackages: var n, InSync: true } || n < packages)
        {
            if (sw.Elapsed > TimeSpan.FromMinutes(20))
                throw new TimeoutException($"{Repository}/{Product} did not take {packages} packages in 20 minutes");
            await Task.Delay(1000);
        }
        Console.Error.WriteLine($"publish: the silo took {packages:N0} packages through repo-incoming in {sw.Elapsed.TotalSeconds:0.0} s");

        var reprepro = new RepreproArchive(Path.Combine(root, "reprepro"), fingerprint);
        var import = reprepro.Import(generated, packages);
        reprepro.ConfigureIncoming();
        Console.Error.WriteLine($"publish: reprepro imported {packages:N0} packages in {import.Wall:0.0} s");

        // The warm-up (1.0): the first build, offer and publish of a fresh process pay for JIT compilation.
        await UploadAsync(silo, dscs[0], "1.0");
        var ours = new List<Run>();
        var theirs = new List<double>();
        var alone = new List<double>();
        for (var i = 0; i < versions.Count; i++)
        {
            await Task.Delay(500);
            var run = await UploadAsync(silo, dscs[i + 1], versions[i]);
            ours.Add(run);
            Offer(reprepro, data, dscs[i + 1], versions[i]);
            theirs.Add(reprepro.ProcessIncoming());
            alone.Add(PipelineBenchmark.DpkgBuildpackageAlone(dscs[i + 1], Path.Combine(root, "alone", versions[i])));
            Console.Error.WriteLine($"publish: {versions[i]}: ours built → live {run.BuiltToLive:0.000} s (published {run.BuiltToPublished:0.000} s), " +
                                    $"reprepro processincoming {theirs[^1]:0.000} s; landing → live {run.LandingToLive:0.00} s, build alone {alone[^1]:0.00} s (load {Report.Load()})");
        }
        ListsAll(Path.Combine(data, "repos", "live", Repository), versions[^1]);
        ListsAll(reprepro.Root, versions[^1]);

        double P(IEnumerable<double> values, int p) => PipelineBenchmark.Pct(values.Order().ToList(), p);
        var oursP50 = P(ours.Select(r => r.BuiltToLive), 50);
        var theirsP50 = P(theirs, 50);
        var overhead = ours.Select((r, i) => r.LandingToLive - alone[i]).ToList();
        report.Line($"{uploads} uploads of the example package (source + one .deb each), one at a time; p50 / p95 (nearest rank).");
        report.Line("");
        report.Line("| measure | ours: running silo (role all) | reprepro processincoming | reprepro ÷ ours (p50) |");
        report.Line("| --- | ---: | ---: | ---: |");
        report.Line($"| offered → live (ours: built → the live dists link switched; reprepro: the whole run) | **{P(ours.Select(r => r.BuiltToLive), 50):0.000} s** / {P(ours.Select(r => r.BuiltToLive), 95):0.000} s | " +
                    $"{theirsP50:0.000} s / {P(theirs, 95):0.000} s | **{theirsP50 / oursP50:0.0}×** |");
        report.Line($"| of which built → published (the stage's answer) | {P(ours.Select(r => r.BuiltToPublished), 50):0.000} s / {P(ours.Select(r => r.BuiltToPublished), 95):0.000} s | | |");
        report.Line("");
        report.Line($"Targets (issue 12): offered → live p50 ≤ 0.1 s: **{(oursP50 <= 0.1 ? "met" : "not met")}** ({oursP50:0.000} s); " +
                    $"≥ 5× faster than reprepro processincoming: **{(theirsP50 / oursP50 >= 5 ? "met" : "not met")}** ({theirsP50 / oursP50:0.0}×). " +
                    $"Upload → apt-visible overhead (landing → live minus dpkg-buildpackage alone, {alone.Order().ElementAt(alone.Count / 2):0.00} s median) in role all " +
                    $"with this distribution: p50 **{P(overhead, 50):0.000} s**, p95 {P(overhead, 95):0.000} s (target p50 ≤ 0.5 s: " +
                    $"**{(P(overhead, 50) <= 0.5 ? "met" : "not met")}**). Load average {Report.Load()} at the end.");
    }

    private sealed record Run(double BuiltToPublished, double BuiltToLive, double LandingToLive);

    /// <summary>Drops the upload, waits for the live tree's switch and the upload's end; the legs from its own record.</summary>
    private static async Task<Run> UploadAsync(SiloProcess silo, string dsc, string version)
    {
        var link = Path.Combine(silo.DataRoot, "repos", "live", Repository, "dists", Product);
        var before = new FileInfo(link).LinkTarget;
        var landed = PipelineBenchmark.Drop(dsc, silo.Incoming(Product));
        // Reading the link is cheap; decompressing a 50,000-package index while timing would not be.
        var switched = await PipelineBenchmark.Until(() => Task.FromResult(new FileInfo(link).LinkTarget != before ? (DateTimeOffset?)DateTimeOffset.UtcNow : null),
            TimeSpan.FromMinutes(3), $"{ExampleSources.Package} {version} live");
        var id = $"{Product}/{ExampleSources.Package}_{version}/1";
        var details = await PipelineBenchmark.Until(async () => await silo.Grains.GetGrain<IUploadGrain>(id).GetDetailsAsync() is { Summary.State: UploadState.Done } d ? d : null,
            TimeSpan.FromMinutes(1), $"{id} done");
        if (details!.Summary.Outcome != UploadState.Published || details.Latency is not { Built: { } built, Published: { } published })
            throw new InvalidOperationException($"{id} ended {details.Summary.Outcome}: {details.Summary.LastReason}");
        return new Run((published - built).TotalSeconds, (switched!.Value - built).TotalSeconds, (switched.Value - landed).TotalSeconds);
    }

    /// <summary>The same upload as reprepro's cron job finds it: the source with its .changes, and the build's .debs with theirs.</summary>
    private static void Offer(RepreproArchive reprepro, string data, string dsc, string version)
    {
        var sourceFolder = Path.GetDirectoryName(dsc)!;
        foreach (var file in Directory.EnumerateFiles(sourceFolder))
            File.Copy(file, Path.Combine(reprepro.Incoming, Path.GetFileName(file)));
        File.Copy(ExampleSources.SourceChanges(dsc), Path.Combine(reprepro.Incoming, Path.GetFileName(ExampleSources.SourceChanges(dsc))));
        var changes = Directory.EnumerateFiles(Path.Combine(data, "results"), $"{ExampleSources.Package}_{version}_{SiloProcess.HostArchitecture}.changes", SearchOption.AllDirectories)
            .FirstOrDefault() ?? throw new InvalidOperationException($"no binary .changes of {version} under {data}/results");
        var results = Path.GetDirectoryName(changes)!;
        foreach (var name in Autobuilder.Debian.Uploads.ChangesFile.Load(changes).Files.Select(f => f.Name).Append(Path.GetFileName(changes)))
            File.Copy(Path.Combine(results, name), Path.Combine(reprepro.Incoming, name));
    }

    /// <summary>Both archives list the last version in the end, binary and source (read as apt reads the .gz indices).</summary>
    private static void ListsAll(string archive, string version)
    {
        var suite = Path.Combine(archive, "dists", Product, "main");
        foreach (var index in new[] { Path.Combine(suite, $"binary-{SiloProcess.HostArchitecture}", "Packages.gz"), Path.Combine(suite, "source", "Sources.gz") })
        {
            using var gz = new GZipStream(File.OpenRead(index), CompressionMode.Decompress);
            var stanzas = new StreamReader(gz).ReadToEnd().Split("\n\n");
            if (!stanzas.Any(t => t.Contains($"Package: {ExampleSources.Package}\n", StringComparison.Ordinal) && t.Contains($"\nVersion: {version}\n", StringComparison.Ordinal)))
                throw new InvalidOperationException($"{index} does not list {ExampleSources.Package} {version}");
        }
    }
}
