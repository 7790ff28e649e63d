using System.Diagnostics;
using System.Globalization;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Benchmarks.Pipeline;

/// <summary>
/// The pipeline around a build, on a real silo with local slots and the real build runner:
/// latency from a .dsc landing in incoming to the build runner starting (with a slot free), and
/// the overhead of the system around one build (total minus dpkg-buildpackage alone).
/// </summary>
internal sealed class PipelineBenchmark(string work, Report report)
{
    private static readonly string Arch = Tool.Run("dpkg", "--print-architecture").Ok().Stdout.Trim();

    public async Task RunAsync(int uploads = 100, int overheadRuns = 3)
    {
        var root = Path.Combine(work, $"pipeline-{Guid.NewGuid():N}");
        var sources = Path.Combine(root, "sources");
        Directory.CreateDirectory(sources);
        var marks = Path.Combine(root, "runner-started");
        var wrapper = WriteWrapper(root, marks);

        var settings = BenchSilo.Settings(Path.Combine(root, "var"), portOffset: 9);
        settings["Autobuilder:Products:0"] = "bookworm";
        settings["Autobuilder:Architectures:0"] = Arch;
        settings["Autobuilder:BuildRunner"] = wrapper;
        for (var i = 0; i < 4; i++)
        {
            settings[$"Autobuilder:Slots:{i}:Host"] = "localhost";
            settings[$"Autobuilder:Slots:{i}:User"] = $"bench{i}";
        }
        await using var silo = await BenchSilo.StartAsync(settings);
        var incoming = Path.Combine(root, "var", "incoming", "bookworm");
        var scheduler = silo.Grains.GetGrain<IBuildSchedulerGrain>(0);

        // Latency. Sources are made beforehand, so only the system's own work is timed. Each upload
        // waits for a free slot first: queueing behind busy slots is capacity, not latency.
        var dscs = Enumerable.Range(0, uploads)
            .Select(i => new SourcePackage(Name: $"bench-lat{i}", Format: "3.0 (native)", Revision: "").BuildSource(Folder(sources, i)))
            .ToList();
        var latencies = new List<double>();
        foreach (var (dsc, i) in dscs.Select((d, i) => (d, i)))
        {
            await Until(async () => (await scheduler.GetStatusAsync()).Slots.Any(s => s.State == SlotState.Idle), TimeSpan.FromMinutes(2), "a free slot");
            var landed = Drop(dsc, incoming);
            var started = await Until(() => Task.FromResult(StartedAt(marks, $"bench-lat{i}_")), TimeSpan.FromSeconds(60), $"runner start of bench-lat{i}");
            latencies.Add((started!.Value - landed).TotalSeconds);
        }
        latencies.Sort();
        report.Line($"Latency, .dsc landing → build runner started, {uploads} uploads, a slot free: p50 **{Pct(latencies, 50):0.000} s** " +
                    $"(target ≤ 0.5 s), p99 **{Pct(latencies, 99):0.000} s** (target ≤ 2 s), max {latencies[^1]:0.000} s; the seed's cron: up to 60 s.");

        // Overhead: the example-sized package through the whole system, against dpkg-buildpackage alone.
        var overheads = new List<(double Total, double Build)>();
        for (var i = 0; i < overheadRuns; i++)
        {
            var name = $"bench-ovh{i}";
            var dsc = new SourcePackage(Name: name, Format: "3.0 (native)", Revision: "").BuildSource(Folder(sources, 1000 + i));
            var buildAlone = DpkgBuildpackageAlone(dsc, Path.Combine(root, $"alone{i}"));
            var landed = Drop(dsc, incoming);
            var id = $"bookworm/{name}_1.0/1";
            var done = await Until(async () =>
            {
                var d = await silo.Grains.GetGrain<IUploadGrain>(id).GetDetailsAsync();
                return d?.Summary.State == UploadState.Done ? d : null;
            }, TimeSpan.FromMinutes(3), $"{id} done");
            if (done!.Summary.Outcome != UploadState.Built)
                throw new InvalidOperationException($"{id} ended {done.Summary.Outcome}: {done.Summary.LastReason}");
            overheads.Add(((done.Summary.UpdatedAt - landed).TotalSeconds, buildAlone));
        }
        var median = overheads.OrderBy(o => o.Total - o.Build).ElementAt(overheads.Count / 2);
        report.Line($"Overhead around one build (median of {overheadRuns}): landing → Done {median.Total:0.00} s, dpkg-buildpackage alone {median.Build:0.00} s, " +
                    $"overhead **{median.Total - median.Build:0.00} s** (target ≤ 2 s).");
    }

    /// <summary>The real runner behind a line that notes, to the nanosecond, when the slot started it.</summary>
    private static string WriteWrapper(string root, string marks)
    {
        var real = Autobuilder.BuildRunner.BuildRunnerScript.Locate() ?? throw new InvalidOperationException("ab-build-runner not found");
        var path = Path.Combine(root, "timed-runner");
        File.WriteAllText(path, $"#!/bin/sh\necho \"$(date +%s.%N) $(basename \"$PWD\")\" >> '{marks}'\nexec '{real}' \"$@\"\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    /// <summary>Copies an upload into incoming, the .dsc last and by rename; returns the moment it landed.</summary>
    internal static DateTimeOffset Drop(string dsc, string incoming)
    {
        var folder = Path.GetDirectoryName(dsc)!;
        foreach (var file in Directory.EnumerateFiles(folder).Where(f => f != dsc))
            File.Copy(file, Path.Combine(incoming, Path.GetFileName(file)));
        var target = Path.Combine(incoming, Path.GetFileName(dsc));
        File.Copy(dsc, target + ".part");
        var landed = DateTimeOffset.UtcNow;
        File.Move(target + ".part", target);
        return landed;
    }

    private static DateTimeOffset? StartedAt(string marks, string namePart)
    {
        if (!File.Exists(marks))
            return null;
        foreach (var line in File.ReadAllLines(marks))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length == 2 && parts[1].Contains(namePart, StringComparison.Ordinal))
                return DateTimeOffset.UnixEpoch.AddSeconds(double.Parse(parts[0], CultureInfo.InvariantCulture));
        }
        return null;
    }

    private static double DpkgBuildpackageAlone(string dsc, string folder)
    {
        Directory.CreateDirectory(folder);
        Tool.Run("dpkg-source", ["-x", dsc, Path.Combine(folder, "src")]).Ok();
        var sw = Stopwatch.StartNew();
        Tool.Run("dpkg-buildpackage", ["-us", "-uc", "--build=any"], workingDirectory: Path.Combine(folder, "src")).Ok();
        return sw.Elapsed.TotalSeconds;
    }

    private static string Folder(string parent, int i)
    {
        var f = Path.Combine(parent, i.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(f);
        return f;
    }

    internal static double Pct(List<double> sorted, int p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];

    internal static async Task<T?> Until<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (value is not null && value is not false)
                return value;
            if (sw.Elapsed > timeout)
                throw new TimeoutException($"pipeline benchmark: no {what} after {timeout.TotalSeconds:0} s");
            await Task.Delay(5);
        }
    }
}
