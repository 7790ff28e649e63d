using System.Diagnostics;
using Autobuilder.Grains;
using Autobuilder.Grains.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Autobuilder.Benchmarks.Pipeline;

/// <summary>
/// Scheduler throughput: 10,000 queued builds over 200 simulated slots (150 amd64, 50 i386) in a
/// real silo with the product's file-backed grain state. Counts dispatches per second, and checks
/// at every sample that no slot is idle while a build it could run waits.
/// </summary>
internal sealed class SchedulerBenchmark(string work, Report report)
{
    public async Task RunAsync(int builds = 10_000, int slots = 200, string? stateFolder = null, string label = "disk", bool memoryState = false)
    {
        var root = Path.Combine(stateFolder ?? work, $"scheduler-{Guid.NewGuid():N}");
        var settings = BenchSilo.Settings(root, portOffset: 7);
        for (var i = 0; i < slots; i++)
        {
            settings[$"Autobuilder:Slots:{i}:Host"] = "sim";
            settings[$"Autobuilder:Slots:{i}:User"] = $"s{i:000}";
            settings[$"Autobuilder:Slots:{i}:Executor"] = "local"; // served by the simulated factory below
            settings[$"Autobuilder:Slots:{i}:Architectures:0"] = i % 4 == 3 ? "i386" : "amd64";
        }
        settings["Autobuilder:LeaseSeconds"] = "600";
        await using var silo = await BenchSilo.StartAsync(settings,
            silo =>
            {
                silo.Services.AddSingleton<IBuildExecutorFactory, SimulatedBuildExecutorFactory>();
                if (memoryState)
                    silo.AddMemoryGrainStorage(Autobuilder.Silo.Hosting.SiloHost.StorageName);
            });
        var scheduler = silo.Grains.GetGrain<IBuildSchedulerGrain>(0);
        await WaitAsync(async () => (await scheduler.GetStatusAsync()).Slots.Count(s => s.State == SlotState.Idle) == slots, "all slots idle");

        var now = DateTimeOffset.UtcNow;
        var queued = Enumerable.Range(0, builds).Select(i =>
        {
            var arch = i % 4 == 3 ? "i386" : "amd64";
            var upload = $"sim/pkg{i}_1.0/1";
            return new QueuedBuild(new BuildRequest($"{upload}/{arch}", upload, "sim", $"pkg{i}", "1.0", arch, BuildType.Any,
                Priority: i % 10 == 0 ? 1 : 0, now.AddTicks(i), $"pkg{i}_1.0.dsc", [], "/nonexistent"), 1, []);
        }).ToList();

        var violations = 0;
        var samples = 0;
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
        var rate = builds / sw.Elapsed.TotalSeconds;
        report.Line($"Scheduler ({label} state): {builds:N0} builds over {slots} simulated slots in {sw.Elapsed.TotalSeconds:0.00} s = " +
                    $"**{rate:N0} dispatches/s** (target ≥ 2,000); samples with an idle slot while a compatible build waited: {violations} of {samples}.");
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
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
