using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Status;

/// <summary><c>autobuilder status</c>: one screen on the whole autobuilder.</summary>
public sealed class StatusCommand : AsyncCommand<ClusterSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ClusterSettings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var status = await cluster.Grains.GetGrain<IBuildSchedulerGrain>(0).GetStatusAsync();
        var uploads = new List<UploadSummary>();
        foreach (var product in status.Products)
            uploads.AddRange(await cluster.Grains.GetGrain<IUploadRegistryGrain>(product).ListAsync(1000));
        var byState = uploads.GroupBy(u => u.Outcome ?? u.State).ToDictionary(g => g.Key.ToString(), g => g.Count());
        var slots = status.Slots.GroupBy(s => s.State).ToDictionary(g => g.Key.ToString(), g => g.Count());
        if (settings.Json)
        {
            Output.WriteJson(new { products = status.Products, uploads = byState, running = status.Running.Count, waiting = status.Waiting.Count, slots, dispatched = status.Dispatched, warnings = status.Warnings ?? [] });
            return 0;
        }
        Console.WriteLine($"Products: {string.Join(", ", status.Products)}");
        Console.WriteLine($"Uploads:  {(byState.Count == 0 ? "none" : string.Join(", ", byState.Select(kv => $"{kv.Value} {kv.Key}")))}");
        Console.WriteLine($"Builds:   {status.Running.Count} running, {status.Waiting.Count} waiting, {status.Dispatched} dispatched since start");
        Console.WriteLine($"Slots:    {(slots.Count == 0 ? "none" : string.Join(", ", slots.Select(kv => $"{kv.Value} {kv.Key}")))}");
        foreach (var warning in status.Warnings ?? [])
            Console.WriteLine($"Warning:  {warning}");
        return 0;
    }
}
