using System.Diagnostics;
using System.Globalization;
using Autobuilder.Benchmarks.Pipeline;
using Autobuilder.Debian.Signing;
using Autobuilder.Grains;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Stage.Journal;
using Autobuilder.Grains.Stage.Publishing;
using Autobuilder.Silo.Stage;
using Autobuilder.Silo.Stage.Incoming;
using Autobuilder.Silo.Stage.Publishing;
using Microsoft.Extensions.DependencyInjection;

namespace Autobuilder.Benchmarks.Stage;

/// <summary>
/// The stage against reprepro, in one run on the same generated uploads and the same throwaway
/// key: initial import, add one package and publish (gz; gz + xz), remove the oldest package,
/// full regeneration. Ours is a real silo in this process (SiloHost's wiring) driven through the
/// DistributionGrain exactly as RepoIncomingService drives it (scan, then ProcessIncomingAsync),
/// with the service's watcher left out so that no second caller races the benchmark; the full
/// regeneration calls the silo's own DistributionPublisher with every record. Memory and the
/// end-to-end latency through the watcher are measured on the real silo process afterwards.
/// </summary>
internal sealed class StageBenchmark(string work, Report report, int runs)
{
    private const string Repository = "bench";
    private const string Product = StageUploads.Product;
    private static readonly string Distribution = StageConfiguration.DistributionKey(Repository, Product);

    private string _uploads = "";
    private string _gnupg = "";
    private string _fingerprint = "";
    private int _next;

    public async Task RunAsync(int count)
    {
        var root = Path.Combine(work, $"stage-{count}");
        _uploads = Path.Combine(root, "uploads");
        Prepare(count + 4 * runs + 10);
        _gnupg = Path.Combine(root, "gnupg");
        _fingerprint = GpgKeys.FindOrCreate(_gnupg, "Stage Bench <bench@autobuilder.invalid>");
        // reprepro signs with gpg's default home; ours is told the home and key in its configuration.
        Environment.SetEnvironmentVariable("GNUPGHOME", _gnupg);
        _next = count;
        var data = Path.Combine(root, "ours");
        if (Directory.Exists(data))
            Directory.Delete(data, recursive: true);
        var reprepro = new RepreproArchive(Path.Combine(root, "reprepro"), _fingerprint);
        var rows = new List<(string, (double, double), (double, double))>();
        var notes = new List<string>();
        report.Heading($"Stage: {count:N0} packages in one distribution");

        // gz only.
        var silo = await StartAsync(data, xz: false);
        try
        {
            Quiet(notes, "import");
            var ours = await ImportAsync(silo, data, count);
            var theirs = reprepro.Import(_uploads, count);
            rows.Add(($"initial import ({count:N0} uploads)", ours, theirs));

            Quiet(notes, "add one (gz)");
            var (oursAdd, theirsAdd) = await AddOneAsync(silo, data, reprepro);
            rows.Add(("add one package + publish (gz)", oursAdd, theirsAdd));
            CheckSameCount(data, reprepro, ".gz");

            Quiet(notes, "remove oldest (gz)");
            var removed = 0;
            var oursRemove = await BestAsync(runs, async () => Expect(await Grain(silo).RemoveAsync($"bench{removed++}", null)));
            removed = 0;
            var theirsRemove = Measure.BestRun(runs, () => reprepro.Remove($"bench{removed++}"));
            rows.Add(("remove the oldest package + publish (gz)", oursRemove, theirsRemove));

            Quiet(notes, "full regeneration (gz)");
            rows.Add(("full regeneration of the indices (gz)", await RegenerateAsync(silo), Measure.BestRun(runs, reprepro.Export)));
            var sync = await BestAsync(1, async () => Expect(await Grain(silo).PublishAsync(force: true)));
            notes.Add($"`repo sync` of the gz distribution (the grain's forced publish: full regeneration plus a check that each of the {count:N0} pool files is live): {Report.S(sync.Wall)} wall, {Report.S(sync.Cpu)} CPU.");
        }
        finally
        {
            await silo.DisposeAsync();
        }

        // gz + xz: our silo restarted with the other configuration; reprepro reconfigured and exported.
        silo = await StartAsync(data, xz: true);
        try
        {
            await AddOursAsync(silo, data); // waits for the restart's preparation of the indices (xz included)
            reprepro.Configure(xz: true);
            reprepro.Export();
            reprepro.Include(Path.Combine(_uploads, StageUploads.Changes(_next - 1)));

            Quiet(notes, "full regeneration (gz + xz)");
            rows.Add(("full regeneration of the indices (gz + xz)", await RegenerateAsync(silo), Measure.BestRun(Math.Min(runs, 2), reprepro.Export)));

            Quiet(notes, "add one (gz + xz)");
            var (oursAdd, theirsAdd) = await AddOneAsync(silo, data, reprepro);
            rows.Add(("add one package + publish (gz + xz)", oursAdd, theirsAdd));
            CheckSameCount(data, reprepro, ".xz");
        }
        finally
        {
            await silo.DisposeAsync();
        }

        report.Comparison("ours", "reprepro", rows);
        await RealSiloAsync(data, notes);
        report.Line("");
        foreach (var note in notes)
            report.Line($"- {note}");
        Autobuilder.Testing.GpgAgents.Stop(_gnupg);
        Autobuilder.Testing.GpgAgents.Stop(Path.Combine(data, "gnupg"));
    }

