using System.Diagnostics;
using Autobuilder.Grains;
using Autobuilder.Grains.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Autobuilder.Benchmarks.Pipeline;

/// <summary>
/// Scheduler throughput: 10,000 queued builds over 200 simulated slots (150 amd64, 50 i386) in a
/// real silo with the product's file-backed grain state. Counts dispatches and grain calls per second, and checks
/// at every sample that no slot is idle while a build it could run waits.
/// </summary>
internal sealed class SchedulerBenchmark(string work, Report report)
{
    public async Task<SchedulerRun> RunAsync(int builds = 10_000, int slots = 200, string? stateFolder = null, string label = "disk", bool memoryState = false)
    {
        var root = Path.Combine(stateFolder ?? work, $"scheduler-{Guid.NewGuid():N}");
        var counter = new SlotCallCounter();
        SchedulerRun run;
        await using (var silo = await StartSiloAsync(root, slots, counter, memoryState))
        {
            run = await MeasureAsync(silo.Grains, counter, builds, slots);
        }
        report.Line($"Scheduler ({label} state): {builds:N0} builds over {slots} simulated slots in {run.Elapsed.TotalSeconds:0.00} s = " +
                    $"**{run.DispatchesPerSecond:N0} dispatches/s** (target ≥ 2,000), {run.CallsPerSecond:N0} grain calls/s to and from the slots " +
                    $"({run.CallsPerDispatch:0.0} a dispatch); samples with an idle slot while a compatible build waited: {run.Violations} of {run.Samples}.");
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
        return run;
    }

    /// <summary>One silo of role "all" with <paramref name="slots"/> simulated slots and <paramref name="counter"/> installed and armed.</summary>
    public static async Task<BenchSilo> StartSiloAsync(string root, int slots, SlotCallCounter counter, bool memoryState = false, bool freePorts = false)
    {
        var settings = BenchSilo.Settings(root, portOffset: 7);
        if (freePorts)
        {
            settings["Orleans:SiloPort"] = Autobuilder.Testing.SiloProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Orleans:GatewayPort"] = Autobuilder.Testing.SiloProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        AddSimulatedSlots(settings, slots, "sim");
        var silo = await BenchSilo.StartAsync(settings,
            silo =>
            {
                silo.Services.AddSingleton<IBuildExecutorFactory, SimulatedBuildExecutorFactory>();
                counter.Install(silo);
                if (memoryState)
                    silo.AddMemoryGrainStorage(Autobuilder.Silo.Hosting.SiloHost.StorageName);
            });
        counter.Arm(silo.Grains);
        return silo;
    }

    /// <summary>
    /// <paramref name="slots"/> slots on <paramref name="host"/>, three amd64 to one i386, served
    /// by whichever executor factory the silo is given (the benchmarks give the simulated one).
    /// LeaseSeconds is long because a simulated build never heartbeats before it ends.
    /// </summary>
    public static void AddSimulatedSlots(Dictionary<string, string?> settings, int slots, string host)
    {
        for (var i = 0; i < slots; i++)
        {
            settings[$"Autobuilder:Slots:{i}:Host"] = host;
            settings[$"Autobuilder:Slots:{i}:User"] = $"s{i:000}";
            settings[$"Autobuilder:Slots:{i}:Executor"] = "local"; // served by the simulated factory
            settings[$"Autobuilder:Slots:{i}:Architectures:0"] = i % 4 == 3 ? "i386" : "amd64";
        }
        settings["Autobuilder:LeaseSeconds"] = "600";
    }

    /// <summary>
    /// Waits for every slot to be idle, queues <paramref name="builds"/> builds at once (every tenth
    /// at a higher priority, one in four for i386) and times them until the last has ended, sampling
    /// the scheduler's table every 20 ms for an idle slot beside a build it could run. The uploads
    /// are placeholders: their grains ignore the reports of builds they do not know. With
    /// <paramref name="activeUploads"/> their grains are activated before the clock starts, as a real
    /// upload's is (it queued the build itself); otherwise each dispatch also pays for activating one
    /// and reading its (empty) state. <paramref name="round"/> keeps build ids of repeated runs apart.
    /// </summary>
    public static async Task<SchedulerRun> MeasureAsync(IGrainFactory grains, SlotCallCounter counter, int builds, int slots,
        bool activeUploads = false, int round = 0)
    {
        var scheduler = grains.GetGrain<IBuildSchedulerGrain>(0);
        await WaitAsync(async () => (await scheduler.GetStatusAsync()).Slots.Count(s => s.State == SlotState.Idle) == slots, "all slots idle");

        var now = DateTimeOffset.UtcNow;
        var queued = Enumerable.Range(0, builds).Select(i =>
        {
            var arch = i % 4 == 3 ? "i386" : "amd64";
            var upload = round == 0 ? $"sim/pkg{i}_1.0/1" : $"sim/r{round}pkg{i}_1.0/1";
            return new QueuedBuild(new BuildRequest($"{upload}/{arch}", upload, "sim", $"pkg{i}", "1.0", arch, BuildType.Any,
                Priority: i % 10 == 0 ? 1 : 0, now.AddTicks(i), $"pkg{i}_1.0.dsc", [], "/nonexistent"), 1, []);
        }).ToList();

        if (activeUploads)
        {
            foreach (var chunk in queued.Chunk(500))
                await Task.WhenAll(chunk.Select(q => grains.GetGrain<IUploadGrain>(q.Build.UploadId).GetDetailsAsync()));
        }
        var violations = 0;
        var samples = 0;
        var callsBefore = counter.Calls;
        var sw = Stopwatch.StartNew();
        foreach (var chunk in queued.Chunk(1000))
            await scheduler.EnqueueAsync(chunk);
        while (true)
        {
            var status = await scheduler.GetStatusAsync();
            samples++;
            var waitingArchs = status.Waiting.Select(w => w.Architecture).ToHashSet();
            if (status.Slots.Any(s => s.State == SlotState.Idle && s.CurrentBuild is null && s.Architectures.Any(waitingArchs.Contains)))
                violations++;
            if (status.Dispatched >= builds && status.Waiting.Count == 0 && status.Running.Count == 0)
                break;
            if (sw.Elapsed > TimeSpan.FromMinutes(5))
                throw new TimeoutException($"scheduler benchmark: {status.Dispatched} of {builds} dispatched after 5 minutes");
            await Task.Delay(20);
        }
        sw.Stop();
        return new SchedulerRun(builds, sw.Elapsed, violations, samples, counter.Calls - callsBefore);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!await condition())
        {
            if (sw.Elapsed > TimeSpan.FromMinutes(2))
                throw new TimeoutException($"scheduler benchmark: waited 2 minutes for {what}");
            await Task.Delay(50);
        }
    }
}

/// <summary>One timed scheduler run: builds, time, table samples, and the grain calls counted around the slots.</summary>
internal sealed record SchedulerRun(int Builds, TimeSpan Elapsed, int Violations, int Samples, long SlotCalls)
{
    public double DispatchesPerSecond => Builds / Elapsed.TotalSeconds;
    public double CallsPerSecond => SlotCalls / Elapsed.TotalSeconds;
    public double CallsPerDispatch => (double)SlotCalls / Builds;
}
