using System.Diagnostics;
using System.Globalization;
using Autobuilder.Benchmarks.Pipeline;
using Autobuilder.BuildRunner;
using Autobuilder.Debian.Uploads;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Benchmarks.Ssh;

/// <summary>
/// Many small uploads on 4 SSH slots (2 users on each of 2 sshd instances), through a real silo:
/// the time from the first .dsc landing to the last upload Done, against what the builds alone
/// allow — the larger of (sum of their wall times ÷ 4 slots) and (sum of their CPU times ÷ the
/// machine's cores). The builds alone are measured first, one after another, with the runner run
/// locally on the same packages (what a slot runs, without SSH or the silo).
/// </summary>
internal sealed class SshFarmBenchmark(string work, Report report)
{
    private const int Slots = 4;
    private static readonly string Arch = Tool.Run("dpkg", "--print-architecture").Ok().Stdout.Trim();

    public async Task RunAsync(int uploads)
    {
        var root = Path.Combine(work, $"ssh-farm-{Guid.NewGuid():N}");
        var sources = Path.Combine(root, "sources");
        var dscs = Enumerable.Range(0, uploads)
            .Select(i => new SourcePackage(Name: $"bench-ssh{i}", Format: "3.0 (native)", Revision: "")
                .BuildSource(Directory.CreateDirectory(Path.Combine(sources, i.ToString(CultureInfo.InvariantCulture))).FullName))
            .ToList();

        // The builds alone: every package through the runner, sequentially, wall and CPU.
        var runner = BuildRunnerScript.WriteTo(Path.Combine(root, "bin", BuildRunnerScript.FileName));
        Measure.WaitForQuiet(TimeSpan.FromMinutes(2));
        var loadAlone = Report.Load();
        var (sumWall, sumCpu) = (0.0, 0.0);
        foreach (var (dsc, i) in dscs.Select((d, i) => (d, i)))
        {
            var (wall, cpu) = RunnerAlone(runner, dsc, Path.Combine(root, $"alone{i}"));
            sumWall += wall;
            sumCpu += cpu;
        }
        var cores = Environment.ProcessorCount;
        var bound = Math.Max(sumWall / Slots, sumCpu / cores);

        // The farm.
        var hosts = new SshBenchHosts(hosts: 2);
        // Before the silo connects: a session forked before its daemon joined the group stays out of it.
        using var accounting = CpuAccounting.TryCreate("ab-bench-sshd");
        foreach (var server in hosts.Servers)
            accounting?.Add(server.ProcessId ?? throw new InvalidOperationException("an sshd of the benchmark is not running"));
        var settings = BenchSilo.Settings(Path.Combine(root, "var"), portOffset: 17);
        settings["Autobuilder:Products:0"] = "bookworm";
        settings["Autobuilder:Architectures:0"] = Arch;
        for (var h = 0; h < 2; h++)
        {
            var server = hosts.Servers[h];
            settings[$"Autobuilder:BuilderHosts:{h}:Name"] = $"bench-host{h}";
            settings[$"Autobuilder:BuilderHosts:{h}:Address"] = "127.0.0.1";
            settings[$"Autobuilder:BuilderHosts:{h}:Port"] = server.Port.ToString(CultureInfo.InvariantCulture);
            settings[$"Autobuilder:BuilderHosts:{h}:HostKeySha256"] = server.HostKeySha256;
            for (var u = 0; u < SshBenchHosts.Users.Length; u++)
            {
                settings[$"Autobuilder:BuilderHosts:{h}:Users:{u}:User"] = SshBenchHosts.Users[u];
                settings[$"Autobuilder:BuilderHosts:{h}:Users:{u}:KeyFile"] = hosts.Keys[SshBenchHosts.Users[u]].PrivateKeyFile;
            }
        }
        var silo = await BenchSilo.StartAsync(settings);
        var scheduler = silo.Grains.GetGrain<IBuildSchedulerGrain>(0);
        await Until(async () => (await scheduler.GetStatusAsync()).Slots.Count(s => s.State == SlotState.Idle) == Slots, TimeSpan.FromMinutes(1),
            $"{Slots} idle SSH slots");
        var incoming = Path.Combine(root, "var", "incoming", "bookworm");
        Directory.CreateDirectory(incoming);

        Measure.WaitForQuiet(TimeSpan.FromMinutes(2));
        var loadFarm = Report.Load();
        var (busy0, total0) = CpuTicks();
        // CPU of the builds' side: the sshd instances and everything under them (sessions, SFTP,
        // the runners), in a cgroup. CPU of the silo's side: this process (grains, intake,
        // verification, the SSH client, the stage publishing the packages).
        var sshdCpu0 = accounting?.Seconds ?? 0;
        var siloCpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var first = DateTimeOffset.UtcNow;
        foreach (var dsc in dscs)
            Drop(dsc, incoming);
        var details = new List<UploadDetails>();
        foreach (var i in Enumerable.Range(0, uploads))
        {
            var id = $"bookworm/bench-ssh{i}_1.0/1";
            var done = await Until(async () =>
            {
                var d = await silo.Grains.GetGrain<IUploadGrain>(id).GetDetailsAsync();
                return d?.Summary.State == UploadState.Done ? d : null;
            }, TimeSpan.FromMinutes(15), $"{id} done");
            if (done!.Summary.Outcome != UploadState.Published)
                throw new InvalidOperationException($"{id} ended {done.Summary.Outcome}: {done.Summary.LastReason}");
            details.Add(done);
        }
        var (busy1, total1) = CpuTicks();
        var siloCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - siloCpu0;
        double? sshdCpu = accounting?.Seconds - sshdCpu0;
        await silo.DisposeAsync();
        hosts.Dispose();
        var total = (details.Max(d => d.Summary.UpdatedAt) - first).TotalSeconds;
        var builds = details.SelectMany(d => d.Builds).Where(b => b is { Started: not null, Finished: not null }).ToList();
        var slotBusy = builds.Sum(b => (b.Finished!.Value - b.Started!.Value).TotalSeconds);
        var perSlot = builds.GroupBy(b => b.Slot).ToDictionary(g => g.Key ?? "?", g => g.Count());
        var machineBusy = (double)(busy1 - busy0) / Math.Max(1, total1 - total0);

        report.Line($"{uploads} uploads of a small package (3.0 (native), debhelper), {Slots} SSH slots: abslot1 and abslot2 on each of 2 sshd instances, one silo, all on this {cores}-core machine.");
        report.Line("");
        report.Line("| what | value |");
        report.Line("| --- | ---: |");
        report.Line($"| builds alone (runner, one after another): sum of wall times | {sumWall:0.0} s (load {loadAlone}) |");
        report.Line($"| builds alone: sum of CPU times | {sumCpu:0.0} s |");
        report.Line($"| bound: max(wall ÷ {Slots} slots = {sumWall / Slots:0.0} s, CPU ÷ {cores} cores = {sumCpu / cores:0.0} s) | **{bound:0.0} s** |");
        report.Line($"| farm: first .dsc landing → last upload Done | **{total:0.0} s** (load {loadFarm} before) |");
        report.Line($"| farm ÷ bound | **{total / bound:0.00}** (target ≤ 1.15) |");
        report.Line($"| farm: slot time per build (executor start → results published), mean | {slotBusy / builds.Count:0.00} s, against {sumWall / uploads:0.00} s alone |");
        report.Line($"| farm: builds per slot | {string.Join(", ", perSlot.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))} |");
        report.Line($"| farm: CPU under the sshd instances (builds, sessions, SFTP) | {(sshdCpu is { } c ? $"{c:0.0} s" : "n/a (no cpuacct cgroup)")}, against {sumCpu:0.0} s for the builds alone |");
        report.Line($"| farm: CPU of the silo process (grains, SSH client, verification, stage) while it ran | {siloCpu:0.0} s |");
        if (sshdCpu is { } needed)
            report.Line($"| farm: CPU the run needed ÷ {cores} cores | {(needed + siloCpu) / cores:0.0} s, i.e. {(needed + siloCpu) / cores / bound:0.00} × the bound |");
        report.Line($"| farm: machine CPU busy during the run (all processes, other jobs too) | {machineBusy:P0} of {cores} cores |");
    }

