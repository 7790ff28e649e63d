namespace Autobuilder.Benchmarks;

/// <summary>
/// <c>./autobuilder deb scan</c> (the wrapper a user runs, as a process) against <c>apt-ftparchive
/// packages</c> on the same generated pool: without a cache, then with a warm cache and one new .deb.
/// </summary>
internal sealed class ScanBenchmark(string work, string cli, Report report, int runs)
{
    private const string AptFtparchive = "apt-ftparchive";

    public void Run(int count)
    {
        var root = Path.Combine(work, $"scan-{count}");
        var pool = Path.Combine(root, "pool");
        Prepare(root, count);
        var ourOut = Path.Combine(work, "ours.Packages");
        var aptOut = Path.Combine(work, "apt.Packages");

        // Cold scan. The first run of each warms the page cache and the JIT-less paths alike.
        Measure.Run(ourOut, cli, "deb", "scan", pool);
        Measure.Run(aptOut, AptFtparchive, "packages", pool);
        var same = File.ReadAllBytes(ourOut).AsSpan().SequenceEqual(File.ReadAllBytes(aptOut));
        var idle = Measure.WaitForQuiet(TimeSpan.FromMinutes(3));
        var load = Report.Load();
        var ours = Measure.BestRun(runs, () => Measure.Run("/dev/null", cli, "deb", "scan", pool));
        var apt = Measure.BestRun(runs, () => Measure.Run("/dev/null", AptFtparchive, "packages", pool));

        // Warm cache, one new .deb each timed run.
        var cache = Path.Combine(root, "ours.scancache");
        var db = Path.Combine(root, "apt.db");
        File.Delete(cache);
        File.Delete(db);
        Measure.Run("/dev/null", cli, "deb", "scan", "--cache", cache, pool);
        Measure.Run("/dev/null", AptFtparchive, "--db", db, "packages", pool);
        var data = DebGenerator.DataTarGz();
        var next = count;
        double Added(Func<double> run)
        {
            DebGenerator.Write(Path.Combine(root, DebGenerator.RelativePath(next)), next, data);
            next++;
            return run();
        }
        var oursWarm = Measure.BestRun(runs, () => Added(() => Measure.Run(ourOut, cli, "deb", "scan", "--cache", cache, pool)));
        // Both tools now see the same new files; apt's database has not seen them yet.
        var aptWarm = Measure.BestRun(runs, () => Added(() => Measure.Run(aptOut, AptFtparchive, "--db", db, "packages", pool)));
        // The last timed apt run saw one more file than our last one; compare on an equal footing.
        Measure.Run(ourOut, cli, "deb", "scan", "--cache", cache, pool);
        var sameWarm = File.ReadAllBytes(ourOut).AsSpan().SequenceEqual(File.ReadAllBytes(aptOut));
        for (var i = count; i < next; i++)
            File.Delete(Path.Combine(root, DebGenerator.RelativePath(i)));

        report.Heading($"{count:N0} .debs");
        report.Comparison("ours", "apt-ftparchive",
        [
            ("no cache", ours, apt),
            ("warm cache + 1 new .deb", oursWarm, aptWarm),
        ]);
        report.Line($"\nOutputs byte-identical: no cache {(same ? "yes" : "NO")}, warm cache {(sameWarm ? "yes" : "NO")}. " +
                    $"Idle CPU before: {idle:P0}; load average before / after: {load} / {Report.Load()}.");
    }

    private static void Prepare(string root, int count)
    {
        var marker = Path.Combine(root, "generated");
        if (File.Exists(marker) && File.ReadAllText(marker) == count.ToString())
            return;
        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);
        Directory.CreateDirectory(root);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        DebGenerator.Generate(root, count);
        Console.Error.WriteLine($"generated {count} .debs in {sw.Elapsed.TotalSeconds:0.0} s");
        // A sample must be what dpkg-deb itself accepts.
        foreach (var i in new[] { 0, count / 2, count - 1 })
            Measure.Capture("dpkg-deb", "--info", Path.Combine(root, DebGenerator.RelativePath(i)));
        File.WriteAllText(marker, count.ToString());
    }
}
