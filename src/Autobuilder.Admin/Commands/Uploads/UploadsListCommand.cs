using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Uploads;

/// <summary><c>autobuilder uploads list</c>: the newest uploads of every product.</summary>
public sealed class UploadsListCommand : AsyncCommand<UploadsListCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandOption("--product <PRODUCT>")]
        [Description("Only this product's uploads.")]
        public string? Product { get; init; }

        [CommandOption("--limit <N>")]
        [Description("How many uploads to show (default 50).")]
        public int Limit { get; init; } = 50;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var products = settings.Product is { } p ? [p] : (await cluster.Grains.GetGrain<IBuildSchedulerGrain>(0).GetStatusAsync()).Products;
        var uploads = new List<UploadSummary>();
        foreach (var product in products)
            uploads.AddRange(await cluster.Grains.GetGrain<IUploadRegistryGrain>(product).ListAsync(settings.Limit));
        uploads = uploads.OrderByDescending(u => u.ReceivedAt).Take(settings.Limit).ToList();
        if (settings.Json)
        {
            Output.WriteJson(uploads);
            return 0;
        }
        if (uploads.Count == 0)
        {
            Console.WriteLine("No uploads yet. Upload one with: autobuilder upload FILE.dsc");
            return 0;
        }
        Output.WriteTable(["ID", "STATE", "OUTCOME", "RECEIVED", "LAST"],
            uploads.Select(u => new[] { u.Id, u.State.ToString(), u.Outcome?.ToString() ?? "", Output.Ago(u.ReceivedAt), Shorten(u.LastReason) }));
        return 0;
    }

    private static string Shorten(string s) => s.Length <= 70 ? s : s[..67] + "...";
}