    private static (double Wall, double Cpu) RunnerAlone(string runner, string dsc, string folder)
    {
        Directory.CreateDirectory(folder);
        var source = Path.GetDirectoryName(dsc)!;
        foreach (var name in DscFile.Load(dsc).Files.Select(f => f.Name).Append(Path.GetFileName(dsc)))
            File.Copy(Path.Combine(source, name), Path.Combine(folder, name));
        var cpu = Measure.ChildrenCpu();
        var clock = Stopwatch.StartNew();
        Tool.Run(runner, ["--dsc", Path.GetFileName(dsc), "--arch", Arch, "--mode", "host", "--build-type", "any"], workingDirectory: folder).Ok();
        var wall = clock.Elapsed.TotalSeconds;
        cpu = Measure.ChildrenCpu() - cpu;
        Directory.Delete(folder, recursive: true);
        return (wall, cpu);
    }

    private static void Drop(string dsc, string incoming)
    {
        var folder = Path.GetDirectoryName(dsc)!;
        foreach (var file in Directory.EnumerateFiles(folder).Where(f => f != dsc))
            File.Copy(file, Path.Combine(incoming, Path.GetFileName(file)));
        var target = Path.Combine(incoming, Path.GetFileName(dsc));
        File.Copy(dsc, target + ".part");
        File.Move(target + ".part", target);
    }

    // /proc/stat "cpu" line: user nice system idle iowait irq softirq steal …
    private static (long Busy, long Total) CpuTicks()
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var total = f.Take(8).Sum();
        return (total - f[3] - f[4], total);
    }

    private static async Task<T?> Until<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (value is not null && value is not false)
                return value;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"SSH farm benchmark: no {what} after {timeout.TotalSeconds:0} s");
            await Task.Delay(20);
        }
    }
}
