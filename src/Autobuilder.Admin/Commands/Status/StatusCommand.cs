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
        string? uploadsAway = null;
        try
        {
            foreach (var product in status.Products)
                uploads.AddRange((await cluster.Grains.GetGrain<IUploadRegistryGrain>(product).QueryAsync(new UploadQuery(Limit: UploadQuery.MaxLimit))).Uploads);
        }
        catch (DatabaseException ex)
        {
            // The uploads' read model is in the cluster's database: without it, the rest still answers.
            uploadsAway = ex.Message;
        }
        var byState = uploads.GroupBy(u => u.Outcome ?? u.State).ToDictionary(g => g.Key.ToString(), g => g.Count());
        var slots = status.Slots.GroupBy(s => s.State).ToDictionary(g => g.Key.ToString(), g => g.Count());
        // Over the newest 1,000 uploads of each product (the uploads' read model).
        var latency = UploadLatency.Percentiles(uploads.Select(u => u.Latency).OfType<UploadLatency>());
        var disks = await DiskStatus.OfAllHostsAsync(cluster.Grains);
        var folders = await DiskStatus.FoldersAsync(cluster.Grains, disks);
        var deliveries = await DeliveryStatus.AllAsync(cluster.Grains);
        if (settings.Json)
        {
            Output.WriteJson(new { products = status.Products, uploads = byState, uploadsError = uploadsAway, running = status.Running.Count, waiting = status.Waiting.Count, slots, dispatched = status.Dispatched, warnings = status.Warnings ?? [],
                disks = disks.Select(d => new { host = d.Host, dataRoot = d.DataRoot, freeBytes = d.FreeBytes, totalBytes = d.TotalBytes, reserveBytes = d.ReserveBytes, underReserve = d.UnderReserve }),
                diskUse = folders.Select(h => new { host = h.Host, folders = h.Folders.Select(f => new { folder = f.Folder, bytes = f.Bytes, files = f.Files, partial = f.Partial }) }),
                deliveries = deliveries.Select(d => new { what = d.What, kind = d.Kind.ToString(), since = d.Since, attempts = d.Attempts, nextTry = d.NextTry, lastError = d.LastError }),
                latency = latency.Select(l => new { leg = l.Leg, uploads = l.Uploads, p50Seconds = l.P50?.TotalSeconds, p95Seconds = l.P95?.TotalSeconds }) });
            return 0;
        }
        Console.WriteLine($"Products: {string.Join(", ", status.Products)}");
        Console.WriteLine($"Uploads:  {(uploadsAway is not null ? $"not available: {uploadsAway}" : byState.Count == 0 ? "none" : string.Join(", ", byState.Select(kv => $"{kv.Value} {kv.Key}")))}");
        Console.WriteLine($"Builds:   {status.Running.Count} running, {status.Waiting.Count} waiting, {status.Dispatched} dispatched since start");
        Console.WriteLine($"Slots:    {(slots.Count == 0 ? "none" : string.Join(", ", slots.Select(kv => $"{kv.Value} {kv.Key}")))}");
        if (latency.Any(l => l.Uploads > 0))
        {
            Console.WriteLine("Latency:  p50 / p95 over recent uploads");
            foreach (var l in latency.Where(l => l.Uploads > 0))
                Console.WriteLine($"  {l.Leg,-24} {Seconds(l.P50)} / {Seconds(l.P95)}  ({l.Uploads} uploads)");
        }
        foreach (var d in disks)
            Console.WriteLine($"Disk:     {d.Host} {d.DataRoot}: {DiskSpace.Bytes(d.FreeBytes)} free of {DiskSpace.Bytes(d.TotalBytes)}, reserve {DiskSpace.Bytes(d.ReserveBytes)}"
                + (d.UnderReserve ? " — UNDER RESERVE: intake takes no new upload, builds and publishes wait" : ""));
        foreach (var (host, used) in folders)
            Console.WriteLine($"Disk use: {host}: {string.Join(", ", used.Select(f => $"{f.Folder} {DiskSpace.Bytes(f.Bytes)}{(f.Partial ? "+" : "")} ({f.Files} files)"))}");
        Console.WriteLine($"Retrying: {(deliveries.Count == 0 ? "nothing" : $"{deliveries.Count} hand-off(s) waiting to be tried again")}");
        foreach (var d in deliveries)
            Console.WriteLine($"  {d.Kind,-11} {d.What}: since {d.Since:u}, {d.Attempts} attempt(s), next {d.NextTry:u}; last error: {d.LastError}");
        foreach (var warning in status.Warnings ?? [])
            Console.WriteLine($"Warning:  {warning}");
        return 0;
    }

    private static string Seconds(TimeSpan? t) => t is { } v ? $"{v.TotalSeconds:0.000} s" : "-";
}