    private void Prepare(int total)
    {
        StageUploads.EnsureGenerated(_uploads, total);
        Measure.Capture("dpkg-deb", "--info", Path.Combine(_uploads, StageUploads.Deb(total - 1)));
    }

    private Dictionary<string, string?> Settings(string data, bool xz)
    {
        var s = BenchSilo.Settings(data, portOffset: 13);
        s["Autobuilder:Products:0"] = Product;
        s["Autobuilder:Architectures:0"] = "amd64";
        const string R = "Autobuilder:Stage:Repositories:0:";
        s[R + "Name"] = Repository;
        s[R + "AcceptsUploads"] = "true";
        s[R + "KeepVersions"] = "3";
        s[R + "GnupgHome"] = _gnupg;
        s[R + "SigningKey"] = _fingerprint;
        s[R + "IndexCompressions:0"] = "gz";
        if (xz)
            s[R + "IndexCompressions:1"] = "xz";
        return s;
    }

    private Task<BenchSilo> StartAsync(string data, bool xz) => BenchSilo.StartAsync(Settings(data, xz), WithoutQueueWatcher);

    /// <summary>
    /// Leaves RepoIncomingService registered but not started: the benchmark hands the queue to the
    /// grain itself, as the service would, so that it is the only caller and times the work alone.
    /// </summary>
    private static void WithoutQueueWatcher(ISiloBuilder silo)
    {
        var services = silo.Services;
        var at = services.ToList().FindIndex(d => d.ServiceType == typeof(RepoIncomingService));
        if (at < 0 || at + 1 >= services.Count || services[at + 1].ServiceType != typeof(ILifecycleParticipant<ISiloLifecycle>)
            || services[at + 1].ImplementationFactory is null)
            throw new InvalidOperationException("the stage's service registrations changed; update StageBenchmark.WithoutQueueWatcher");
        services.RemoveAt(at + 1);
    }

    private static IDistributionGrain Grain(BenchSilo silo) => silo.Grains.GetGrain<IDistributionGrain>(Distribution);

    private static string Queue(string data) => Path.Combine(data, "repo-incoming", Repository, Product);

