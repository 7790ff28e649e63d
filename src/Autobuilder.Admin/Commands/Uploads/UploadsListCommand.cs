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

        [CommandOption("--state <STATE>")]
        [Description("Only uploads in this state or with this outcome (e.g. rejected, published).")]
        public string? State { get; init; }

        [CommandOption("--source <SOURCE>")]
        [Description("Only this source package's uploads.")]
        public string? Source { get; init; }

        [CommandOption("--uploader <LOGIN>")]
        [Description("Only this account's uploads.")]
        public string? Uploader { get; init; }

        [CommandOption("--search <TEXT>")]
        [Description("Only uploads whose id or last step contains this text.")]
        public string? Search { get; init; }

        [CommandOption("--offset <N>")]
        [Description("Skip this many of the newest matches (paging).")]
        public int Offset { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var products = settings.Product is { } p ? [p] : (await cluster.Grains.GetGrain<IBuildSchedulerGrain>(0).GetStatusAsync()).Products;
        var uploads = new List<UploadSummary>();
        // From the read model (all uploads ever taken). One product: its page; several: each one's first
        // offset + limit, merged (so deep pages over several products want --product).
        var single = products.Count == 1;
        var query = new UploadQuery(null, settings.State, settings.Source, settings.Uploader, settings.Search,
            Limit: single ? settings.Limit : Math.Min(UploadQuery.MaxLimit, settings.Offset + settings.Limit), Offset: single ? settings.Offset : 0);
        foreach (var product in products)
            uploads.AddRange((await cluster.Grains.GetGrain<IUploadRegistryGrain>(product).QueryAsync(query)).Uploads);
        uploads = uploads.OrderByDescending(u => u.ReceivedAt).ThenByDescending(u => u.Id, StringComparer.Ordinal)
            .Skip(single ? 0 : settings.Offset).Take(settings.Limit).ToList();
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
