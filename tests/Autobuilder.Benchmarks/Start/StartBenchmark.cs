using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Benchmarks.Start;

/// <summary>
/// How long a silo of role all takes to start, as the tests start it (<see cref="SiloProcess"/>)
/// and as ./run.sh starts it (the shipped all.json), and how long a console call that does nothing
/// takes. Per start, from the exec: the silo's first log line (Orleans at Information), the gateway
/// answering (the client connected and the scheduler answering: what <see cref="SiloProcess.StartAsync"/>
/// waits for), and an upload dropped into incoming before the start registered; the CPU the silo
/// spent until it answered. Each round starts on a fresh data root, then kills it (SIGKILL) and
/// starts it again on the same data root, as the chaos driver does. Several silo builds (folders
/// holding an autobuilder-silo.dll) can be compared; they take turns, round by round, so a change in
/// the machine's load touches each alike.
/// </summary>
internal sealed class StartBenchmark(string repo, string work, Report report)
{
    public async Task RunAsync(IReadOnlyList<string> siloFolders, IReadOnlyList<string> consoleFolders, int rounds)
    {
        var root = Path.Combine(work, $"start-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var results = new Dictionary<string, List<Sample>>();
        report.Line($"{rounds} round(s); each: every silo build (taking turns) started as the tests start it and as run.sh does (shipped all.json), fresh and after a SIGKILL on the same data root.");
        report.Line("");
        var packages = 0;
        for (var r = 0; r < rounds; r++)
        {
            foreach (var folder in siloFolders)
            {
                foreach (var shipped in new[] { false, true })
                {
                    var data = Path.Combine(root, $"r{r}-{Label(folder)}-{(shipped ? "run" : "test")}");
                    var silo = shipped
                        ? Cluster.ShippedSilo.Create(repo, "all", data, null, null, OrleansInformation)
                        : new SiloProcess(data, OrleansInformation);
                    silo.SiloFolder = folder;
                    await using (silo)
                    {
                        foreach (var kind in new[] { "fresh", "restart" })
                        {
                            if (kind == "restart")
                                await silo.KillAsync();
                            var sample = await OneStartAsync(silo, root, packages++);
                            var key = $"{Label(folder)} | {(shipped ? "run.sh (all.json)" : "tests (SiloProcess)")} | {kind}";
                            if (!results.TryGetValue(key, out var list))
                                results[key] = list = [];
                            list.Add(sample with { Load = Report.Load() });
                            Console.Error.WriteLine($"start: {key}: {sample}");
                        }
                    }
                }
            }
        }
        report.Line("| silo build | started as | start | first log line | gateway answering | upload registered | silo CPU until answering | load |");
        report.Line("| --- | --- | --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var (key, list) in results)
        {
            report.Line($"| {key} | {Median(list, s => s.FirstLine)} | **{Median(list, s => s.Answering)}** | {Median(list, s => s.Registered)} | {Median(list, s => s.Cpu)} | " +
                        $"{string.Join(", ", list.Select(s => s.Load))} |");
        }
        report.Line("");
        report.Line("Medians of the rounds (each figure from the exec of `dotnet autobuilder-silo.dll`).");

        if (consoleFolders.Count > 0)
            await ConsoleAsync(root, consoleFolders, rounds);
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>A console call that does nothing (audit --limit 1: start, TLS, connect, one call), each console build in turn.</summary>
    private async Task ConsoleAsync(string root, IReadOnlyList<string> consoleFolders, int rounds)
    {
        await using var silo = new SiloProcess(Path.Combine(root, "console-silo"));
        await silo.StartAsync();
        var times = consoleFolders.ToDictionary(f => f, _ => new List<(double Wall, double Cpu)>());
        for (var r = 0; r < rounds; r++)
        {
            foreach (var folder in consoleFolders)
            {
                var wall = Measure.Run("/dev/null", "dotnet", [Path.Combine(folder, "autobuilder.dll"), "audit", "--limit", "1", .. silo.ConsoleArguments]);
                times[folder].Add((wall, Measure.LastCpu));
            }
        }
        report.Line("");
        report.Line("| console build | `audit --limit 1` wall (median) | CPU (median) | load |");
        report.Line("| --- | ---: | ---: | --- |");
        foreach (var (folder, list) in times)
            report.Line($"| {Label(folder)} | **{Report.S(MedianOf(list.Select(t => t.Wall)))}** | {Report.S(MedianOf(list.Select(t => t.Cpu)))} | {Report.Load()} |");
    }

    private sealed record Sample(double FirstLine, double Answering, double Registered, double Cpu, string Load = "")
    {
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"first line {FirstLine:0.00} s, answering {Answering:0.00} s, registered {Registered:0.00} s, CPU {Cpu:0.00} s");
    }

    private static async Task<Sample> OneStartAsync(SiloProcess silo, string root, int n)
    {
        // The upload waits in incoming while the silo is down, as in the chaos run.
        var package = new SourcePackage(Name: $"start-bench{n}", Format: "3.0 (native)", Revision: "", Debhelper: false);
        var built = Directory.CreateDirectory(Path.Combine(root, "packages", n.ToString(CultureInfo.InvariantCulture))).FullName;
        var dsc = package.BuildSource(built);
        var incoming = Directory.CreateDirectory(silo.Incoming()).FullName;
        foreach (var file in Directory.EnumerateFiles(built).Where(f => f != dsc))
            File.Copy(file, Path.Combine(incoming, Path.GetFileName(file)));
        File.Copy(dsc, Path.Combine(incoming, Path.GetFileName(dsc)));

        var linesBefore = silo.Output.Split('\n').Length - 1;
        var wallStart = DateTime.Now;
        var clock = Stopwatch.StartNew();
        await silo.StartAsync();
        var answering = clock.Elapsed.TotalSeconds;
        var cpu = ProcessCpu(silo.ProcessId!.Value);
        var registry = silo.Grains.GetGrain<IUploadRegistryGrain>("bookworm");
        double registered = double.NaN;
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            if ((await registry.ListAsync(1000)).Any(u => u.Source == package.Name))
            {
                registered = clock.Elapsed.TotalSeconds;
                break;
            }
            await Task.Delay(20);
        }
        var first = silo.Output.Split('\n').Skip(linesBefore).Select(l => Stamp(l, wallStart)).FirstOrDefault(t => t is not null);
        return new Sample(first ?? double.NaN, answering, registered, cpu);
    }

    /// <summary>Seconds from <paramref name="start"/> to the time a log line carries (HH:mm:ss.fff, local time).</summary>
    private static double? Stamp(string line, DateTime start)
    {
        if (line.Length < 13 || !TimeSpan.TryParseExact(line[..12], @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture, out var time))
            return null;
        var at = start.Date + time;
        if (at < start.AddHours(-12))
            at = at.AddDays(1);
        return (at - start).TotalSeconds;
    }

    /// <summary>utime + stime of a process, from /proc (clock ticks of 1/100 s).</summary>
    private static double ProcessCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static void OrleansInformation(JsonObject config)
    {
        // Orleans' first line is the first Information line it writes; the rest of the run's logging as the tests have it.
        config["Logging"]!["LogLevel"]!["Orleans"] = "Information";
        config["Logging"]!["Console"] ??= new JsonObject { ["FormatterName"] = "simple", ["FormatterOptions"] = new JsonObject { ["TimestampFormat"] = "HH:mm:ss.fff " } };
    }

    private static string Label(string folder) => Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));

    private static string Median(List<Sample> list, Func<Sample, double> pick) => Report.S(MedianOf(list.Select(pick)));

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }
}
