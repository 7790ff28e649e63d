using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Autobuilder.Grains;

namespace Autobuilder.Benchmarks.Pipeline;

/// <summary>
/// Intake under a burst (issue 10, speed): N small source uploads land in incoming at one moment
/// (every file renamed in from the same file system, the .dsc files last), and the time until
/// every one is verified and queued is measured on a real silo with no slots (builds stay queued).
/// Run twice per round: alone, and with a 2 GiB upload landing at the same moment, to see how much
/// the large one delays the small ones. The floor is <c>sha256sum</c> over the same files.
/// </summary>
internal sealed class IntakeBenchmark(string work, Report report)
{
    private static readonly string Arch = Autobuilder.Testing.Tool.Run("dpkg", "--print-architecture").Ok().Stdout.Trim();

    public async Task RunAsync(int uploads, long bigBytes, int rounds)
    {
        var root = Path.Combine(work, $"intake-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var big = Path.Combine(root, "big");
        Directory.CreateDirectory(big);
        var bigDsc = WriteUpload(big, "bench-big", bigBytes);
        report.Line($"{uploads} small source uploads (a native .tar.xz of 4–16 KiB and its .dsc each) landing at once; " +
                    $"the large upload: one {bigBytes / (double)(1L << 30):0.#} GiB tarball. {rounds} round(s), each: alone, then with the large one.");
        report.Line("");
        report.Line("| round | load before | with the large upload | all queued | per upload: p50 | p99 | max | large upload queued | CPU of the process until all small queued |");
        report.Line("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var sets = new List<string>();
        for (var r = 0; r < rounds; r++)
        {
            foreach (var withBig in new[] { false, true })
            {
                var set = Path.Combine(root, $"set-{r}-{withBig}");
                var dscs = Enumerable.Range(0, uploads).Select(i => WriteUpload(set, $"bench-in{i}", 4096 + (i % 13) * 1024)).ToList();
                sets.Add(set);
                var load = Report.Load();
                var result = await OneRunAsync(Path.Combine(root, $"var-{r}-{withBig}"), dscs, withBig ? bigDsc : null, r * 2 + (withBig ? 1 : 0));
                report.Line($"| {r + 1} | {load} | {(withBig ? "yes" : "no")} | **{Report.S(result.AllQueued)}** | {Report.S(result.P50)} | {Report.S(result.P99)} | {Report.S(result.Max)} | " +
                            $"{(result.BigQueued is { } b ? Report.S(b) : "-")} | {Report.S(result.Cpu)} |");
            }
        }
        // The floor: reading and hashing the same bytes once, with the fastest tool at hand (one SHA-256; intake computes MD5, SHA-1 and SHA-256 and writes a copy).
        var floorSet = Path.Combine(root, "floor");
        for (var i = 0; i < uploads; i++)
            WriteUpload(floorSet, $"bench-in{i}", 4096 + (i % 13) * 1024);
        var smallFiles = Directory.EnumerateFiles(floorSet).ToArray();
        var floorSmall = Measure.Best(3, () => Measure.Run("/dev/null", "sha256sum", smallFiles));
        var floorBig = Measure.Best(2, () => Measure.Run("/dev/null", "sha256sum", Directory.EnumerateFiles(big).ToArray()));
        report.Line("");
        report.Line($"Floor, `sha256sum` of the same files (page cache warm): the {smallFiles.Length} small files **{Report.S(floorSmall)}**, the large upload **{Report.S(floorBig)}** (load {Report.Load()}).");
        Directory.Delete(root, recursive: true);
    }

    private sealed record RunResult(double AllQueued, double P50, double P99, double Max, double? BigQueued, double Cpu);

    private static async Task<RunResult> OneRunAsync(string dataRoot, List<string> dscs, string? bigDsc, int portOffset)
    {
        var settings = BenchSilo.Settings(dataRoot, portOffset: 60 + portOffset);
        settings["Autobuilder:Products:0"] = "bookworm";
        settings["Autobuilder:Architectures:0"] = Arch;
        settings["Logging:LogLevel:Default"] = "Warning";
        await using var silo = await BenchSilo.StartAsync(settings);
        var incoming = Path.Combine(dataRoot, "incoming", "bookworm");
        Directory.CreateDirectory(incoming);
        var registry = silo.Grains.GetGrain<IUploadRegistryGrain>("bookworm");

        // Named files first, then every .dsc: each rename is one landing, all within milliseconds.
        // The large upload is hard-linked in (kept for the next round), the small ones moved.
        var all = (bigDsc is null ? dscs : [bigDsc, .. dscs]);
        foreach (var dsc in all)
        {
            foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(dsc)!, Path.GetFileNameWithoutExtension(dsc).Split('_')[0] + "_*").Where(f => !f.EndsWith(".dsc", StringComparison.Ordinal)))
                Land(file, incoming, keep: dsc == bigDsc);
        }
        var cpuBefore = Measure.ProcessCpu();
        var landed = DateTimeOffset.UtcNow;
        var sw = Stopwatch.StartNew();
        foreach (var dsc in all)
            Land(dsc, incoming, keep: dsc == bigDsc);

        var expected = dscs.Count + (bigDsc is null ? 0 : 1);
        IReadOnlyList<UploadSummary> list = [];
        double? cpu = null;
        while (sw.Elapsed < TimeSpan.FromMinutes(5))
        {
            list = await registry.ListAsync(expected + 10);
            if (cpu is null && list.Count(u => u.State == UploadState.Queued && u.Source != "bench-big") >= dscs.Count)
                cpu = Measure.ProcessCpu() - cpuBefore;
            if (list.Count(u => u.State == UploadState.Queued) >= expected)
                break;
            if (list.FirstOrDefault(u => u.State == UploadState.Rejected) is { } bad)
                throw new InvalidOperationException($"intake benchmark: {bad.Id} was rejected: {bad.LastReason}");
            await Task.Delay(100);
        }
        if (list.Count(u => u.State == UploadState.Queued) < expected)
            throw new TimeoutException($"intake benchmark: only {list.Count(u => u.State == UploadState.Queued)} of {expected} queued after 5 minutes");

        // Each upload's own Queued time, from its history (no polling error).
        var latencies = new List<double>();
        double? big = null;
        foreach (var summary in list)
        {
            var details = await silo.Grains.GetGrain<IUploadGrain>(summary.Id).GetDetailsAsync();
            var queued = details!.History.First(h => h.To == UploadState.Queued).At;
            var seconds = (queued - landed).TotalSeconds;
            if (summary.Source == "bench-big")
                big = seconds;
            else
                latencies.Add(seconds);
        }
        latencies.Sort();
        return new RunResult(latencies[^1], PipelineBenchmark.Pct(latencies, 50), PipelineBenchmark.Pct(latencies, 99), latencies[^1], big, cpu ?? double.NaN);
    }