    private async Task<(double Wall, double Cpu)> ImportAsync(BenchSilo silo, string data, int count)
    {
        var queue = Queue(data);
        Directory.CreateDirectory(queue);
        foreach (var i in Enumerable.Range(0, count))
            StageUploads.Link(_uploads, queue, i);
        var result = await BestAsync(1, async () =>
        {
            var ready = new RepoIncomingScan(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), TimeProvider.System).Ready(queue);
            foreach (var chunk in ready.Chunk(RepoIncomingService.MaxChangesPerCall))
                await Grain(silo).ProcessIncomingAsync(chunk);
        });
        var status = await Grain(silo).GetStatusAsync();
        if (status.BinaryPackages != count || !status.InSync)
            throw new InvalidOperationException($"import: {status.BinaryPackages} packages, generation {status.Generation}, live {status.LiveGeneration}, " +
                $"error {status.LastError}; rejections: {string.Join("; ", status.Rejections.Select(r => string.Join(", ", r.Reasons)))}");
        return result;
    }

    /// <summary>One untimed run each, then <c>runs</c> timed ones; both tools take the same uploads.</summary>
    private async Task<((double, double) Ours, (double, double) Theirs)> AddOneAsync(BenchSilo silo, string data, RepreproArchive reprepro)
    {
        var first = _next;
        await AddOursAsync(silo, data);
        var ours = await BestAsync(runs, () => AddOursAsync(silo, data));
        var i = first;
        reprepro.Include(Path.Combine(_uploads, StageUploads.Changes(i++)));
        var theirs = Measure.BestRun(runs, () => reprepro.Include(Path.Combine(_uploads, StageUploads.Changes(i++))));
        return (ours, theirs);
    }

    /// <summary>
    /// The next upload into the queue (two hard links, as the hand-off leaves it), then the grain
    /// takes it: checks, pool, journal, publish (indices, Release, InRelease, Release.gpg, live).
    /// A rejected upload would show in <see cref="CheckSameCount"/>, as reprepro takes every one.
    /// </summary>
    private async Task AddOursAsync(BenchSilo silo, string data)
    {
        var i = _next++;
        StageUploads.Link(_uploads, Queue(data), i);
        await Grain(silo).ProcessIncomingAsync([StageUploads.Changes(i)]);
    }

    private static void Expect(StageResult result)
    {
        if (!result.Ok)
            throw new InvalidOperationException(result.Message);
    }

    /// <summary>Every index built from every record by the silo's own publisher, signed and made live (generation published again).</summary>
    private async Task<(double Wall, double Cpu)> RegenerateAsync(BenchSilo silo)
    {
        var publisher = silo.Services.GetRequiredService<IDistributionPublisher>();
        var repository = silo.Services.GetRequiredService<StageConfiguration>().Get(Repository);
        var records = (await silo.Services.GetRequiredService<IPackageJournal>().LoadAsync(Repository, Product)).Records;
        var generation = (await Grain(silo).GetStatusAsync()).Generation;
        var result = await BestAsync(runs, () => publisher.PublishAsync(
            new PublishRequest(repository, Product, generation, records, [], [], DateTimeOffset.UtcNow)));
        // Hand the publisher's indices back to the grain's own records (a forced publish builds them from those).
        Expect(await Grain(silo).PublishAsync(force: true));
        return result;
    }

    /// <summary>Fastest of <paramref name="n"/> runs, wall and CPU of this whole process (silo threads, gpg children).</summary>
    private static async Task<(double Wall, double Cpu)> BestAsync(int n, Func<Task> body)
    {
        (double Wall, double Cpu) best = (double.MaxValue, 0);
        for (var i = 0; i < n; i++)
        {
            var cpu = Measure.ProcessCpu();
            var sw = Stopwatch.StartNew();
            await body();
            var wall = sw.Elapsed.TotalSeconds;
            cpu = Measure.ProcessCpu() - cpu;
            if (wall < best.Wall)
                best = (wall, cpu);
        }
        return best;
    }

    private static void Quiet(List<string> notes, string section)
    {
        var idle = Measure.WaitForQuiet(TimeSpan.FromSeconds(30), 0.8);
        notes.Add($"before {section}: CPUs {idle:P0} idle, /proc/loadavg {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    /// <summary>Both archives list the same number of packages (decompressed with the real tools).</summary>
    private static void CheckSameCount(string data, RepreproArchive reprepro, string variant)
    {
        static int Count(string file) =>
            Measure.Capture("sh", "-c", $"{(file.EndsWith(".xz", StringComparison.Ordinal) ? "xz" : "gzip")} -dc '{file}' | grep -c '^Package: '").Trim() is var n
                ? int.Parse(n, CultureInfo.InvariantCulture) : 0;
        var ours = Count(Path.Combine(data, "repos", "live", Repository, "dists", Product, "main", "binary-amd64", "Packages" + variant));
        var theirs = Count(Path.Combine(reprepro.Suite, "main", "binary-amd64", "Packages" + variant));
        if (ours != theirs)
            throw new InvalidOperationException($"Packages{variant}: ours lists {ours} packages, reprepro {theirs}");
    }

    /// <summary>
    /// The real silo process on the same data (xz configuration): resident memory once it has loaded
    /// the distribution and prepared its indices, and the time from a .changes landing in the queue
    /// (its watcher, not the benchmark, takes it) to the new generation being live.
    /// </summary>
    private async Task RealSiloAsync(string data, List<string> notes)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "autobuilder-silo.dll");
        var config = Path.Combine(data, "silo.json");
        File.WriteAllText(config, "{}");
        var args = new List<string> { silo, "--config", config };
        args.AddRange(Settings(data, xz: true).Select(kv => $"{kv.Key}={kv.Value}"));
        args.Add("Logging:LogLevel:Default=Warning");
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Loaded and prepared: the process stays idle for two seconds in a row.
            var sw = Stopwatch.StartNew();
            var cpu = ProcessCpuOf(process.Id);
            var idleFor = 0;
            while (idleFor < 4 && sw.Elapsed < TimeSpan.FromMinutes(3))
            {
                await Task.Delay(500);
                var now = ProcessCpuOf(process.Id);
                idleFor = now - cpu < 0.05 ? idleFor + 1 : 0;
                cpu = now;
            }
            var (rss, _) = Memory(process.Id);
            var link = Path.Combine(data, "repos", "live", Repository, "dists", Product);
            var latencies = new List<double>();
            for (var drop = 0; drop < 3; drop++)
            {
                var before = new FileInfo(link).LinkTarget;
                var i = _next++;
                var landed = Stopwatch.StartNew();
                StageUploads.Link(_uploads, Queue(data), i);
                while (new FileInfo(link).LinkTarget == before && landed.Elapsed < TimeSpan.FromMinutes(1))
                    await Task.Delay(1);
                latencies.Add(landed.Elapsed.TotalSeconds);
                await Task.Delay(500);
            }
            var (rssAfter, peak) = Memory(process.Id);
            notes.Add($"Memory of the real silo process (`autobuilder-silo`, role all) holding the distribution (xz configuration), after loading " +
                      $"it and preparing its indices: **{rss} MB resident**; after three more uploads taken by its own queue watcher: {rssAfter} MB; " +
                      $"peak (VmHWM) {peak} MB (target: under 400 MB).");
            notes.Add($"End to end through that silo's own watcher (a .changes landing in repo-incoming → the new generation live, gz + xz), three uploads " +
                      $"one after another: {string.Join(", ", latencies.Select(Report.S))} (the first in a fresh process pays for JIT compilation; " +
                      "the service waits 50 ms for a burst of file events to settle before it scans).");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static (long RssMb, long PeakMb) Memory(int pid)
    {
        long Field(string name) =>
            long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
                CultureInfo.InvariantCulture) / 1024;
        return (Field("VmRSS:"), Field("VmHWM:"));
    }

    // utime + stime from /proc/<pid>/stat, in seconds (clock ticks of 100 Hz).
    private static double ProcessCpuOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}
