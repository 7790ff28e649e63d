using System.Diagnostics;
using System.Globalization;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Microsoft.Extensions.DependencyInjection;
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
        // The runner runs as the slot users now: its notes go to a file they may append to, and the
        // build root is a folder they can reach (outside the benchmark's data root).
        var shared = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"ab-bench-{Guid.NewGuid():N}"), (UnixFileMode)0b111_101_101).FullName;
        File.SetUnixFileMode(shared, (UnixFileMode)0b111_101_101);
        var marks = Path.Combine(shared, "runner-started");
        File.WriteAllText(marks, "");
        File.SetUnixFileMode(marks, (UnixFileMode)0b110_110_110);
        var wrapper = WriteWrapper(root, marks);

        var settings = BenchSilo.Settings(Path.Combine(root, "var"), portOffset: 9);
        settings["Autobuilder:Products:0"] = "bookworm";
        settings["Autobuilder:Architectures:0"] = Arch;
        settings["Autobuilder:BuildRunner"] = wrapper;
        settings["Autobuilder:BuildRoot"] = Path.Combine(shared, "builds");
        // Real slot accounts (scripts/install-deps): the product's sandboxed local builds.
        for (var i = 0; i < SlotUsers.Length; i++)
        {
            settings[$"Autobuilder:Slots:{i}:Host"] = "localhost";
            settings[$"Autobuilder:Slots:{i}:User"] = SlotUsers[i];
        }
        await StartPathAsync();
        try
        {
            double after;
            await using (var silo = await BenchSilo.StartAsync(settings))
            {
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
                report.Line($"Latency, .dsc landing → build runner started (as the slot's user, in its sandbox), {uploads} uploads, a slot free: p50 **{Pct(latencies, 50):0.000} s** " +
                            $"(target ≤ 0.5 s), p99 **{Pct(latencies, 99):0.000} s** (target ≤ 2 s), max {latencies[^1]:0.000} s; the seed's cron: up to 60 s.");
                after = await OverheadAsync(silo, root, sources, incoming, "sandboxed", overheadRuns);
            }

            // The same measure with the pre-issue-10 start (the runner as the silo's own user), in the same run.
            var before = Path.Combine(root, "before");
            var beforeSettings = BenchSilo.Settings(Path.Combine(before, "var"), portOffset: 10);
            foreach (var (key, value) in settings.Where(s => s.Key.StartsWith("Autobuilder:Slots", StringComparison.Ordinal) || s.Key is "Autobuilder:Products:0" or "Autobuilder:Architectures:0"))
                beforeSettings[key] = value;
            await using (var silo = await BenchSilo.StartAsync(beforeSettings,
                             s => s.Services.AddSingleton<IBuildExecutorFactory>(sp => new UnsandboxedBuildExecutorFactory(sp.GetRequiredService<DataPaths>()))))
            {
                var unsandboxed = await OverheadAsync(silo, before, sources, Path.Combine(before, "var", "incoming", "bookworm"), "unsandboxed", overheadRuns);
                report.Line($"Sandbox cost (same run): overhead **{unsandboxed:0.00} s** before (runner as the silo's user) → **{after:0.00} s** after " +
                            $"(as the slot user: setpriv, clean environment, user/PID/network namespaces, sources as a tar stream, folder check, clean-up): " +
                            $"**{after - unsandboxed:+0.00;-0.00} s** (target ≤ +0.3 s).");
            }
        }
        finally
        {
            Tool.Run("rm", "-rf", shared);
        }
    }

    private static readonly string[] SlotUsers = ["abbuild1", "abbuild2", "abbuild3"];

    /// <summary>
    /// What the sandbox adds to one local build, without dpkg-buildpackage's own time (whose spread
    /// on a busy machine is larger than the whole difference): the product's executor and the
    /// pre-issue-10 start, each running a runner that only records a finished build, taking turns,
    /// <paramref name="runs"/> times each; the medians.
    /// </summary>
    public async Task StartPathAsync(int runs = 21)
    {
        var shared = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"ab-bench-start-{Guid.NewGuid():N}"), (UnixFileMode)0b111_101_101).FullName;
        File.SetUnixFileMode(shared, (UnixFileMode)0b111_101_101);
        try
        {
            var sources = Path.Combine(shared, "sources");
            var dsc = new SourcePackage(Name: "bench-start", Format: "3.0 (native)", Revision: "").BuildSource(Folder(sources, 0));
            var files = Directory.GetFiles(Path.GetDirectoryName(dsc)!).Select(Path.GetFileName).Where(f => f != Path.GetFileName(dsc)).Select(f => f!).ToList();
            var runner = Path.Combine(shared, "ab-build-runner");
            // A runner that does what every build's runner does first and last: its log, its state file.
            File.WriteAllText(runner, "#!/bin/bash\necho '=== init ===' | tee build.log\nprintf 'state=done\\noutcome=build-failed\\nreason=benchmark\\n' > state\nexit 1\n");
            File.SetUnixFileMode(runner, (UnixFileMode)0b111_101_101);
            var paths = new DataPaths(Path.Combine(shared, "var"));
            var slot = new SlotConfig("localhost", SlotUsers[0], [Arch], SlotConfig.LocalExecutor);
            var options = new AutobuilderOptions { BuildRoot = Path.Combine(shared, "builds") };
            IBuildExecutor sandboxed = new Autobuilder.Silo.Execution.LocalBuildExecutor(slot, paths, runner, Autobuilder.Silo.Execution.Sandbox.BuildSandbox.FromOptions(options));
            IBuildExecutor direct = new UnsandboxedBuildExecutorFactory(paths, runner).Create(slot);
            var times = new Dictionary<IBuildExecutor, List<double>> { [sandboxed] = [], [direct] = [] };
            for (var i = 0; i < runs + 1; i++)
            {
                foreach (var executor in new[] { direct, sandboxed })
                {
                    var build = new BuildRequest($"bookworm/bench-start_1.0/{i}/{Arch}", $"bookworm/bench-start_1.0/{i}", "bookworm", "bench-start", "1.0", Arch,
                        BuildType.Any, 0, DateTimeOffset.UtcNow, Path.GetFileName(dsc), files, Path.GetDirectoryName(dsc)!);
                    var sw = Stopwatch.StartNew();
                    var result = await executor.RunAsync(new BuildAssignment(build, 1, slot.Key), null, CancellationToken.None);
                    if (result.Outcome != Autobuilder.BuildRunner.BuildOutcome.BuildFailed || result.Summary != "benchmark")
                        throw new InvalidOperationException($"start path benchmark: {result.Outcome}: {result.Summary}");
                    if (i > 0) // the first round warms up both
                        times[executor].Add(sw.Elapsed.TotalSeconds);
                }
            }
            var before = Median(times[direct]);
            var after = Median(times[sandboxed]);
            report.Line($"Start path of one local build (median of {runs} each, taking turns, same run; sources in, runner, log, state, results, clean-up): " +
                        $"before (runner as the silo's user) **{before:0.000} s**, after (as the slot user in its sandbox) **{after:0.000} s**: " +
                        $"**{after - before:+0.000;-0.000} s** per build (target ≤ +0.3 s).");
        }
        finally
        {
            Tool.Run("rm", "-rf", shared);
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Overhead: the example-sized package through the whole system, against dpkg-buildpackage alone; the median.</summary>
    private async Task<double> OverheadAsync(BenchSilo silo, string root, string sources, string incoming, string label, int runs)
    {
        var overheads = new List<(double Total, double Build)>();
        for (var i = 0; i < runs; i++)
        {
            var name = $"bench-ovh-{label}{i}";
            var dsc = new SourcePackage(Name: name, Format: "3.0 (native)", Revision: "").BuildSource(Folder(sources, 1000 + i + (label == "sandboxed" ? 0 : 500)));
            var buildAlone = DpkgBuildpackageAlone(dsc, Path.Combine(root, $"alone-{label}{i}"));
            var landed = Drop(dsc, incoming);
            var id = $"bookworm/{name}_1.0/1";
            var done = await Until(async () =>
            {
                var d = await silo.Grains.GetGrain<IUploadGrain>(id).GetDetailsAsync();
                return d?.Summary.State == UploadState.Done ? d : null;
            }, TimeSpan.FromMinutes(3), $"{id} done");
            if (done!.Summary.Outcome != UploadState.Published)
                throw new InvalidOperationException($"{id} ended {done.Summary.Outcome}: {done.Summary.LastReason}");
            overheads.Add(((done.Summary.UpdatedAt - landed).TotalSeconds, buildAlone));
        }
        var median = overheads.OrderBy(o => o.Total - o.Build).ElementAt(overheads.Count / 2);
        report.Line($"Overhead around one build, {label} (median of {runs}): landing → Done {median.Total:0.00} s, dpkg-buildpackage alone {median.Build:0.00} s, " +
                    $"overhead **{median.Total - median.Build:0.00} s** (target ≤ 2 s).");
        return median.Total - median.Build;
    }

    /// <summary>
    /// The real runner with one line after its first that notes, to the nanosecond, when the slot
    /// started it: a copy, since the executor sends the runner into the slot's folder as a file.
    /// </summary>
    private static string WriteWrapper(string root, string marks)
    {
        var real = System.Text.Encoding.UTF8.GetString(Autobuilder.BuildRunner.BuildRunnerScript.ReadBytes());
        var path = Path.Combine(root, "timed-runner");
        var newline = real.IndexOf('\n');
        File.WriteAllText(path, real[..(newline + 1)] + $"echo \"$(date +%s.%N) $(basename \"$PWD\")\" >> '{marks}'\n" + real[(newline + 1)..]);
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

    internal static double DpkgBuildpackageAlone(string dsc, string folder)
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