    private static void Land(string file, string incoming, bool keep)
    {
        var target = Path.Combine(incoming, Path.GetFileName(file));
        if (keep)
            Autobuilder.Silo.Storage.FileLinks.LinkOrCopy(file, target);
        else
            File.Move(file, target);
    }

    /// <summary>A native source upload: a tarball of <paramref name="size"/> bytes and a .dsc with its three sums.</summary>
    private static string WriteUpload(string folder, string name, long size)
    {
        Directory.CreateDirectory(folder);
        var tarball = Path.Combine(folder, $"{name}_1.0.tar.xz");
        using (var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5))
        using (var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1))
        using (var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var block = new byte[(int)Math.Min(size, 16 << 20)];
            Random.Shared.NextBytes(block);
            using (var output = new FileStream(tarball, FileMode.Create, FileAccess.Write))
            {
                for (long written = 0; written < size;)
                {
                    var n = (int)Math.Min(block.Length, size - written);
                    output.Write(block, 0, n);
                    md5.AppendData(block, 0, n);
                    sha1.AppendData(block, 0, n);
                    sha256.AppendData(block, 0, n);
                    written += n;
                    block[0]++;
                }
            }
            var file = Path.GetFileName(tarball);
            var dsc = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"Format: 3.0 (native)\nSource: {name}\nBinary: {name}\nArchitecture: any\nVersion: 1.0\n")
                .Append("Maintainer: Bench <bench@example.org>\nStandards-Version: 4.6.2\nBuild-Depends: debhelper-compat (= 13)\n")
                .Append(CultureInfo.InvariantCulture, $"Checksums-Sha1:\n {Convert.ToHexStringLower(sha1.GetHashAndReset())} {size} {file}\n")
                .Append(CultureInfo.InvariantCulture, $"Checksums-Sha256:\n {Convert.ToHexStringLower(sha256.GetHashAndReset())} {size} {file}\n")
                .Append(CultureInfo.InvariantCulture, $"Files:\n {Convert.ToHexStringLower(md5.GetHashAndReset())} {size} {file}\n");
            var path = Path.Combine(folder, $"{name}_1.0.dsc");
            File.WriteAllText(path, dsc.ToString());
            return path;
        }
    }
}
