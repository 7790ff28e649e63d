using System.Diagnostics;
using Autobuilder.BuildRunner;
using Autobuilder.Debian.Uploads;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.Execution.Ssh;
using Autobuilder.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Autobuilder.Benchmarks.Ssh;

/// <summary>
/// The cost of building over SSH, for one build of the example package (examples/hello-autobuilder):
/// the SSH executor's whole run (connect or reuse, SFTP of sources and runner, the runner, the
/// results and runner files copied back, the remote folder removed) against dpkg-buildpackage
/// alone on the same unpacked source, with the runner run locally in between to tell the runner's
/// share from the SSH share.
/// </summary>
internal sealed class SshOverheadBenchmark(string repo, string work, Report report)
{
    private static readonly string Arch = Tool.Run("dpkg", "--print-architecture").Ok().Stdout.Trim();

    public async Task RunAsync(int runs)
    {
        var root = Path.Combine(work, $"ssh-overhead-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var dsc = Path.Combine(repo, "examples", "hello-autobuilder_1.0.dsc");
        var files = DscFile.Load(dsc).Files.Select(f => f.Name).ToList();
        var runner = BuildRunnerScript.WriteTo(Path.Combine(root, "bin", BuildRunnerScript.FileName));
        using var hosts = new SshBenchHosts(hosts: 1);
        var options = new AutobuilderOptions();
        using var pool = new SshConnectionPool(Options.Create(options));
        var slot = hosts.Slot(0, SshBenchHosts.Users[0], Arch);
        var build = new BuildRequest($"bookworm/hello-autobuilder_1.0/1/{Arch}", "bookworm/hello-autobuilder_1.0/1", "bookworm",
            "hello-autobuilder", "1.0", Arch, BuildType.Any, 0, DateTimeOffset.UtcNow, Path.GetFileName(dsc), files, Path.GetDirectoryName(dsc)!);

        // Warm-up: the first build pays for the page cache and debhelper's first start.
        using (var first = new SshConnectionPool(Options.Create(options)))
            await SshBuildAsync(slot, first, options, build, root, 0);
        var alone = new List<double>();
        var local = new List<double>();
        var cold = new List<double>();
        var warm = new List<double>();
        // Interleaved, so that load from other jobs on the machine falls on every kind alike.
        for (var i = 1; i <= runs; i++)
        {
            alone.Add(DpkgBuildpackageAlone(dsc, Path.Combine(root, $"alone{i}")));
            local.Add(RunnerAlone(runner, dsc, files, Path.Combine(root, $"local{i}")));
            using (var fresh = new SshConnectionPool(Options.Create(options)))
                cold.Add(await SshBuildAsync(slot, fresh, options, build, root, 100 + i));
            await SshBuildAsync(slot, pool, options, build, root, 200 + i); // leaves a pooled connection
            warm.Add(await SshBuildAsync(slot, pool, options, build, root, 300 + i));
        }

        report.Line($"One build of examples/hello-autobuilder ({Arch}), median of {runs} (fastest in brackets); load before: {Report.Load()}.");
        report.Line("");
        report.Line("| path | wall | minus dpkg-buildpackage alone |");
        report.Line("| --- | ---: | ---: |");
        Row("dpkg-buildpackage -us -uc --build=any alone", alone, alone);
        Row("ab-build-runner, host mode, run locally", local, alone);
        Row("SSH executor, new connection", cold, alone);
        Row("SSH executor, pooled connection (the usual case)", warm, alone);
        report.Line("");
        report.Line($"SSH path overhead (pooled connection): **{Median(warm) - Median(alone):0.00} s** (target ≤ 2 s); " +
                    $"of which the runner itself {Median(local) - Median(alone):0.00} s and SSH/SFTP {Median(warm) - Median(local):0.00} s; " +
                    $"a new connection adds {Median(cold) - Median(warm):0.00} s. Load after: {Report.Load()}.");
    }

    private void Row(string what, List<double> times, List<double> alone) =>
        report.Line($"| {what} | {Median(times):0.00} s ({times.Min():0.00} s) | {Median(times) - Median(alone):0.00} s |");

    private static async Task<double> SshBuildAsync(SlotConfig slot, SshConnectionPool pool, AutobuilderOptions options, BuildRequest build, string root, int attempt)
    {
        var executor = new SshBuildExecutor(slot, new DataPaths(Path.Combine(root, "var")), pool, options.Ssh, NullLogger<SshBuildExecutor>.Instance);
        var clock = Stopwatch.StartNew();
        var result = await executor.RunAsync(new BuildAssignment(build, attempt, slot.Key), null, CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        if (result.Outcome != BuildOutcome.Success)
            throw new InvalidOperationException($"SSH build ended {result.Outcome}: {result.Summary} (log {result.LogPath})");
        return seconds;
    }

    private static double RunnerAlone(string runner, string dsc, IEnumerable<string> files, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var name in files.Append(Path.GetFileName(dsc)))
            File.Copy(Path.Combine(Path.GetDirectoryName(dsc)!, name), Path.Combine(folder, name));
        var clock = Stopwatch.StartNew();
        Tool.Run(runner, ["--dsc", Path.GetFileName(dsc), "--arch", Arch, "--mode", "host", "--build-type", "any"], workingDirectory: folder).Ok();
        var seconds = clock.Elapsed.TotalSeconds;
        Directory.Delete(folder, recursive: true);
        return seconds;
    }

    private static double DpkgBuildpackageAlone(string dsc, string folder)
    {
        Directory.CreateDirectory(folder);
        Tool.Run("dpkg-source", ["-x", dsc, Path.Combine(folder, "src")]).Ok();
        var clock = Stopwatch.StartNew();
        Tool.Run("dpkg-buildpackage", ["-us", "-uc", "--build=any"], workingDirectory: Path.Combine(folder, "src")).Ok();
        var seconds = clock.Elapsed.TotalSeconds;
        Directory.Delete(folder, recursive: true);
        return seconds;
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
